"""XSource against the local fake X API, through a real retrying session (127.0.0.1): paging, since_id,
the spend budget (brand and stack, stored with the cursor, counted once), rate limits, bad items."""

from __future__ import annotations

import json
import time
from datetime import timedelta
from typing import cast

import pytest
import requests
from pydantic import SecretStr

from repmon.adapters.http_limits import deadline
from repmon.adapters.sources.x import XSource
from repmon.adapters.sources.x_parse import snowflake_ms
from repmon.adapters.sources.x_spend import MemorySpendLedger, Prices
from repmon.domain.errors import InvalidConfig, SourceUnavailable
from repmon.localstack.fakes.x import BEARER, add_x_post, x_billed, x_rate_limit
from tests.integration.conftest import NOW


class _Counts:
    def __init__(self) -> None:
        self.sent: list[tuple[str, int]] = []

    def __call__(self, name: str, value: int) -> None:
        self.sent.append((name, value))


def _source(fake, session, ledger=None, stack=100.0, **kw):
    ledger = ledger or MemorySpendLedger()
    return XSource(fake.base_url, SecretStr(BEARER), session, ledger=ledger, stack_budget=stack, **kw)


def _brand(make_brand, query="acme", **kw):
    return make_brand(query, x={"enabled": True, **kw})


def _add(world, count, *, minutes_ago=120, text="Acme flight {i} was late", **kw):
    start = NOW - timedelta(minutes=minutes_ago)
    return [
        add_x_post(world, text=text.format(i=i), created=start + timedelta(seconds=30 * i), **kw)
        for i in range(count)
    ]


def test_a_post_keeps_its_author_counts_views_parent_and_x_link(world, fake, session, make_brand):
    parent = add_x_post(world, text="Acme is the best", created=NOW - timedelta(minutes=9))
    reply = add_x_post(
        world,
        text="Acme lost my bag",
        username="dana_flies",
        created=NOW - timedelta(minutes=5),
        followers=48_000,
        verified=True,
        likes=120,
        retweets=7,
        quotes=3,
        replies=9,
        impressions=40_000,
        reply_to=parent,
    )
    add_x_post(world, text="nothing to see here", created=NOW - timedelta(minutes=4))
    page = _source(fake, session).fetch(_brand(make_brand), None, NOW)
    m = {m.native_id: m for m in page.mentions}[reply]
    assert m.url == f"https://x.com/dana_flies/status/{reply}" and m.parent_id == parent
    e = m.engagement
    assert (e.score, e.shares, e.comments, e.views) == (120, 10, 9, 40_000)
    assert m.author.followers == 48_000 and m.author.verified and m.author.account_created_at is not None
    search = world.requests_to("/2/tweets/search/recent")[0].query
    assert search["expansions"] == "author_id" and "public_metrics" in search["user.fields"]
    assert "referenced_tweets" in search["tweet.fields"] and "in_reply_to_user_id" in search["tweet.fields"]


def test_the_brand_query_is_sent_in_x_syntax_without_retweets(world, fake, session, make_brand):
    _add(world, 1)
    _source(fake, session).fetch(_brand(make_brand, '"acme air" OR @acmeair -anvil', lang="en"), None, NOW)
    sent = world.requests_to("/2/tweets/search/recent")[0].query["query"]
    assert sent == '("acme air" OR @acmeair) -anvil -is:retweet lang:en'


def test_the_brands_own_replies_are_read_with_the_post_they_answer(world, fake, session, make_brand):
    # Given a complaint and the brand's answer, which does not name the brand
    complaint = add_x_post(world, text="Acme lost my bag", created=NOW - timedelta(minutes=9))
    answer = add_x_post(
        world,
        text="Sorry to hear that, please DM us your booking code",
        username="AcmeHelp",
        created=NOW - timedelta(minutes=5),
        reply_to=complaint,
    )
    page = _source(fake, session).fetch(_brand(make_brand, own_accounts=["acmehelp"]), None, NOW)
    # Then both are read, the answer pointing at the complaint (the collector marks it own)
    by_id = {m.native_id: m for m in page.mentions}
    assert set(by_id) == {complaint, answer} and by_id[answer].parent_id == complaint
    assert by_id[answer].author.handle == "AcmeHelp"
    assert "(from:acmehelp) is:reply" in world.requests_to("/2/tweets/search/recent")[0].query["query"]


