"""Each parser keeps the native id of the post a reply answers (`parent_id`), in the form the parent's
own `native_id` has, so the brand's replies can be matched; a malformed parent id is dropped, never a
reason to skip the post."""

from __future__ import annotations

import pytest

from repmon.adapters.sources.bluesky_parse import post_to_mention
from repmon.adapters.sources.hackernews import hit_to_mention
from repmon.adapters.sources.reddit import to_mention

DID = "did:plc:abcdefghijklmnopqrstuvwx"
PARENT = f"at://{DID}/app.bsky.feed.post/3lzzabcdefgh3"


def _reddit(**over: object) -> dict[str, object]:
    return {"id": "c1", "created_utc": 1.79e9, "subreddit": "s", "author": "a", "body": "acme"} | over


@pytest.mark.parametrize(
    ("given", "kept"), [("t3_abc", "t3_abc"), ("t1_xyz9", "t1_xyz9"), ("t5_abc", ""), (7, "")]
)
def test_a_reddit_comment_keeps_its_parent_thing(given: object, kept: str) -> None:
    m = to_mention(_reddit(parent_id=given), comment=True)
    assert (m.native_id, m.parent_id) == ("t1_c1", kept)
    assert to_mention(_reddit(title="acme"), comment=False).parent_id == ""


def _hit(**over: object) -> dict[str, object]:
    return {"objectID": "99", "created_at_i": 1_790_000_000, "author": "a", "comment_text": "acme"} | over


@pytest.mark.parametrize(
    ("given", "kept"), [(15352681, "15352681"), ("42", "42"), (None, ""), ("x1", ""), (-3, "")]
)
def test_a_hacker_news_comment_keeps_its_parent_item(given: object, kept: str) -> None:
    assert hit_to_mention(_hit(_tags=["comment"], parent_id=given)).parent_id == kept


def _post(reply: object) -> dict[str, object]:
    record: dict[str, object] = {"createdAt": "2026-11-01T11:00:00.000Z", "text": "sorry, DM us"}
    if reply is not None:
        record["reply"] = reply
    return {
        "uri": f"at://{DID}/app.bsky.feed.post/3lzzabcdefgh2",
        "author": {"did": DID, "handle": "acme.com"},
        "record": record,
        "indexedAt": "2026-11-01T11:00:01.000Z",
    }


@pytest.mark.parametrize(
    ("reply", "kept"),
    [
        ({"parent": {"uri": PARENT, "cid": "x"}, "root": {"uri": PARENT, "cid": "x"}}, PARENT),
        ({"parent": {"uri": "https://bsky.app/x"}}, ""),
        ({"parent": "nope"}, ""),
        ("nope", ""),
        (None, ""),
    ],
)
def test_a_bluesky_reply_keeps_its_parent_posts_uri(reply: object, kept: str) -> None:
    assert post_to_mention(_post(reply)).parent_id == kept
