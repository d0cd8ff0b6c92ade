"""X engagement re-reads (`GET /2/tweets?ids=`, 100 a call) against the local fake X API through a real
retrying session (127.0.0.1): public_metrics as at first read, deleted and protected posts absent,
each read charged to the brand's spend before the call and once a UTC day, none when the budget is
spent, a 429 waited out, and the collector's re-read of a growing complaint."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import cast

import pytest
import requests
from pydantic import SecretStr

from repmon.adapters.memory import MemoryMentionStore
from repmon.adapters.memory_engagement import MemoryEngagementStore
from repmon.adapters.sources.x import XSource
from repmon.adapters.sources.x_spend import MemorySpendLedger, reread_key
from repmon.localstack.fakes.x import (
    BEARER,
    add_x_post,
    delete_x_post,
    protect_x_post,
    set_x_engagement,
    x_billed,
    x_rate_limit,
)
from repmon.ports import PollJob
from repmon.services.collect import Collector
from tests.fakes import InMemoryCursorStore, InMemoryWatchlist, KeywordScorer
from tests.integration.conftest import NOW

LOOKUP = "/2/tweets"
KEY = reread_key("acme")


class _Counts:
    def __init__(self) -> None:
        self.sent: list[tuple[str, int]] = []

    def __call__(self, name: str, value: int) -> None:
        self.sent.append((name, value))


def _source(fake, session, ledger=None, stack=100.0, **kw):
    ledger = ledger if ledger is not None else MemorySpendLedger()
    return XSource(fake.base_url, SecretStr(BEARER), session, ledger=ledger, stack_budget=stack, **kw)


def _brand(make_brand, **kw):
    return make_brand("acme", x={"enabled": True, **kw})


def _posts(world, count, **kw):
    at = NOW - timedelta(hours=1)
    return [
        add_x_post(world, text=f"Acme lost my bag {i}", username=f"u{i}", created=at, **kw)
        for i in range(count)
    ]


def _lookups(world):
    return [r for r in world.requests if r.path == LOOKUP]


def test_a_hundred_posts_are_read_again_in_one_call_with_their_public_metrics(
    world, fake, session, make_brand
):
    ids = _posts(world, 100)
    set_x_engagement(world, ids[0], likes=900, replies=40, retweets=70, quotes=30, impressions=250_000)
    reader = _source(fake, session).for_brand(_brand(make_brand), NOW)
    found = reader.refresh(ids)
    assert reader.batch == 100 and set(found) == set(ids)
    e = found[ids[0]]
    assert (e.score, e.comments, e.shares, e.views) == (900, 40, 100, 250_000)
    (call,) = _lookups(world)
    assert call.query["ids"].split(",") == ids and "public_metrics" in call.query["tweet.fields"]
    assert "expansions" not in call.query  # authors are not needed, and would be billed as user reads


def test_a_deleted_or_protected_post_is_absent_and_the_rest_is_read(world, fake, session, make_brand):
    gone, hidden, kept = _posts(world, 3)
    delete_x_post(world, gone)
    protect_x_post(world, hidden)
    found = _source(fake, session).for_brand(_brand(make_brand), NOW).refresh([gone, hidden, kept])
    assert set(found) == {kept}
    # X's partial-error shape: the two are in `errors`, the call a 200
    body = session.get(
        f"{fake.base_url}{LOOKUP}",
        params={"ids": f"{gone},{hidden},{kept}", "tweet.fields": "public_metrics"},
        headers={"Authorization": f"Bearer {BEARER}"},
    ).json()
    assert [p["id"] for p in body["data"]] == [kept]
    assert {(e["resource_id"], e["title"]) for e in body["errors"]} == {
        (gone, "Not Found Error"),
        (hidden, "Authorization Error"),
    }


def test_the_lookup_checks_the_bearer_token(world, fake, session):
    (post,) = _posts(world, 1)
    response = session.get(
        f"{fake.base_url}{LOOKUP}", params={"ids": post}, headers={"Authorization": "Bearer no"}
    )
    assert response.status_code == 401


class _LedgerAtCall:
    """A session noting the brand's re-read charge as each request goes out."""

    def __init__(self, session, ledger):
        self.session, self.ledger, self.seen = session, ledger, []

    def get(self, *args, **kwargs):
        self.seen.append(self.ledger.spent("2026-11").get(KEY))
        return self.session.get(*args, **kwargs)


