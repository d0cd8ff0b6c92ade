"""The adapters' item parsers: any payload gives a Mention or an error the adapter skips and counts.

An error outside that set would fail the whole poll job, and since the cursor only moves after a
successful poll, one absurd item would then stop the brand's source for good.
"""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from repmon.adapters.item_fields import ITEM_ERRORS, MAX_COUNT, MalformedPage
from repmon.adapters.sources.appstore import entry_to_review, parse_feed
from repmon.adapters.sources.hackernews import hit_to_mention, parse_hits
from repmon.adapters.sources.reddit import Listing, parse_listing, to_mention
from tests.fuzz_budget import FUZZ

SKIPPED = ITEM_ERRORS
NOW = datetime(2026, 11, 1, tzinfo=UTC)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
)
values = st.recursive(
    scalars, lambda inner: st.dictionaries(st.text(max_size=8), inner, max_size=3), max_leaves=6
)


def _parses_or_is_skipped(parse: Any, payload: dict[str, Any]) -> None:
    with contextlib.suppress(*SKIPPED):
        parse(payload)


@given(
    st.fixed_dictionaries(
        {},
        optional={
            k: values
            for k in (
                "objectID",
                "created_at_i",
                "comment_text",
                "title",
                "author",
                "points",
                "num_comments",
                "story_title",
                "_tags",
                "created_at",
            )
        },
    )
)
def test_any_hacker_news_hit_parses_or_is_skipped(hit):
    _parses_or_is_skipped(hit_to_mention, hit)


@given(
    st.fixed_dictionaries(
        {},
        optional={
            k: values
            for k in (
                "id",
                "created_utc",
                "title",
                "selftext",
                "author",
                "subreddit",
                "score",
                "num_comments",
                "permalink",
                "subreddit_subscribers",
                "body",
            )
        },
    )
)
def test_any_reddit_thing_parses_or_is_skipped(data):
    _parses_or_is_skipped(lambda d: to_mention(d, comment=False), data)
    _parses_or_is_skipped(lambda d: to_mention(d, comment=True), data)


@given(
    st.fixed_dictionaries(
        {},
        optional={
            k: values
            for k in (
                "id",
                "im:rating",
                "title",
                "content",
                "author",
                "im:voteSum",
                "im:voteCount",
                "updated",
                "im:version",
            )
        },
    )
)
def test_any_app_store_entry_parses_or_is_skipped(entry):
    _parses_or_is_skipped(lambda e: entry_to_review(e, "us", "123456789", NOW), entry)


@pytest.mark.parametrize(
    ("parse", "payload"),
    [
        (hit_to_mention, {"objectID": "1", "created_at_i": 10**20, "comment_text": "x", "author": "a"}),
        (
            lambda d: to_mention(d, comment=False),
            {"id": "a", "created_utc": 1e20, "title": "x", "subreddit": "s"},
        ),
        (
            lambda d: to_mention(d, comment=False),
            {"id": "a", "created_utc": 1.7e9, "score": float("inf"), "title": "x", "subreddit": "s"},
        ),
    ],
)
def test_absurd_numbers_are_a_skippable_error(parse, payload):
    with pytest.raises(SKIPPED):
        parse(payload)


def test_the_reddit_listing_skips_and_counts_absurd_children_and_keeps_the_rest():
    good = {"id": "b", "created_utc": 1_790_000_000.0, "title": "acme", "subreddit": "s", "author": None}
    children = [
        {"kind": "t3", "data": {**good, "id": "a", "created_utc": 1e20}},
        {"kind": "t3", "data": {**good, "id": "c", "created_utc": -(2**63)}},  # OSError in datetime
        {"kind": "t3", "data": {**good, "id": "d", "score": 10**40}},  # clamped, not skipped
        {"kind": "t3", "data": "not an object"},  # praw raised here for the whole page
        {"kind": "t3", "data": {**good, "id": "../../api/v1/me"}},
        [],
        {"kind": "t3", "data": good},
    ]
    page = parse_listing({"kind": "Listing", "data": {"children": children, "after": "t3_b"}})
    assert ([m.native_id for m in page.mentions], page.skipped, page.after) == (["t3_d", "t3_b"], 5, "t3_b")
    assert page.mentions[0].engagement.score == MAX_COUNT


def test_a_body_that_is_not_a_page_is_a_typed_error_not_a_crash():
    for parse in (
        parse_listing,
        parse_hits,
        lambda b: parse_feed(b, "us", "123456789", NOW),
    ):
        with pytest.raises(MalformedPage):
            parse(["not", "a", "page"])


