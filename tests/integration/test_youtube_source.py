"""YouTubeSource against the fake Data API through a real session: paging, quota, statistics, faults."""

from __future__ import annotations

import json
import logging
from datetime import timedelta

import pytest
from pydantic import SecretStr

from repmon.adapters.sources.youtube import YouTubeSource
from repmon.domain.brand import Brand
from repmon.domain.errors import InvalidConfig
from repmon.domain.source_registry import influence
from repmon.domain.youtube_quota import QuotaPlan, quota_day
from repmon.localstack.fakes.youtube import add_channel, add_comment, add_video, api_url, set_quota
from tests.integration.conftest import NOW
from tests.youtube_ledger import MemoryQuotaLedger

KEY = "test-key-0123456789"
#: Generous: every poll may search and read (tests of the sharing set their own plan).
OPEN = QuotaPlan(units_per_day=1_000_000, searches_per_day=100_000, share=1.0)


@pytest.fixture
def ledger():
    return MemoryQuotaLedger()


@pytest.fixture
def metrics():
    return []


@pytest.fixture
def make_source(fake, session, ledger, metrics):
    def build(plan: QuotaPlan = OPEN, key: str = KEY, **kw):
        return YouTubeSource(
            SecretStr(key),
            ledger,
            session,
            base_url=api_url(fake.base_url),
            plan=plan,
            metric=lambda name, value: metrics.append((name, value)),
            **kw,
        )

    return build


@pytest.fixture
def brand_channel(world):
    return add_channel(world, "acme air", 250_000)


@pytest.fixture
def yt_brand(make_brand, brand_channel):
    def build(query: str = '"acme air" OR acmeair', **settings):
        return make_brand(query, youtube={"channel_id": brand_channel, **settings})

    return build


def test_channel_comments_page_by_token_with_replies_their_parent_and_the_brand_reply(
    world, make_source, yt_brand, brand_channel
):
    add_channel(world, "viewer", 1_200)
    video = add_video(
        world, title="Acme Air: our new cabins", channel=brand_channel, created=NOW - timedelta(days=9)
    )
    tops = [
        add_comment(
            world, text=f"seat {i} broke on my flight", video=video, created=NOW - timedelta(minutes=300 - i)
        )
        for i in range(150)
    ]
    answer_at = NOW - timedelta(minutes=10)
    add_comment(
        world, text="so sorry, DM us", video=video, author="acme air", parent=tops[-1], created=answer_at
    )
    reply = add_comment(
        world, text="same here", video=video, parent=tops[-1], created=NOW - timedelta(minutes=5)
    )
    page = make_source(page_size=100).fetch(yt_brand(search=False), None, NOW)
    threads = world.requests_to("/commentThreads")
    assert [r.query.get("pageToken") for r in threads] == [None, "p100"]
    assert {r.query["allThreadsRelatedToChannelId"] for r in threads} == {brand_channel}
    by_id = {m.native_id: m for m in page.mentions}
    assert set(tops) <= set(by_id) and reply in by_id and page.skipped == 0
    top = by_id[tops[-1]]
    assert top.reply is not None and top.reply.at == answer_at and top.engagement.comments == 2
    assert by_id[reply].parent_id == tops[-1] and not by_id[reply].own
    assert [m.own for m in page.mentions if m.author.id == brand_channel] == [True]
    assert (
        top.author.followers == 1_200 and top.url == f"https://www.youtube.com/watch?v={video}&lc={tops[-1]}"
    )
    # The key travels in a header only: no logged query string holds it.
    assert all(KEY not in json.dumps(r.query) for r in world.requests)


def test_new_videos_matching_the_brand_with_their_numbers_then_their_comments(world, make_source, yt_brand):
    creator = add_channel(world, "travel vlogger", 2_400_000)
    found = add_video(
        world,
        title="Acme Air lost my bag - what I did",
        description="Acme Air's desk sent me away & I waited 3 hours",
        channel=creator,
        created=NOW - timedelta(hours=2),
        views=1_350_000,
        likes=41_000,
        comments=3_200,
    )
    add_video(
        world, title="acme air fryer review", description="not the airline", created=NOW - timedelta(hours=1)
    )
    source, brand = make_source(), yt_brand(query='"acme air" -fryer')
    page = source.fetch(brand, None, NOW)
    video = next(m for m in page.mentions if m.native_id == found)
    assert [m.native_id for m in page.mentions] == [found]
    assert video.title == "Acme Air lost my bag - what I did" and video.text.startswith("Acme Air's desk")
    assert (video.engagement.views, video.engagement.score, video.engagement.comments) == (
        1_350_000,
        41_000,
        3_200,
    )
    assert video.author.followers == 2_400_000 and video.url == f"https://www.youtube.com/watch?v={found}"
    # 41.0 subscribers + 23.1 likes + 17.5 views + 8.8 comments (README)
    assert influence(video, NOW) == 90.36
    search = world.requests_to("/search")[0].query
    assert (search["type"], search["order"], search["q"]) == ("video", "date", '"acme air"')
    # The first search reaches a day back, and 6 hours more: search lists a video late
    assert search["publishedAfter"] == (NOW - timedelta(hours=30)).strftime("%Y-%m-%dT%H:%M:%SZ")
    # Next poll: the video is watched, its new comments read from its own mark
    world.advance(minutes=15)
    said = add_comment(
        world, text="happened to me too", video=found, created=world.now - timedelta(minutes=3)
    )
    later = source.fetch(brand, page.cursor, world.now)
    assert said in [m.native_id for m in later.mentions]
    assert world.requests_to("/commentThreads")[-1].query["videoId"] == found
    # A video search lists late (published 5 hours ago) is found, and the one found before is not again
    late = add_video(world, title="Acme Air gate chaos", created=world.now - timedelta(hours=5))
    world.advance(minutes=15)
    again = source.fetch(brand, later.cursor, world.now)
    assert [m.native_id for m in again.mentions if m.title] == [late]


