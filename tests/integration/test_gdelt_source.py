"""GdeltSource against the local fake GDELT, through a real session: the query, the stack's pace,
429 backoff, paging by time, bad articles, and one mention per article with a news search feed."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from repmon.adapters.sources.feeds import HttpFeedSource
from repmon.adapters.sources.gdelt import GdeltSource, gdelt_session
from repmon.adapters.sources.gdelt_gate import MemoryRateGate
from repmon.domain.errors import SourceUnavailable
from repmon.domain.source_registry import influence
from repmon.localstack.fakes.feeds import SEARCH_PATH, add_feed_entry
from repmon.localstack.fakes.gdelt import PATH, add_gdelt_article, set_gdelt_pace
from tests.integration.conftest import NOW


class Clock:
    """Wall time for the gate: starts at NOW, moves only when the adapter sleeps."""

    def __init__(self) -> None:
        self.at = NOW.timestamp()
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.at

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.at += seconds


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def gate():
    return MemoryRateGate(5.0)


@pytest.fixture
def source(fake, gate, clock):
    session = gdelt_session(timeout=5, max_page_bytes=1 << 20)
    return GdeltSource(fake.base_url, session, gate, clock=clock, sleep=clock.sleep)


@pytest.fixture
def brand(make_brand):
    def build(query='"acme air" OR acmeair -anvil', **gdelt):
        return make_brand(
            query, gdelt={"enabled": True, **gdelt}, feeds={"site_weights": {"wire.example": 75}}
        )

    return build


def _news(world, count, *, start=NOW - timedelta(hours=3), step=timedelta(seconds=30)):
    return [
        add_gdelt_article(
            world, title=f"Acme Air story number {i}", domain="wire.example", seen=start + i * step
        )
        for i in range(count)
    ]


def test_articles_are_read_with_the_query_in_gdelt_syntax_and_the_site_weight(world, source, brand):
    add_gdelt_article(world, title="Acme Air strands travellers in Lisbon", domain="wire.example")
    add_gdelt_article(world, title="Acme Air and Anvil Corp merge", domain="wire.example")
    add_gdelt_article(world, title="Acme Air menu review", domain="smallblog.example")
    page = source.fetch(brand(), None, NOW)
    [request] = world.requests_to(PATH)
    assert request.query["query"] == '("acme air" OR acmeair) -anvil'
    assert (request.query["mode"], request.query["format"], request.query["sort"]) == (
        "artlist",
        "json",
        "DateDesc",
    )
    assert request.query["maxrecords"] == "250" and request.query["enddatetime"] == f"{NOW:%Y%m%d%H%M%S}"
    assert request.query["startdatetime"] == f"{NOW - timedelta(days=1, hours=6):%Y%m%d%H%M%S}"
    scores = {m.text: (m.source, m.engagement.score, influence(m, NOW)) for m in page.mentions}
    assert scores == {
        "Acme Air strands travellers in Lisbon": ("feeds", 75, 75.0),
        "Acme Air menu review": ("feeds", 20, 20.0),
    }
    assert page.skipped == 0 and page.errors == []


def test_the_next_poll_starts_from_the_cursor_and_returns_each_article_once(world, source, brand):
    first = source.fetch(brand(), None, NOW)
    _news(world, 3)
    second = source.fetch(brand(), first.cursor, NOW)
    world.now = NOW + timedelta(minutes=15)
    later = add_gdelt_article(world, title="Acme Air restores bookings", domain="wire.example")
    third = source.fetch(brand(), second.cursor, world.now)
    assert len(second.mentions) == 3 and [m.text for m in third.mentions] == [later.title]
    start = world.requests_to(PATH)[-1].query["startdatetime"]
    newest = NOW - timedelta(hours=3) + timedelta(seconds=60)
    assert start == f"{newest - timedelta(hours=6):%Y%m%d%H%M%S}"  # the cursor's floor, not the lookback


def test_requests_keep_the_stacks_pace_across_brands_and_the_real_gdelt_pace_is_never_hit(
    world, fake, make_brand
):
    """Two collectors (two sources, one gate) poll two brands: no 429 from a fake that refuses haste."""
    import time

    set_gdelt_pace(world, 0.3)
    gate = MemoryRateGate(0.35)
    _news(world, 2)
    sources = [GdeltSource(fake.base_url, gdelt_session(5, 1 << 20), gate) for _ in range(2)]
    pages = [
        s.fetch(make_brand(q, gdelt={"enabled": True}), None, NOW)
        for s, q in zip(sources, ["acme", "story"], strict=True)
    ]
    assert [len(p.mentions) for p in pages] == [2, 2]
    assert [r.status for r in world.requests_to(PATH)] == [200, 200]
    assert gate.sent[1] - gate.sent[0] >= 0.35 - 1e-6 and time.time() >= gate.sent[1]


def test_a_429_holds_every_collector_and_fails_the_poll_without_retrying_in_haste(
    world, source, gate, clock, brand
):
    world.fail_next(status=429, path=PATH)
    with pytest.raises(SourceUnavailable, match="429"):
        source.fetch(brand(), None, NOW)
    assert len(world.requests_to(PATH)) == 1  # the session did not retry the 429 itself
    assert gate.next_at == pytest.approx(clock() + 60)
    assert gate.reserve(clock(), 20) is None  # the next job waits its turn: a note, the cursor kept
    page = source.fetch(brand(), "kept", NOW)
    assert page.cursor == "kept" and page.mentions == [] and "slot" in page.errors[0]
    world.fail_next(status=429, retry_after=120, path=PATH)
    clock.at = gate.next_at
    with pytest.raises(SourceUnavailable):
        source.fetch(brand(), None, NOW)
    assert gate.next_at == pytest.approx(clock() + 120)


def test_a_full_list_is_followed_by_one_ending_at_its_oldest_article(world, source, brand):
    _news(world, 300, start=NOW - timedelta(hours=5))
    page = source.fetch(brand(max_items=1000), None, NOW)
    first, second = world.requests_to(PATH)
    assert second.query["enddatetime"] < first.query["enddatetime"]
    assert len(page.mentions) == 300 and not page.truncated and page.errors == []
    assert len({m.native_id for m in page.mentions}) == 300


def test_beyond_max_requests_the_older_articles_are_noted_as_not_read(world, source, brand):
    _news(world, 600, start=NOW - timedelta(hours=10))
    page = source.fetch(brand(max_items=1000), None, NOW)
    assert (
        len(world.requests_to(PATH)) == 2 and len(page.mentions) == 499
    )  # the second list ends at, and repeats, the oldest
    assert any("older ones not read" in e for e in page.errors)


def test_a_malformed_article_is_skipped_and_counted_the_rest_stored(world, source, brand):
    _news(world, 2)
    world.malform_next(path=PATH)
    page = source.fetch(brand(), None, NOW)
    assert page.skipped == 1 and len(page.mentions) == 2


def test_a_refused_query_is_a_note_with_the_cursor_kept_and_nothing_sent(make_brand):
    """A hand-edited stored watchlist can still carry a short term: the refusal is said, not retried."""
    gate = MemoryRateGate(5.0)
    source = GdeltSource("http://127.0.0.1:9", gdelt_session(5, 1 << 20), gate)
    brand = make_brand("acme", gdelt={"enabled": True}).model_copy(update={"query": "acme OR ai"})
    page = source.fetch(brand, "kept", NOW)
    assert page.cursor == "kept" and "too short" in page.errors[0] and not gate.sent


def test_gdelts_own_refusal_is_a_note_with_the_cursor_kept(world, source, brand, monkeypatch):
    monkeypatch.setattr("repmon.adapters.sources.gdelt.gdelt_query", lambda q, langs: "acme OR ab")
    page = source.fetch(brand(), "kept", NOW)
    assert page.cursor == "kept" and page.errors == [
        "gdelt refused the query: The specified phrase is too short."
    ]


def test_an_article_in_a_news_search_feed_and_in_gdelt_is_one_mention(
    world, fake, session, source, brand, make_brand
):
    add_feed_entry(
        world,
        title="Acme Air strands travellers in Lisbon",
        publisher=("The Wire", "https://www.wire.example"),
        created=NOW - timedelta(minutes=20),
    )
    add_gdelt_article(world, title="Acme Air strands travellers in Lisbon", domain="wire.example")
    news = make_brand('"acme air" OR acmeair', feeds={"urls": [f"{fake.base_url}{SEARCH_PATH}?q={{query}}"]})
    [from_feed] = HttpFeedSource(session).fetch(news, None, NOW).mentions
    [from_gdelt] = source.fetch(brand(), None, NOW).mentions
    assert from_feed.url != from_gdelt.url  # a redirect and the publisher's own address
    assert from_feed.key == from_gdelt.key


def test_the_cursor_is_json_and_garbage_starts_over(world, source, brand):
    _news(world, 1)
    page = source.fetch(brand(), "{not json", NOW)
    assert len(page.mentions) == 1 and json.loads(page.cursor or "")["v"] == 2
