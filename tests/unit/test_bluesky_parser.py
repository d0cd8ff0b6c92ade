"""The Bluesky parser (searchPosts, getProfiles) and the sealed session: property tests and pinned cases."""

from __future__ import annotations

import contextlib
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from repmon.adapters.item_fields import MalformedPage
from repmon.adapters.sources.bluesky_parse import parse_profiles, parse_search, post_to_mention
from repmon.adapters.sources.bluesky_session import Tokens, seal, unseal
from repmon.domain.source_registry import influence
from repmon.domain.sources.bluesky import BlueskySettings
from tests.fuzz_budget import FUZZ

FIXTURES = Path(__file__).resolve().parents[3] / "shared" / "fixtures" / "bluesky"
DID = "did:plc:abcdefghijklmnopqrstuvwx"


def _post(**over: object) -> dict[str, object]:
    post: dict[str, object] = {
        "uri": f"at://{DID}/app.bsky.feed.post/3lzzabcdefgh2",
        "author": {"did": DID, "handle": "kim.bsky.social", "createdAt": "2024-03-01T10:00:00.000Z"},
        "record": {
            "$type": "app.bsky.feed.post",
            "createdAt": "2026-11-01T11:00:00.000Z",
            "text": "Acme <b>ok</b>",
        },
        "replyCount": 2,
        "repostCount": 3,
        "likeCount": 40,
        "quoteCount": 1,
        "indexedAt": "2026-11-01T11:00:01.000Z",
    }
    return post | over


def test_a_post_becomes_a_mention_with_its_link_and_counts():
    m = post_to_mention(_post())
    assert m.native_id == f"at://{DID}/app.bsky.feed.post/3lzzabcdefgh2"
    assert m.url == "https://bsky.app/profile/kim.bsky.social/post/3lzzabcdefgh2"
    assert (m.engagement.score, m.engagement.shares, m.engagement.comments) == (40, 4, 2)
    assert m.text == "Acme ok"


def test_sort_at_is_the_earlier_of_created_and_indexed():
    tomorrow = _post(record={"createdAt": "2026-11-02T11:00:00Z", "text": "acme"})
    assert post_to_mention(tomorrow).created_at == datetime(2026, 11, 1, 11, 0, 1, tzinfo=UTC)


def test_an_unverified_handle_links_by_did():
    m = post_to_mention(_post(author={"did": DID, "handle": "handle.invalid<script>"}))
    assert m.url == f"https://bsky.app/profile/{DID}/post/3lzzabcdefgh2"


@pytest.mark.parametrize(
    "bad",
    [
        {"uri": "https://evil.example/x"},
        {"uri": f"at://{DID}/app.bsky.feed.like/3lzzabcdefgh2"},
        {"uri": f"at://{DID}/app.bsky.feed.post/" + "a" * 600},
        {"author": {"did": "did:plc:someoneelse", "handle": "x.bsky.social"}},
        {"record": None},
        {"record": {"text": 5, "createdAt": "2026-11-01T11:00:00Z"}},
        {"record": {"text": "x" * 5000}},
        {"record": {"text": "acme", "createdAt": "soon"}, "indexedAt": None},
        {"likeCount": [1]},
    ],
)
def test_malformed_posts_are_skipped_and_counted(bad):
    page = parse_search({"posts": [_post(**bad), _post(uri=f"at://{DID}/app.bsky.feed.post/3lzzabcdefgh3")]})
    assert len(page.mentions) == 1 and page.skipped == 1


def test_a_body_that_is_no_search_response_is_a_malformed_page():
    with pytest.raises(MalformedPage):
        parse_search({"error": "InternalServerError"})


def test_the_recorded_responses_parse():
    search = json.loads((FIXTURES / "f_search.json").read_text())["interactions"][0]["response_json"]
    page = parse_search(search)
    assert len(page.mentions) == len(search["posts"]) and page.skipped == 0 and page.cursor
    profiles = json.loads((FIXTURES / "a_profile.json").read_text())["interactions"][0]["response_json"]
    assert list(parse_profiles(profiles).values()) == [p["followersCount"] for p in profiles["profiles"]]


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=5),
    max_leaves=25,
)
_fields = st.fixed_dictionaries(
    {},
    optional={
        k: _json for k in ("uri", "author", "record", "likeCount", "repostCount", "indexedAt", "replyCount")
    },
)


@FUZZ
@given(st.lists(st.one_of(_json, _fields, st.builds(lambda o: _post(**o), _fields)), max_size=6))
def test_any_posts_are_parsed_or_skipped_never_raised(posts):
    page = parse_search({"posts": posts, "cursor": "x"})
    assert len(page.mentions) + page.skipped == len(posts)


@FUZZ
@given(_json)
def test_any_profiles_body_is_read_or_refused(body):
    with contextlib.suppress(MalformedPage):
        assert all(v >= 0 for v in parse_profiles(body).values())


def test_influence_grows_with_followers_and_engagement():
    now = datetime(2026, 11, 1, 12, tzinfo=UTC)
    base = post_to_mention(_post())
    from dataclasses import replace

    bigger = replace(base, author=replace(base.author, followers=100_000))
    assert 0 <= influence(base, now) < influence(bigger, now) <= 100


def test_a_sealed_session_round_trips_and_hides_the_tokens():
    tokens = Tokens(DID, "eyJ.access.secret", "eyJ.refresh.secret")
    sealed = seal(tokens, "app-pass", "kim.bsky.social")
    assert "secret" not in sealed and "eyJ" not in sealed and "secret" not in repr(tokens)
    assert unseal(sealed, "app-pass", "kim.bsky.social") == tokens
    assert unseal(sealed, "new-app-pass", "kim.bsky.social") is None
    flipped = sealed[:30] + ("A" if sealed[30] != "A" else "B") + sealed[31:]
    assert unseal(flipped, "app-pass", "kim.bsky.social") is None
    assert unseal(12, "app-pass", "x") is None and unseal("%%%", "app-pass", "x") is None


def test_settings_are_off_by_default_and_checked():
    assert not BlueskySettings().active and BlueskySettings(enabled=True).active
    with pytest.raises(ValidationError):
        BlueskySettings(lang="English!")
    with pytest.raises(ValidationError):
        BlueskySettings(max_items=0)


def test_an_email_shows_the_posts_own_numbers():
    from dataclasses import replace

    from repmon.domain.email_mentions import reach

    m = post_to_mention(_post())
    m = replace(m, author=replace(m.author, followers=2400))
    assert reach(m) == ["2.4k followers", "40 likes", "4 reposts and quotes", "2 comments"]