def test_reads_are_charged_before_the_call_and_once_a_utc_day_as_x_bills_them(
    world, fake, session, make_brand
):
    ids = _posts(world, 10)
    ledger = MemorySpendLedger()
    http = _LedgerAtCall(session, ledger)
    source = _source(fake, cast(requests.Session, http), ledger)
    source.for_brand(_brand(make_brand), NOW).refresh(ids)
    assert http.seen == [pytest.approx(10 * 0.005)]  # in the ledger before the call went out
    # A retried job (a new container) reads them again the same day: X bills nothing more, nor do we
    _source(fake, session, ledger).for_brand(_brand(make_brand), NOW + timedelta(minutes=5)).refresh(ids)
    assert (
        ledger.spent("2026-11") == {KEY: pytest.approx(10 * 0.005)} == {KEY: pytest.approx(x_billed(world))}
    )
    # The next UTC day they are billed again
    world.advance(hours=13)
    _source(fake, session, ledger).for_brand(_brand(make_brand), world.now).refresh(ids)
    assert ledger.spent("2026-11")[KEY] == pytest.approx(20 * 0.005) == pytest.approx(x_billed(world))


def test_a_spent_budget_skips_the_reread_without_a_call_and_charges_nothing(world, fake, session, make_brand):
    ids = _posts(world, 10)
    ledger = MemorySpendLedger()
    ledger.record("2026-11", "acme", 30.0)  # the brand's searches spent its $30 this month
    counts = _Counts()
    source = _source(fake, session, ledger, count=counts)
    for _ in range(2):  # and again on a retry
        assert source.for_brand(_brand(make_brand, monthly_budget_usd=30), NOW).refresh(ids) == {}
    assert _lookups(world) == [] and ledger.spent("2026-11") == {"acme": 30.0}
    assert counts.sent == [("XReadsSkipped", 1), ("XReadsSkipped", 1)]
    # Once the budget allows, they are read (and charged) once
    assert len(source.for_brand(_brand(make_brand, monthly_budget_usd=31), NOW).refresh(ids)) == 10
    assert len(_lookups(world)) == 1 and ledger.spent("2026-11")[KEY] == pytest.approx(0.05)


def test_once_the_budget_is_spent_even_posts_paid_today_are_not_read_again(world, fake, session, make_brand):
    ids = _posts(world, 10)
    ledger = MemorySpendLedger()
    source = _source(fake, session, ledger)
    source.for_brand(_brand(make_brand, monthly_budget_usd=1), NOW).refresh(ids)
    ledger.record("2026-11", "acme", 0.95)  # then the brand's searches spend the rest
    # X's once-a-day billing is "a soft guarantee": with nothing left, no call at all
    assert source.for_brand(_brand(make_brand, monthly_budget_usd=1), NOW).refresh(ids) == {}
    assert len(_lookups(world)) == 1 and ledger.spent("2026-11")[KEY] == pytest.approx(0.05)


def test_a_budget_nearly_spent_reads_only_what_it_allows(world, fake, session, make_brand):
    ids = _posts(world, 10)
    ledger = MemorySpendLedger()
    ledger.record("2026-11", "other-brand", 9.985)  # $0.015 left for the stack: three posts
    found = _source(fake, session, ledger, stack=10.0).for_brand(_brand(make_brand), NOW).refresh(ids)
    assert len(found) == 3 and _lookups(world)[0].query["ids"].split(",") == ids[:3]
    assert (
        ledger.spent("2026-11")[KEY] == pytest.approx(0.015) and sum(ledger.spent("2026-11").values()) <= 10.0
    )


def test_the_search_budget_counts_the_brands_rereads(world, fake, session, make_brand):
    _posts(world, 20)
    ledger = MemorySpendLedger()
    ledger.record("2026-11", KEY, 0.45)  # re-reads spent $0.45 of the brand's $0.50
    page = _source(fake, session, ledger).fetch(_brand(make_brand, monthly_budget_usd=0.5), None, NOW)
    assert world.requests_to("/2/tweets/search/recent") == [] and "brand $0.45 of $0.5" in page.errors[0]
    # With $0.50 more, a page fits again
    _source(fake, session, ledger).fetch(_brand(make_brand, monthly_budget_usd=1.0), None, NOW)
    assert world.requests_to("/2/tweets/search/recent")[0].query["max_results"] == "36"


