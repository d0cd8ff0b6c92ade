"""The own-post readers' parsers take anything: a Bluesky author feed gives a page or a typed error,
never a crash; a repost is not the brand's post."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from repmon.adapters.item_fields import MalformedPage
from repmon.adapters.sources.bluesky_own import parse_feed
from tests.fuzz_budget import FUZZ

DID = "did:plc:abcdefghijklmnopqrstuvwx"


def _post(rkey: str) -> dict[str, Any]:
    return {
        "uri": f"at://{DID}/app.bsky.feed.post/{rkey}",
        "author": {"did": DID, "handle": "acme.com"},
        "record": {"createdAt": "2026-11-01T11:00:00.000Z", "text": "Sorry, DM us"},
        "indexedAt": "2026-11-01T11:00:01.000Z",
    }


def test_a_feed_keeps_the_accounts_posts_and_leaves_reposts_out() -> None:
    body = {
        "feed": [
            {"post": _post("3lzzabcdefgh2")},
            {"post": _post("3lzzabcdefgh3"), "reason": {"$type": "app.bsky.feed.defs#reasonRepost"}},
            {"post": {"uri": "nope"}},
        ],
        "cursor": "c1",
    }
    page = parse_feed(body)
    assert [m.native_id.rsplit("/", 1)[1] for m in page.mentions] == ["3lzzabcdefgh2"]
    assert (page.skipped, page.cursor, page.size) == (1, "c1", 3)


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=20,
)


@FUZZ
@given(
    st.one_of(_json, st.fixed_dictionaries({"feed": st.lists(_json, max_size=5)}, optional={"cursor": _json}))
)
def test_any_feed_body_is_a_page_or_a_malformed_page(body: Any) -> None:
    try:
        page = parse_feed(body)
    except MalformedPage:
        return
    assert page.size >= len(page.mentions)
