"""How one mention reads in an email: who (r/sub, u/user), when (local and UTC), how far it carries."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from repmon.domain.email_mentions import excerpt, mention_lines, reach, when
from repmon.domain.models import Author, Engagement, Mention, ScoredMention, Sentiment
from repmon.domain.similar import group_similar

NOW = datetime(2026, 11, 3, 11, 30, tzinfo=UTC)
DENVER = ZoneInfo("America/Denver")


def _sm(text: str, influence: float = 50.0, n: int = 0, **fields: object) -> ScoredMention:
    mention = Mention(
        fields.pop("source", "reddit"),  # type: ignore[arg-type]
        f"t{n}",
        fields.pop("created_at", NOW - timedelta(hours=2)),  # type: ignore[arg-type]
        text,
        url=f"https://example.test/{n}",
        author=Author(id=f"a{n}", handle=f"user{n}", karma=4400),
        **fields,  # type: ignore[arg-type]
    )
    return ScoredMention("acme", mention, Sentiment("negative", -0.8), influence)


def test_reddit_reads_as_r_sub_and_u_user_and_each_mention_says_when_it_was_posted():
    sm = _sm("Acme Air lost my guitar", community="travel", engagement=Engagement(score=27, comments=1))
    lines = mention_lines(1, sm, now=NOW, zone=DENVER)
    assert lines[0] == (
        "1. Reddit r/travel by u/user0 | sentiment -0.80 | influence 50 (karma 4.4k, 27 upvotes, 1 comment)"
    )
    assert lines[1] == '   "Acme Air lost my guitar"'
    assert lines[2] == "   posted 2 h ago, Tue 3 Nov 02:30 MST (09:30 UTC)"
    assert lines[3] == "   https://example.test/0"


def test_a_post_time_in_utc_for_a_brand_in_utc_and_minutes_for_a_recent_post():
    assert when(NOW - timedelta(minutes=25), UTC, NOW) == "25 min ago, Tue 3 Nov 11:05 UTC"
    assert when(NOW - timedelta(days=3), UTC, NOW) == "3 days ago, Sat 31 Oct 11:30 UTC"


def test_views_and_votes_go_beside_the_influence_score():
    sm = _sm("clip", source="bluesky", engagement=Engagement(score=3, views=120_000, votes=2))
    assert reach(sm.mention) == ["karma 4.4k", "3 likes", "2 votes", "120k views"]


def test_a_news_item_whose_text_repeats_its_title_is_excerpted_once():
    title = "Thousands stranded as Acme Air cancels hundreds of flights"
    sm = _sm(f"{title}. Wire Daily reports.", title=title, source="feeds")
    assert excerpt(sm) == "Thousands stranded as Acme Air cancels hundreds of flights. Wire Daily reports."


def test_near_identical_texts_are_collapsed_under_the_most_influential():
    texts = [
        ("Acme Air cancelled every early flight out of Dublin, absolute chaos", 54.0),
        ("Acme Air cancelled every afternoon flight out of Dublin, absolute chaos", 51.0),
        ("Acme Air cancelled every morning flight out of Dublin!! absolute chaos", 58.0),
        ("Acme Air lost my guitar on the Austin flight and nobody replies", 56.0),
        ("RT: Acme Air lost my guitar on the Austin flight and nobody replies", 12.0),
        ("Acme Air app is down", 40.0),
    ]
    grouped = group_similar([_sm(t, i, n) for n, (t, i) in enumerate(texts)])
    assert [(sm.mention.native_id, count) for sm, count in grouped] == [("t2", 3), ("t3", 2), ("t5", 1)]


def test_a_collapsed_mention_says_how_many_said_the_same():
    lines = mention_lines(2, _sm("Acme Air app is down"), now=NOW, zone=UTC, similar=3)
    assert lines[2] == "   posted 2 h ago, Tue 3 Nov 09:30 UTC | x3 similar"
