"""Mastodon statuses as Mentions: canonical uri as the id, HTML to text, the platform's counts kept;
anything malformed is skipped and counted, never a crash (property-tested)."""

from __future__ import annotations

import contextlib
import copy
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from repmon.adapters.item_fields import ITEM_ERRORS, MAX_COUNT, MalformedPage
from repmon.adapters.sources.mastodon import snowflake
from repmon.adapters.sources.mastodon_parse import (
    parse_statuses,
    search_statuses,
    status_to_mention,
    timeline_statuses,
)
from repmon.domain.email_mentions import reach
from repmon.domain.source_registry import influence
from tests.fuzz_budget import FUZZ

NOW = datetime(2026, 11, 1, tzinfo=UTC)
STATUS: dict[str, Any] = {
    "id": "117500000000000001",
    "created_at": "2026-10-31T22:15:04.512Z",
    "spoiler_text": "",
    "uri": "https://toot.example/users/kestrel/statuses/117499",
    "url": "https://toot.example/@kestrel/117499",
    "replies_count": 7,
    "reblogs_count": 31,
    "favourites_count": 88,
    "quotes_count": 2,
    "content": '<p>Flew <a href="https://toot.example/tags/acmeair" class="mention hashtag">'
    "#<span>AcmeAir</span></a> &amp; waited 3h<br>for a gate</p>",
    "reblog": None,
    "account": {
        "id": "4411",
        "username": "kestrel",
        "acct": "kestrel@toot.example",
        "created_at": "2022-11-05T00:00:00.000Z",
        "followers_count": 1290,
        "url": "https://toot.example/@kestrel",
        "bot": False,
    },
}


def _status(**changes: Any) -> dict[str, Any]:
    status = copy.deepcopy(STATUS)
    status.update(changes)
    return status


def test_a_status_keeps_its_canonical_uri_text_counts_and_author() -> None:
    m = status_to_mention(_status())
    assert m.source == "mastodon" and m.native_id == STATUS["uri"] and m.url == STATUS["url"]
    assert m.text == "Flew #AcmeAir & waited 3h\nfor a gate"
    assert m.created_at == datetime(2026, 10, 31, 22, 15, 4, 512000, tzinfo=UTC)
    assert (m.engagement.score, m.engagement.comments, m.engagement.shares) == (88, 7, 33)
    assert (m.author.handle, m.author.followers) == ("kestrel@toot.example", 1290)
    assert m.author.account_created_at == datetime(2022, 11, 5, tzinfo=UTC)
    assert m.community == "toot.example"


def test_the_same_post_through_another_instance_is_the_same_mention() -> None:
    here, there = status_to_mention(_status()), status_to_mention(_status(id="999"))
    assert here.key == there.key


def test_a_boost_is_read_as_the_boosted_post_and_a_content_warning_is_the_title() -> None:
    boost = _status(uri="https://x.example/b/1", content="", reblog=_status(spoiler_text="rant"))
    m = status_to_mention(boost)
    assert m.native_id == STATUS["uri"] and m.title == "rant"


def test_an_email_shows_the_posts_own_numbers() -> None:
    assert reach(status_to_mention(_status())) == [
        "1.3k followers",
        "88 favourites",
        "33 boosts",
        "7 comments",
    ]


def test_influence_grows_with_followers_and_engagement() -> None:
    small = status_to_mention(_status(account={**STATUS["account"], "followers_count": 3}))
    big = status_to_mention(_status())
    assert 0 < influence(small, NOW) < influence(big, NOW) <= 100


@pytest.mark.parametrize(
    "bad",
    [
        _status(uri="javascript:alert(1)"),
        _status(uri="https://x.example/" + "a" * 600),
        _status(uri=None),
        _status(content=""),
        _status(content=["<p>acme</p>"]),
        _status(created_at="yesterday"),
        _status(account="kestrel"),
        _status(favourites_count="many"),
        _status(content="<p>acme</p>" * 20_000),
        "not a status",
    ],
)
def test_malformed_statuses_are_skipped_and_counted_the_rest_kept(bad: Any) -> None:
    mentions, skipped = parse_statuses([bad, _status()])
    assert skipped == 1 and [m.native_id for m in mentions] == [STATUS["uri"]]


def test_huge_counts_are_clamped_and_odd_html_and_bad_utf8_are_text() -> None:
    odd = _status(content="<p>acme <script>x</script> \udcff</p><", favourites_count=10**40)
    m = status_to_mention(odd)
    assert m.engagement.score == MAX_COUNT and "acme" in m.text


def test_pages_that_are_not_lists_or_search_results_are_malformed_pages() -> None:
    assert search_statuses({"accounts": [], "statuses": [1], "hashtags": []}) == [1]
    bodies: list[Any] = [{"statuses": "x"}, [], "html", None]
    for body in bodies:
        with pytest.raises(MalformedPage):
            search_statuses(body)
    with pytest.raises(MalformedPage):
        timeline_statuses({"error": "This API requires an authenticated user"})


def test_a_time_becomes_the_smallest_id_of_that_millisecond() -> None:
    assert snowflake(1.5) == str(1500 << 16) and snowflake(-5) == "0"


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
_KEYS = ("uri", "url", "created_at", "content", "spoiler_text", "account", "reblog", "favourites_count")


@FUZZ
@given(
    st.fixed_dictionaries({}, optional={k: values for k in _KEYS}),
    st.sampled_from(_KEYS),
)
def test_any_status_gives_a_mention_or_a_skip_never_a_crash(changes: dict[str, Any], key: str) -> None:
    with contextlib.suppress(*ITEM_ERRORS):
        status_to_mention({**_status(), **changes})
    broken = _status()
    broken.pop(key)
    with contextlib.suppress(*ITEM_ERRORS):
        status_to_mention(broken)


@FUZZ
@given(st.lists(st.one_of(values, st.just(STATUS)), max_size=5))
def test_any_page_counts_every_item_once(items: list[Any]) -> None:
    mentions, skipped = parse_statuses(items)
    assert len(mentions) + skipped == len(items)