def test_a_429_is_waited_out_until_x_rate_limit_reset_and_charged_once(world, fake, session, make_brand):
    ids = _posts(world, 5)
    x_rate_limit(world, remaining=0, reset=time.time() + 1, refuse=True, times=1)
    ledger = MemorySpendLedger()
    found = _source(fake, session, ledger).for_brand(_brand(make_brand), NOW).refresh(ids)
    assert set(found) == set(ids) and [r.status for r in _lookups(world)] == [429, 200]
    assert ledger.spent("2026-11") == {KEY: pytest.approx(5 * 0.005)}


def test_the_collector_reads_a_growing_complaint_again_and_charges_the_brand(
    world, fake, session, make_brand
):
    post = add_x_post(world, text="Acme lost my bag, awful", created=NOW - timedelta(hours=1), likes=2)
    store, ledger = MemoryMentionStore(), MemorySpendLedger()
    brand = _brand(make_brand)
    collector = Collector(
        InMemoryWatchlist([brand]),
        {"x": _source(fake, session, ledger)},
        InMemoryCursorStore(),
        store,
        KeywordScorer(),
        engagement=MemoryEngagementStore(store),
    )
    collector.collect(PollJob("acme", "x", NOW))
    set_x_engagement(world, post, likes=800, retweets=120, replies=60, impressions=90_000)
    result = collector.collect(PollJob("acme", "x", NOW + timedelta(minutes=15)))
    grown = store.items[("acme", f"x#{post}")].mention.engagement
    assert (grown.score, grown.shares, grown.comments, grown.views) == (800, 120, 60, 90_000)
    assert result.rereads == 1 and result.reread_updated == 1 and not result.errors
    # X bills the re-read nothing (the search returned the post today); the ledger counts it, to be safe
    assert ledger.spent("2026-11")[KEY] == pytest.approx(0.005) and x_billed(world) == pytest.approx(0.015)


def test_rereads_spend_at_most_their_share_of_the_brands_budget_and_leave_the_rest_to_the_search(
    world, fake, session, make_brand, caplog
):
    # Given a $1 brand whose re-reads may spend 25% of it: 50 posts at $0.005
    ids = _posts(world, 60)
    ledger = MemorySpendLedger()
    counts = _Counts()
    brand = _brand(make_brand, monthly_budget_usd=1.0, reread_share=0.25)
    found = _source(fake, session, ledger, count=counts).for_brand(brand, NOW).refresh(ids)
    # Then 50 are read and charged, 10 skipped and said why
    assert len(found) == 50 and ledger.spent("2026-11")[KEY] == pytest.approx(0.25)
    assert counts.sent == [("XReadsSkipped", 1)]
    [why] = [getattr(r, "why", "") for r in caplog.records if r.getMessage() == "x: re-reads skipped"]
    assert why.startswith("re-reads' share of the monthly budget reached (25% of $1: $0.25)")
    # And the search still has the other $0.75: a page goes out
    _source(fake, session, ledger).fetch(brand, None, NOW)
    assert world.requests_to("/2/tweets/search/recent")


def test_a_spent_budget_is_blamed_not_the_share_and_a_share_of_zero_reads_nothing_quietly(
    world, fake, session, make_brand, caplog
):
    ids = _posts(world, 5)
    ledger = MemorySpendLedger()
    ledger.record("2026-11", "acme", 30.0)  # the searches spent the brand's $30
    _source(fake, session, ledger).for_brand(_brand(make_brand), NOW).refresh(ids)
    [why] = [getattr(r, "why", "") for r in caplog.records if r.getMessage() == "x: re-reads skipped"]
    assert why.startswith("monthly budget reached (brand $30.00 of $30")
    caplog.clear()
    counts = _Counts()
    off = _brand(make_brand, reread_share=0)
    assert _source(fake, session, MemorySpendLedger(), count=counts).for_brand(off, NOW).refresh(ids) == {}
    assert counts.sent == [] and not caplog.records and _lookups(world) == []
    # With the default share they are read
    reader = _source(fake, session, MemorySpendLedger()).for_brand(_brand(make_brand), NOW)
    assert len(reader.refresh(ids)) == 5
