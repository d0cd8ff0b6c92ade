"""YouTube videos, comment threads and statistics: ids checked, replies with their parent, the brand's
reply found, statistics strings read defensively; anything malformed skipped and counted (fuzzed)."""

from __future__ import annotations

import contextlib
import copy
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from repmon.adapters.item_fields import ITEM_ERRORS, MalformedPage
from repmon.adapters.sources.youtube_parse import (
    channel_subscribers,
    list_page,
    parse_threads,
    thread_to_mentions,
    video_stats,
    video_to_mention,
)
from repmon.domain.email_mentions import reach, where
from repmon.domain.source_registry import influence
from tests.fuzz_budget import FUZZ

NOW = datetime(2026, 11, 1, tzinfo=UTC)
BRAND = "UCacmeAirOfficial0000001"
VIEWER = "UCkestrelTravels00000002"
VIDEO: dict[str, Any] = {
    "kind": "youtube#searchResult",
    "id": {"kind": "youtube#video", "videoId": "Qw3rty_-9Ab"},
    "snippet": {
        "publishedAt": "2026-10-31T21:04:11Z",
        "channelId": VIEWER,
        "title": "Acme Air&#39;s 4 hour delay, explained",
        "description": "Gate changes &amp; no updates",
        "channelTitle": "Kestrel Travels",
    },
}


def _comment(
    cid: str, text: str, author: str, *, at: str = "2026-10-31T22:00:00Z", **more: Any
) -> dict[str, Any]:
    snippet = {
        "videoId": "Qw3rty_-9Ab",
        "authorDisplayName": "@someone",
        "authorChannelId": {"value": author},
        "textDisplay": text.replace("&", "&amp;"),
        "textOriginal": text,
        "likeCount": 12,
        "publishedAt": at,
        "updatedAt": at,
        **more,
    }
    return {"kind": "youtube#comment", "id": cid, "snippet": snippet}


TOP = "UgxTopLevelComment0000AaABAg"
THREAD: dict[str, Any] = {
    "kind": "youtube#commentThread",
    "id": TOP,
    "snippet": {
        "channelId": VIEWER,
        "videoId": "Qw3rty_-9Ab",
        "topLevelComment": _comment(TOP, "Acme Air lost my bag & never called", VIEWER),
        "totalReplyCount": 9,
    },
    "replies": {
        "comments": [
            _comment(f"{TOP}.reply0000001", "same", VIEWER, at="2026-10-31T22:10:00Z", parentId=TOP),
            _comment(f"{TOP}.reply0000002", "Sorry - DM us", BRAND, at="2026-10-31T22:30:00Z", parentId=TOP),
        ]
    },
}


def _thread(**changes: Any) -> dict[str, Any]:
    thread = copy.deepcopy(THREAD)
    thread.update(changes)
    return thread


def test_a_video_is_its_title_and_description_unescaped_with_its_channel_and_link() -> None:
    m = video_to_mention(VIDEO)
    assert (m.source, m.native_id) == ("youtube", "Qw3rty_-9Ab")
    assert m.title == "Acme Air's 4 hour delay, explained" and m.text == "Gate changes & no updates"
    assert m.url == "https://www.youtube.com/watch?v=Qw3rty_-9Ab" and m.author.id == VIEWER
    assert m.created_at == datetime(2026, 10, 31, 21, 4, 11, tzinfo=UTC)


def test_a_thread_gives_its_comment_and_replies_with_the_parent_and_the_brands_reply() -> None:
    top, first, answer = thread_to_mentions(THREAD, {BRAND})[0]
    assert top.native_id == TOP and top.text == "Acme Air lost my bag & never called"
    assert (top.engagement.score, top.engagement.comments) == (12, 9) and not top.own
    assert top.url == f"https://www.youtube.com/watch?v=Qw3rty_-9Ab&lc={TOP}"
    assert first.parent_id == TOP and answer.parent_id == TOP and answer.own and not first.own
    assert top.reply is not None and top.reply.at == datetime(2026, 10, 31, 22, 30, tzinfo=UTC)
    # Without the brand's channel, nobody is the brand
    plain = thread_to_mentions(THREAD)[0]
    assert plain[0].reply is None and not any(m.own for m in plain)


def test_statistics_are_strings_and_a_garbled_one_is_unknown_not_a_failure() -> None:
    videos = {
        "items": [
            {
                "id": "Qw3rty_-9Ab",
                "statistics": {"viewCount": "1350000", "likeCount": "41000", "commentCount": "12"},
            },
            {"id": "Zz3rty_-9Ab", "statistics": {"viewCount": "lots", "likeCount": -4}},
            "not a video",
        ]
    }
    stats = video_stats(videos)
    assert (stats["Qw3rty_-9Ab"].views, stats["Qw3rty_-9Ab"].likes) == (1_350_000, 41_000)
    assert (stats["Zz3rty_-9Ab"].views, stats["Zz3rty_-9Ab"].likes) == (None, None)
    channels = {
        "items": [
            {"id": VIEWER, "statistics": {"subscriberCount": "2400000", "hiddenSubscriberCount": False}},
            {"id": BRAND, "statistics": {"subscriberCount": "0", "hiddenSubscriberCount": True}},
        ]
    }
    assert channel_subscribers(channels) == {VIEWER: 2_400_000, BRAND: None}


def test_influence_grows_with_subscribers_likes_and_views() -> None:
    small = video_to_mention(VIDEO)
    assert influence(small, NOW) == 0.0
    from dataclasses import replace

    big = replace(small, author=replace(small.author, followers=2_400_000))
    bigger = replace(big, engagement=replace(big.engagement, score=41_000, views=1_350_000, comments=3_200))
    assert 0 < influence(big, NOW) < influence(bigger, NOW) <= 100