def test_a_brand_searches_every_n_polls_and_the_day_never_passes_the_share(
    world, make_source, ledger, make_brand
):
    # 10 searches a day, half of them ours: 5 searches over 96 polls, one every 20 polls
    plan = QuotaPlan(units_per_day=10_000, searches_per_day=10, share=0.5)
    source, brand = make_source(plan), make_brand("acme", youtube={"enabled": True})
    world.now = NOW.replace(hour=8)  # midnight Pacific: one quota day
    cursor = None
    for _ in range(96):
        cursor = source.fetch(brand, cursor, world.now).cursor
        world.advance(minutes=15)
    searches = world.requests_to("/search")
    assert plan.search_every(1, 1) == 20 and 4 <= len(searches) <= 5
    assert ledger.usage(quota_day(NOW.replace(hour=8))).searches == len(searches)


def test_polls_spread_their_searches_and_the_cap_holds_when_brands_crowd_in(
    world, make_source, ledger, make_brand
):
    plan = QuotaPlan(units_per_day=10_000, searches_per_day=20, share=0.5)  # 10 searches a day
    source = make_source(plan)
    brands = [
        Brand.model_validate(
            {"id": f"b{i}", "name": "B", "query": "acme", "sources": {"youtube": {"enabled": True}}}
        )
        for i in range(30)
    ]
    world.now = NOW.replace(hour=8)
    for _ in range(96):
        for brand in brands:
            source.fetch(brand, None, world.now)
        world.advance(minutes=15)
    assert len(world.requests_to("/search")) <= 10
    assert ledger.usage(quota_day(NOW.replace(hour=8))).searches <= 10


def test_a_retried_job_neither_searches_nor_counts_again(world, make_source, ledger, yt_brand):
    add_video(world, title="Acme Air cancelled again", created=NOW - timedelta(hours=1))
    source, brand = make_source(), yt_brand()
    first = source.fetch(brand, None, NOW)
    retry = source.fetch(brand, None, NOW)  # SQS redelivers the same job: same scheduled time
    assert len(world.requests_to("/search")) == 1 and ledger.usage(quota_day(NOW)).searches == 1
    assert len(first.mentions) == 1 and retry.mentions == []
    # The retry's video cursor stays where it was: the next search starts there
    assert json.loads(retry.cursor or "{}")["videos"]["at"] == (NOW - timedelta(hours=24)).timestamp()


def test_when_the_polls_share_is_spent_reads_are_skipped_said_and_the_cursor_kept(
    world, make_source, ledger, metrics, yt_brand, caplog
):
    add_comment(world, text="acme air please answer", channel=yt_brand().sources.youtube.channel_id or "")
    tight = QuotaPlan(units_per_day=0, searches_per_day=0, share=1.0)
    with caplog.at_level(logging.WARNING):
        page = make_source(tight).fetch(yt_brand(), None, NOW)
    assert page.mentions == [] and not world.requests_to("/commentThreads")
    assert any("not read: comments of the channel" in e for e in page.errors)
    assert ("YouTubeReadsSkipped", 1) in metrics and "youtube reads skipped for quota" in caplog.text
    assert json.loads(page.cursor or "{}")["at"] == (NOW - timedelta(hours=24)).timestamp()
    # (the fake must still be reached once for the fixture's check)
    make_source().fetch(yt_brand(search=False), None, NOW)


def test_youtube_refusing_for_quota_stops_the_poll_and_keeps_what_was_read(
    world, make_source, yt_brand, brand_channel
):
    video = add_video(world, title="Acme Air update", channel=brand_channel, created=NOW - timedelta(days=2))
    said = add_comment(world, text="acme air lost my bag", video=video, created=NOW - timedelta(minutes=5))
    set_quota(world, 1)  # the project's quota has one unit left (another app used the key)
    page = make_source().fetch(yt_brand(search=False), None, NOW)
    assert [m.native_id for m in page.mentions] == [said]
    assert any("refused for quota (quotaExceeded)" in e for e in page.errors)