# Page-level fuzzing: whole responses, as a broken or hostile server could send them. Each parser
# must return (mentions, skipped) or raise MalformedPage for a body that is not a page at all;
# anything else escaping would fail the job on every retry. Slow: 10,000 inputs per parser.
_FIELD_VALUES = st.one_of(
    scalars,
    st.just(-(2**63)),
    st.integers(min_value=10**38, max_value=10**45),
    st.lists(scalars, max_size=3),
    st.dictionaries(st.sampled_from(["label", "name", "x"]), scalars, max_size=2),
)


#: Anything at all, flat: recursive strategies cost more to draw than the parsers cost to run.
_ANY = st.one_of(
    scalars, st.lists(scalars, max_size=2), st.dictionaries(st.text(max_size=3), scalars, max_size=2)
)


def _objects(keys: tuple[str, ...], good: dict[str, Any]) -> st.SearchStrategy[Any]:
    """Mostly near-valid items (good fields with some replaced), sometimes anything at all."""
    near = st.fixed_dictionaries({}, optional={k: _FIELD_VALUES for k in keys}).map(lambda d: {**good, **d})
    return st.one_of(near, near, near, _ANY)


_REDDIT_GOOD = {
    "id": "abc",
    "created_utc": 1.79e9,
    "title": "acme",
    "subreddit": "s",
    "author": "a",
    "body": "x",
}
_REDDIT_CHILD = st.one_of(
    st.fixed_dictionaries(
        {
            "kind": st.sampled_from(["t1", "t3", "t3", "more", 5]),
            "data": _objects(
                (
                    *tuple(_REDDIT_GOOD),
                    "score",
                    "num_comments",
                    "permalink",
                    "subreddit_subscribers",
                    "selftext",
                    "author_fullname",
                ),
                _REDDIT_GOOD,
            ),
        }
    ),
    values,
)
_HN_GOOD = {
    "objectID": "123",
    "created_at_i": 1_790_000_000,
    "title": "acme",
    "author": "a",
    "_tags": ["story"],
}
_HN_HIT = _objects(
    (*tuple(_HN_GOOD), "comment_text", "story_text", "points", "num_comments", "story_title", "created_at"),
    _HN_GOOD,
)
_AS_GOOD = {
    "id": {"label": "9000000001"},
    "im:rating": {"label": "4"},
    "content": {"label": "ok"},
    "updated": {"label": "2026-10-01T10:00:00-07:00"},
}
_AS_ENTRY = _objects((*tuple(_AS_GOOD), "author", "title", "im:voteSum", "im:voteCount", "im:name"), _AS_GOOD)
_FUZZ = FUZZ


def _never_crashes(parse: Any, body: Any) -> None:
    with contextlib.suppress(MalformedPage):
        mentions, skipped = parse(body)[:2]
        assert skipped >= 0 and all(m.native_id for m in mentions)


@pytest.mark.slow
@_FUZZ
@given(
    st.one_of(
        st.lists(_REDDIT_CHILD, max_size=3).map(
            lambda c: {"kind": "Listing", "data": {"children": c, "after": None}}
        ),
        _ANY,
    )
)
def test_fuzzed_reddit_listings_never_crash(body):
    _never_crashes(lambda b: _listing_mentions(parse_listing(b, _QUIET)), body)


@pytest.mark.slow
@_FUZZ
@given(
    st.one_of(st.lists(_HN_HIT, max_size=3).map(lambda h: {"hits": h, "nbHits": len(h), "nbPages": 1}), _ANY)
)
def test_fuzzed_hacker_news_responses_never_crash(body):
    _never_crashes(lambda b: parse_hits(b, _QUIET), body)


@pytest.mark.slow
@_FUZZ
@given(
    st.one_of(
        st.lists(_AS_ENTRY, max_size=3).map(lambda e: {"feed": {"entry": e}}),
        st.builds(lambda e: {"feed": {"entry": e}}, _AS_ENTRY),
        _ANY,
    )
)
def test_fuzzed_app_store_feeds_never_crash(body):
    _never_crashes(lambda b: _feed_mentions(parse_feed(b, "us", "123456789", NOW, _QUIET)), body)


class _Quiet:
    def warning(self, msg: Any, *args: Any, **kwargs: Any) -> None:
        return None


_QUIET = _Quiet()


def _feed_mentions(parsed: tuple[list[tuple[int, Any]], int, int]) -> tuple[list[Any], int]:
    return [mention for _, mention in parsed[0]], parsed[1]


def _listing_mentions(page: Listing) -> tuple[list[Any], int]:
    return page.mentions, page.skipped
