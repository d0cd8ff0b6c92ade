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

from repmon.adapters.appstore_source import entry_to_review
from repmon.adapters.hackernews_source import hit_to_mention
from repmon.adapters.reddit_source import to_mention

SKIPPED = (KeyError, TypeError, ValueError, AttributeError, ArithmeticError)
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


class _Thing:
    """Stands for a praw model: the adapter reads its attributes with vars()."""

    def __init__(self, **data: Any) -> None:
        self.__dict__.update(data)


def test_the_hacker_news_adapter_skips_and_counts_an_absurd_hit_and_keeps_the_rest():
    from repmon.adapters.hackernews_source import AlgoliaHackerNewsSource

    good = {
        "objectID": "2",
        "created_at_i": 1_790_000_000,
        "comment_text": "acme",
        "author": "a",
        "_tags": [],
    }
    mentions, skipped = AlgoliaHackerNewsSource()._parse(
        [{**good, "objectID": "1", "created_at_i": 10**20}, good]
    )
    assert ([m.native_id for m in mentions], skipped) == (["2"], 1)


def test_the_reddit_adapter_skips_and_counts_an_absurd_item_and_keeps_the_rest():
    from repmon.adapters.reddit_source import PrawRedditSource

    good = {"id": "b", "created_utc": 1_790_000_000.0, "title": "acme", "subreddit": "s", "author": None}
    listing = [_Thing(**{**good, "id": "a", "created_utc": 1e20}), _Thing(**good)]
    found, skipped, _ = PrawRedditSource(reddit=None)._scan(listing, datetime(2020, 1, 1, tzinfo=UTC))  # type: ignore[arg-type]
    assert ([m.native_id for m in found], skipped) == (["t3_b"], 1)
