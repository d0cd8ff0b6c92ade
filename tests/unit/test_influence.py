"""Influence: bounded 0-100, monotonic in each signal, and unknown values contribute nothing."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from repmon.domain.influence import saturate
from repmon.domain.models import Author, Engagement, Mention
from repmon.domain.source_registry import influence

NOW = datetime(2026, 11, 1, 12, tzinfo=UTC)
counts = st.one_of(st.none(), st.integers(min_value=-10, max_value=10**9))


def _mention(source: str, **kw: object) -> Mention:
    return Mention(source=source, native_id="1", created_at=NOW, text="t", **kw)  # type: ignore[arg-type]


def _reddit(karma=None, age_days=None, score=0, comments=0, size=None) -> Mention:
    created = None if age_days is None else NOW - timedelta(days=age_days)
    author = Author(id="a", handle="a", karma=karma, account_created_at=created)
    return _mention(
        "reddit", author=author, engagement=Engagement(score=score, comments=comments), community_size=size
    )


def test_unknown_everything_is_zero_on_every_platform():
    for source in ("reddit", "hackernews", "appstore", "mastodon"):
        assert influence(_mention(source), NOW) == 0.0


def test_a_big_reddit_account_in_a_big_subreddit_is_influential():
    big = _reddit(karma=500_000, age_days=3000, score=20_000, comments=3_000, size=30_000_000)
    small = _reddit(karma=50, age_days=10, score=1, comments=0, size=2_000)
    assert influence(big, NOW) > 85 > 30 > influence(small, NOW)


def test_reddit_suspended_author_with_no_karma_still_scores_from_the_post():
    assert influence(_reddit(karma=None, score=500, size=100_000), NOW) > 0


def test_hackernews_front_page_story_outranks_a_quiet_comment():
    front = _mention("hackernews", engagement=Engagement(score=600, comments=300))
    quiet = _mention("hackernews", engagement=Engagement(score=0, comments=0))
    assert influence(front, NOW) > 75 and influence(quiet, NOW) == 0


def test_appstore_review_voted_on_counts_more():
    voted = _mention("appstore", engagement=Engagement(score=40, votes=60), rating=1)
    unvoted = _mention("appstore", rating=1)
    assert influence(voted, NOW) > influence(unvoted, NOW) == 0


def test_future_account_creation_and_naive_dates_do_not_crash():
    naive = Author(id="a", handle="a", account_created_at=datetime(2020, 1, 1))
    assert influence(_mention("reddit", author=naive), NOW) == 0
    assert influence(_reddit(age_days=-30), NOW) == 0


def test_saturate_bounds():
    assert saturate(None, 10) == saturate(-5, 10) == saturate(float("nan"), 10) == 0
    assert saturate(10**12, 10) == 1


@given(
    karma=counts,
    age=st.one_of(st.none(), st.integers(-100, 20_000)),
    score=counts,
    comments=counts,
    size=counts,
)
def test_reddit_is_bounded_and_monotonic_in_each_input(karma, age, score, comments, size):
    base = _reddit(karma, age, score or 0, comments or 0, size)
    value = influence(base, NOW)
    assert 0 <= value <= 100
    more = [
        replace(base, author=replace(base.author, karma=(karma or 0) + 1000)),
        replace(base, engagement=replace(base.engagement, score=(score or 0) + 10)),
        replace(base, engagement=replace(base.engagement, comments=(comments or 0) + 10)),
        replace(base, community_size=(size or 0) + 1000),
        replace(
            base, author=replace(base.author, account_created_at=NOW - timedelta(days=max(age or 0, 0) + 30))
        ),
    ]
    assert all(influence(m, NOW) >= value for m in more)


@given(score=counts, comments=counts, votes=counts)
def test_hackernews_and_appstore_are_bounded_and_monotonic(score, comments, votes):
    for source in ("hackernews", "appstore"):
        base = _mention(
            source, engagement=Engagement(score=score or 0, comments=comments or 0, votes=votes or 0)
        )
        value = influence(base, NOW)
        assert 0 <= value <= 100
        for field in ("score", "comments", "votes"):
            bumped = replace(base.engagement, **{field: getattr(base.engagement, field) + 100})
            assert influence(replace(base, engagement=bumped), NOW) >= value


def test_review_sites_without_a_record_are_zero_and_grow_with_votes_and_contributions():
    for source in ("google_play", "tripadvisor"):
        assert influence(_mention(source), NOW) == 0.0
    # Google Play: how readers rated the review (no reviewer record is given)
    play = _mention("google_play", engagement=Engagement(score=450, votes=500))
    assert influence(play, NOW) == 93.31  # 60 sat(500, 1000) 54.0 + 40 sat(450, 500) 39.3
    # Tripadvisor (imported): the reviewer's contributions and the review's helpful votes
    seasoned = _mention("tripadvisor", author=Author("a", "a", karma=1000), engagement=Engagement(votes=100))
    first_timer = _mention("tripadvisor", author=Author("b", "b", karma=1), engagement=Engagement(votes=0))
    assert (influence(seasoned, NOW), influence(first_timer, NOW)) == (100.0, 6.02)