def test_pages_with_next_token_and_reads_on_from_since_id(world, fake, session, make_brand):
    ids = _add(world, 130)
    source = _source(fake, session)
    first = source.fetch(_brand(make_brand), None, NOW)
    assert sorted(m.native_id for m in first.mentions) == sorted(ids) and not first.truncated
    requests = world.requests_to("/2/tweets/search/recent")
    assert [r.query.get("next_token") for r in requests] == [None, "t100"]
    assert requests[0].query["max_results"] == "100"
    # The next poll asks from the cursor's floor (15 minutes of overlap), and returns only new posts
    world.advance(minutes=15)
    later = _add(world, 3, minutes_ago=5)
    second = source.fetch(_brand(make_brand), first.cursor, world.now)
    assert sorted(m.native_id for m in second.mentions) == sorted(later)
    since = int(world.requests[-1].query["since_id"])
    newest = max(c.created_at for c in first.mentions)
    assert abs(snowflake_ms(str(since + 1)) / 1000 - (newest - timedelta(minutes=15)).timestamp()) < 1


def test_spend_is_counted_as_x_bills_it_and_kept_with_the_cursor(world, fake, session, make_brand):
    # Given 130 posts by 7 authors, read twice the same UTC day (X bills each resource once a day)
    for i in range(130):
        add_x_post(world, text=f"Acme {i}", username=f"user{i % 7}", created=NOW - timedelta(minutes=200 - i))
    ledger = MemorySpendLedger()
    first = _source(fake, session, ledger).fetch(_brand(make_brand), None, NOW)
    spend = json.loads(first.cursor or "")["spend"]
    assert spend["usd"] == pytest.approx(130 * 0.005 + 7 * 0.010) == pytest.approx(x_billed(world))
    assert ledger.spent("2026-11") == {"acme": pytest.approx(spend["usd"])}
    # When a new container (cold start) polls again from that cursor, re-reading the overlap
    world.advance(minutes=15)
    again = _source(fake, session, ledger).fetch(_brand(make_brand), first.cursor, world.now)
    # Then the re-read posts are not counted again, as X does not bill them again
    assert json.loads(again.cursor or "")["spend"]["usd"] == pytest.approx(x_billed(world))


def test_a_retried_job_is_not_counted_twice(world, fake, session, make_brand):
    _add(world, 40)
    ledger = MemorySpendLedger()
    source = _source(fake, session, ledger)
    # The first attempt reads and records, then its job fails before the cursor is stored
    source.fetch(_brand(make_brand), None, NOW)
    retried = source.fetch(_brand(make_brand), None, NOW)
    assert ledger.spent("2026-11")["acme"] == pytest.approx(json.loads(retried.cursor or "")["spend"]["usd"])
    assert ledger.spent("2026-11")["acme"] == pytest.approx(40 * 0.005 + 0.010)


def test_the_brand_budget_shrinks_the_page_then_stops_before_it_and_counts_what_it_skipped(
    world, fake, session, make_brand
):
    # Given 60 posts, each by its own author (every read is a post and a user)
    start = NOW - timedelta(minutes=60)
    ids = [
        add_x_post(world, text=f"Acme {i}", username=f"u{i}", created=start + timedelta(seconds=i))
        for i in range(60)
    ]
    counts = _Counts()
    # $0.50 a month: a page of at most 33 posts (33 x $0.015 worst case), then no room for 10 more
    brand = _brand(make_brand, monthly_budget_usd=0.5)
    page = _source(fake, session, count=counts).fetch(brand, None, NOW)
    sizes = [r.query["max_results"] for r in world.requests_to("/2/tweets/search/recent")]
    assert sizes[0] == "33"
    spent = json.loads(page.cursor or "")["spend"]["usd"]
    assert spent <= 0.5 and x_billed(world) <= 0.5
    assert any("monthly budget reached" in e for e in page.errors) and counts.sent == [("XReadsSkipped", 1)]
    # The position is held (newest-first pages left older posts unread): nothing is skipped for good
    assert json.loads(page.cursor or "")["at"] == (NOW - timedelta(hours=24)).timestamp()
    returned = {m.native_id for m in page.mentions}
    assert returned and returned < set(ids)