def test_a_video_with_comments_disabled_is_dropped_from_the_watch_the_others_read(
    world, make_source, yt_brand
):
    closed = add_video(
        world, title="Acme Air statement", comments_disabled=True, created=NOW - timedelta(hours=3)
    )
    open_ = add_video(world, title="Acme Air delays explained", created=NOW - timedelta(hours=2))
    source, brand = make_source(), yt_brand()
    first = source.fetch(brand, None, NOW)
    world.advance(minutes=15)
    said = add_comment(world, text="acme air again", video=open_, created=world.now - timedelta(minutes=1))
    page = source.fetch(brand, first.cursor, world.now)
    assert said in [m.native_id for m in page.mentions]
    assert any(f"video {closed} not readable (commentsDisabled)" in e for e in first.errors + page.errors)
    assert closed not in json.loads(page.cursor or "{}")["watch"]


def test_a_bad_key_is_a_config_error_never_echoed(world, make_source, yt_brand):
    with pytest.raises(InvalidConfig, match="keyInvalid") as caught:
        make_source(key="bad-key").fetch(yt_brand(search=False), None, NOW)
    assert "bad-key" not in str(caught.value)


def test_429_with_retry_after_is_retried_and_a_malformed_thread_skipped(
    world, make_source, yt_brand, brand_channel
):
    said = add_comment(world, text="acme air ok", channel=brand_channel, created=NOW - timedelta(minutes=2))
    world.fail_next(1, status=429, retry_after=1, path="/commentThreads")
    world.malform_next(
        "/commentThreads", {"kind": "youtube#commentThread", "snippet": {"topLevelComment": 5}}
    )
    page = make_source().fetch(yt_brand(search=False), None, NOW)
    assert [m.native_id for m in page.mentions] == [said] and page.skipped == 1
    assert [r.status for r in world.requests_to("/commentThreads")] == [429, 200]


def test_a_channel_that_does_not_exist_is_noted_and_the_search_still_read(world, make_source, make_brand):
    video = add_video(world, title="Acme Air at the gate", created=NOW - timedelta(hours=1))
    brand = make_brand("acme", youtube={"channel_id": "UCnoSuchChannel000000000"})
    world.fail_next(1, status=404, path="/commentThreads")
    page = make_source().fetch(brand, None, NOW)
    assert [m.native_id for m in page.mentions] == [video]
    assert any("comments of channel UCnoSuchChannel000000000 not readable (404)" in e for e in page.errors)
    assert json.loads(page.cursor or "{}")["at"] == (NOW - timedelta(hours=24)).timestamp()


def test_a_channel_scan_cut_by_the_quota_keeps_its_position_and_a_later_poll_reads_the_rest(
    world, make_source, yt_brand, brand_channel
):
    # One unit this poll (96 a day, one brand, no search): one page of 100 threads, and 150 are new.
    tight = QuotaPlan(units_per_day=96, searches_per_day=0, share=1.0)
    tops = [
        add_comment(
            world, text=f"gate {i} chaos", channel=brand_channel, created=NOW - timedelta(minutes=300 - i)
        )
        for i in range(150)
    ]
    brand = yt_brand(search=False)
    cut = make_source(tight, page_size=100).fetch(brand, None, world.now)
    assert len(cut.mentions) == 100 and any("not read: comments of the channel" in e for e in cut.errors)
    world.advance(minutes=15)
    later = make_source(page_size=100).fetch(brand, cut.cursor, world.now)  # the quota allows again
    seen = [m.native_id for m in cut.mentions + later.mentions]
    assert set(tops) <= set(seen), f"{len(set(tops) - set(seen))} channel comments never read"
    assert len(seen) == len(set(seen))


def test_a_search_cut_at_its_page_limit_reads_the_older_videos_at_the_next_turn(
    world, make_source, make_brand
):
    # 60 new videos over 20 hours, one page of 50 a search: the 10 oldest are owed to the next search.
    videos = [
        add_video(
            world, title=f"Acme Air trip {i}", created=NOW - timedelta(hours=20) + timedelta(minutes=20 * i)
        )
        for i in range(60)
    ]
    source, brand = make_source(), make_brand("acme", youtube={"enabled": True, "search_pages": 1})
    cursor, seen = None, []
    for _ in range(3):
        page = source.fetch(brand, cursor, world.now)
        seen += [m.native_id for m in page.mentions]
        cursor = page.cursor
        world.advance(minutes=15)
    assert set(videos) <= set(seen), f"{len(set(videos) - set(seen))} videos never found"
    assert len(seen) == len(set(seen))


def test_a_garbled_statistics_answer_leaves_the_numbers_unknown_never_fails_the_poll(
    world, make_source, yt_brand, brand_channel
):
    found = add_video(world, title="Acme Air gate chaos", created=NOW - timedelta(hours=1), views=900)
    said = add_comment(world, text="acme air?", channel=brand_channel, created=NOW - timedelta(minutes=2))
    # videos.list and channels.list answer 200 with a body that is not a list response
    world.fail_next(1, status=200, path="/videos")
    world.fail_next(1, status=200, path="/channels")
    page = make_source().fetch(yt_brand(), None, NOW)
    by_id = {m.native_id: m for m in page.mentions}
    assert set(by_id) == {found, said} and by_id[found].engagement.views == 0