@pytest.mark.parametrize(
    "bad",
    [
        _thread(snippet={**THREAD["snippet"], "topLevelComment": {"id": "x", "snippet": {}}}),
        _thread(id=None, snippet={**THREAD["snippet"], "topLevelComment": _comment("a" * 300, "x", VIEWER)}),
        _thread(snippet={**THREAD["snippet"], "videoId": "../../etc"}),
        _thread(snippet={**THREAD["snippet"], "topLevelComment": _comment(TOP, "", VIEWER)}),
        _thread(snippet={**THREAD["snippet"], "topLevelComment": _comment(TOP, "x", "not-a-channel")}),
        _thread(snippet={**THREAD["snippet"], "topLevelComment": _comment(TOP, "x", VIEWER, at="yesterday")}),
        _thread(snippet={**THREAD["snippet"], "topLevelComment": _comment(TOP, "x" * 30_000, VIEWER)}),
        _thread(replies={"comments": "many"}),
        "not a thread",
    ],
)
def test_malformed_threads_are_skipped_and_counted_the_rest_kept(bad: Any) -> None:
    threads, skipped = parse_threads([bad, THREAD])
    assert skipped == 1 and [t[0].native_id for t in threads] == [TOP]


def test_a_malformed_reply_is_skipped_alone() -> None:
    replies = [*THREAD["replies"]["comments"], _comment("bad id!", "x", VIEWER)]
    threads, skipped = parse_threads([_thread(replies={"comments": replies})])
    assert skipped == 1 and len(threads[0]) == 3


def test_a_body_that_is_no_list_response_is_a_malformed_page() -> None:
    assert list_page({"items": [], "nextPageToken": "p1"}).next_token == "p1"
    assert list_page({"items": [], "nextPageToken": ["x"]}).next_token is None
    bodies: list[Any] = [{"error": {"code": 403}}, [], "<html>", None, {"items": "x"}]
    for body in bodies:
        with pytest.raises(MalformedPage):
            list_page(body)


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
_SNIPPET_KEYS = ("videoId", "topLevelComment", "totalReplyCount", "channelId")
_COMMENT_KEYS = ("authorChannelId", "textOriginal", "textDisplay", "likeCount", "publishedAt")


@FUZZ
@given(
    st.fixed_dictionaries({}, optional={k: values for k in _SNIPPET_KEYS}),
    st.fixed_dictionaries({}, optional={k: values for k in _COMMENT_KEYS}),
    st.one_of(values, st.just(THREAD["replies"])),
)
def test_any_thread_gives_mentions_or_a_skip_never_a_crash(snippet: Any, comment: Any, replies: Any) -> None:
    thread = _thread(snippet={**THREAD["snippet"], **snippet}, replies=replies)
    with contextlib.suppress(*ITEM_ERRORS):
        top = copy.deepcopy(THREAD["snippet"]["topLevelComment"])
        top["snippet"].update(comment)
        thread_to_mentions(_thread(snippet={**THREAD["snippet"], "topLevelComment": top}), {BRAND})
    threads, skipped = parse_threads([thread, THREAD])
    assert len(threads) + (skipped > 0) >= 1


@FUZZ
@given(st.fixed_dictionaries({}, optional={"id": values, "snippet": values}), values)
def test_any_video_or_statistics_page_gives_a_result_or_a_skip(video: Any, stats: Any) -> None:
    with contextlib.suppress(*ITEM_ERRORS):
        video_to_mention({**VIDEO, **video})
    with contextlib.suppress(MalformedPage):
        video_stats({"items": [stats, {"id": "x", "statistics": stats}]})
        channel_subscribers({"items": [stats, {"id": "x", "statistics": stats}]})


@FUZZ
@given(st.lists(st.one_of(values, st.just(THREAD)), max_size=5))
def test_any_page_counts_every_thread_once(items: list[Any]) -> None:
    threads, skipped = parse_threads(items)
    good = sum(1 for item in items if item is THREAD)
    assert len(threads) >= good and len(threads) + skipped >= len(items)


def test_an_email_shows_the_videos_own_numbers() -> None:
    from dataclasses import replace

    video = video_to_mention(VIDEO)
    video = replace(video, author=replace(video.author, followers=2_400_000))
    video = replace(
        video, engagement=replace(video.engagement, score=41_000, comments=3_200, views=1_350_000)
    )
    assert reach(video) == ["2.4M subscribers", "41k likes", "3.2k comments", "1.4M views"]
    assert where(video) == 'YouTube on "Kestrel Travels"'
    assert where(thread_to_mentions(THREAD)[0][0]) == "YouTube"


def test_the_brands_comment_on_a_video_answers_the_video() -> None:
    # A video about the brand is answered by the brand commenting on it: that comment's parent is the video.
    brand_top = _thread(
        snippet={**THREAD["snippet"], "topLevelComment": _comment(TOP, "We are on it, sorry", BRAND)},
        replies={},
    )
    [comment] = thread_to_mentions(brand_top, {BRAND})[0]
    assert comment.own and comment.parent_id == "Qw3rty_-9Ab"
    # A comment on the channel's own discussion (no video) answers nothing
    said = _comment(TOP, "Acme Air, where is my refund", VIEWER, videoId=None, channelId=BRAND)
    on_channel = _thread(snippet={**THREAD["snippet"], "videoId": None, "topLevelComment": said}, replies={})
    assert thread_to_mentions(on_channel, {BRAND})[0][0].parent_id == ""