def test_a_poll_stopped_by_the_budget_loses_nothing_once_the_budget_allows(world, fake, session, make_brand):
    start = NOW - timedelta(minutes=60)
    ids = [
        add_x_post(world, text=f"Acme {i}", username=f"u{i}", created=start + timedelta(seconds=i))
        for i in range(60)
    ]
    ledger = MemorySpendLedger()
    source = _source(fake, session, ledger)
    first = source.fetch(_brand(make_brand, monthly_budget_usd=0.5), None, NOW)
    # When the brand's budget is raised, the next poll reads from the same since_id
    later = NOW + timedelta(minutes=15)
    second = source.fetch(_brand(make_brand, monthly_budget_usd=30), first.cursor, later)
    returned = [m.native_id for p in (first, second) for m in p.mentions]
    assert sorted(returned) == sorted(ids)  # each once
    assert not second.errors and json.loads(second.cursor or "")["at"] > json.loads(first.cursor or "")["at"]


def test_a_rate_limit_spent_mid_search_keeps_the_position_and_the_next_poll_reads_the_rest(
    world, fake, session, make_brand
):
    ids = _add(world, 130)
    # Every answer says none are left for 10 minutes; the job has 30 s
    x_rate_limit(world, remaining=0, reset=time.time() + 600)
    source = _source(fake, session, sleep=lambda s: pytest.fail("slept past the deadline"))
    with deadline(30):
        first = source.fetch(_brand(make_brand), None, NOW)
    assert len(first.mentions) == 100 and "rate limit spent until" in first.errors[0]
    assert json.loads(first.cursor or "")["at"] == (NOW - timedelta(hours=24)).timestamp()
    # After the reset, the next poll reads the search again and returns the 30 it had not
    x_rate_limit(world, remaining=449, reset=time.time() + 900)
    source.clock = lambda: time.time() + 700
    second = source.fetch(_brand(make_brand), first.cursor, NOW + timedelta(minutes=15))
    assert sorted(m.native_id for p in (first, second) for m in p.mentions) == sorted(ids)


def test_the_stack_budget_counts_every_brand(world, fake, session, make_brand):
    _add(world, 20, username="solo")
    ledger = MemorySpendLedger()
    ledger.record("2026-11", "other-brand", 9.80)
    counts = _Counts()
    # $0.20 left for the stack: a page of 13 (13 x $0.015), then $0.125 left, under a page of 10
    page = _source(fake, session, ledger, stack=10.0, count=counts).fetch(_brand(make_brand), None, NOW)
    assert [r.query["max_results"] for r in world.requests_to("/2/tweets/search/recent")] == ["13"]
    assert len(page.mentions) == 13 and ledger.spent("2026-11")["acme"] == pytest.approx(13 * 0.005 + 0.01)
    assert "all brands $9.88 of $10" in page.errors[0] and counts.sent == [("XReadsSkipped", 1)]


def test_a_new_month_starts_the_brand_budget_again(world, fake, session, make_brand):
    _add(world, 12, minutes_ago=30)
    spent = {"month": "2026-10", "usd": 30.0, "day": "2026-10-31", "read": []}
    cursor = json.dumps({"v": 2, "at": (NOW - timedelta(hours=1)).timestamp(), "seen": {}, "spend": spent})
    page = _source(fake, session).fetch(_brand(make_brand, monthly_budget_usd=30), cursor, NOW)
    assert len(page.mentions) == 12 and json.loads(page.cursor or "")["spend"]["month"] == "2026-11"


def test_a_spent_rate_limit_is_waited_out_within_the_deadline(world, fake, session, make_brand):
    ids = _add(world, 130)
    # Every answer says none are left, reset in 20 s; once the adapter has slept, the window is new
    x_rate_limit(world, remaining=0, reset=NOW.timestamp() + 20)
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        x_rate_limit(world, remaining=449, reset=NOW.timestamp() + 900)

    source = _source(fake, session, clock=NOW.timestamp, sleep=sleep)
    with deadline(60):
        page = source.fetch(_brand(make_brand, max_items=500), None, NOW)
    assert slept == [21.0]  # the reset, and a second for clocks
    assert sorted(m.native_id for m in page.mentions) == sorted(ids)


def test_a_rate_limit_past_the_deadline_stops_and_keeps_the_cursor(world, fake, session, make_brand):
    _add(world, 130)
    counts = _Counts()
    source = _source(fake, session, count=counts, sleep=lambda s: pytest.fail("slept past the deadline"))
    first = source.fetch(_brand(make_brand), None, NOW)
    # The app's window is spent for 10 minutes, and the job has 30 s
    source._note_limits({"x-rate-limit-remaining": "0", "x-rate-limit-reset": str(NOW.timestamp() + 600)})
    source.clock = lambda: NOW.timestamp()
    before = len(world.requests)
    with deadline(30):
        page = source.fetch(_brand(make_brand), first.cursor, NOW + timedelta(minutes=15))
    assert len(world.requests) == before  # no request made
    assert page.cursor == first.cursor and page.mentions == []
    assert "rate limit spent until" in page.errors[0] and counts.sent == [("XReadsSkipped", 1)]


def test_a_429_whose_reset_is_past_the_deadline_fails_at_once(world, fake, session, make_brand):
    _add(world, 5)
    x_rate_limit(world, remaining=0, reset=time.time() + 3600, refuse=True)  # 429 until an hour from now
    with deadline(5), pytest.raises(SourceUnavailable):
        _source(fake, session).fetch(_brand(make_brand), None, NOW)
    assert len(world.requests_to("/2/tweets/search/recent")) == 1  # not retried into the deadline


def test_a_refused_bearer_token_is_a_config_error(world, fake, session, make_brand):
    bad = XSource(fake.base_url, SecretStr("wrong"), session, ledger=MemorySpendLedger(), stack_budget=10)
    with pytest.raises(InvalidConfig, match="bearer token"):
        bad.fetch(_brand(make_brand), None, NOW)


def test_malformed_posts_are_skipped_and_counted_and_the_rest_kept(world, fake, session, make_brand):
    ids = _add(world, 5)
    world.malform_next("/2/tweets/search/recent", {"id": "9" * 30, "text": "Acme", "created_at": "2026"})
    page = _source(fake, session).fetch(_brand(make_brand), None, NOW)
    assert sorted(m.native_id for m in page.mentions) == sorted(ids) and page.skipped == 1


def test_prices_come_from_settings(world, fake, session, make_brand):
    _add(world, 10, username="solo")
    page = _source(fake, session, prices=Prices(post=0.01, user=0.02)).fetch(_brand(make_brand), None, NOW)
    assert json.loads(page.cursor or "")["spend"]["usd"] == pytest.approx(10 * 0.01 + 0.02)


class _AnotherBrandSpendsMeanwhile:
    """The session of a poll during which another brand's poll records its spend (same moment)."""

    def __init__(self, session, ledger, usd):
        self.session, self.ledger, self.usd = session, ledger, usd

    def get(self, *args, **kwargs):
        response = self.session.get(*args, **kwargs)
        self.ledger.record("2026-11", "other-brand", self.usd)
        return response


def test_brands_polled_at_once_overshoot_the_stack_budget_by_at_most_one_page_each(
    world, fake, session, make_brand
):
    # 40 posts by 40 authors, pages of 10 ($0.15 at worst); $1 for the stack
    start = NOW - timedelta(minutes=60)
    for i in range(40):
        add_x_post(world, text=f"Acme {i}", username=f"u{i}", created=start + timedelta(seconds=i))
    ledger = MemorySpendLedger()
    # Another brand's poll, running at the same moment, records $0.80 after this poll's first page
    http = _AnotherBrandSpendsMeanwhile(session, ledger, 0.80)
    source = XSource(
        fake.base_url,
        SecretStr(BEARER),
        cast(requests.Session, http),
        ledger=ledger,
        stack_budget=1.0,
        page_size=10,
    )
    source.fetch(_brand(make_brand), None, NOW)
    total = sum(ledger.spent("2026-11").values())
    assert total <= 1.0 + 10 * (0.005 + 0.010) + 1e-9, f"${total:.2f} spent of a $1 budget"
