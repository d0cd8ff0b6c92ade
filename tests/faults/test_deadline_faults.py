"""The collector has a deadline: hostile servers cannot hold a job, nor a job its invocation's batch.

Each source (Reddit through praw, Hacker News, the App Store, feeds, Mastodon, Bluesky, X) is polled by
the real adapter, through the real session, from a server on 127.0.0.1 that misbehaves
(`tests.faults.misbehaving`), inside a job deadline of `DEADLINE` seconds. Invariants: the poll ends
by the deadline (plus `SLACK`), stores nothing from the broken fetch and leaves the cursor where it
was; once the server behaves, the next poll stores every mention served, once.

Longest poll time per adversarial case, measured with this module's server and session (per-read
timeout 1 s, Retry-After cap 2 s, 3 retries; production: 10 s, 30 s, 5). "Before" ran on the code
before this change, the server cutting a trickle off after 20 s (unbounded otherwise):

| case                                 | before: Reddit / HN / App Store     | after (deadline 1.5 s)   |
|--------------------------------------|-------------------------------------|--------------------------|
| body trickled, 1 byte / 0.25 s       | 64.9 s / 20.1 s / 20.3 s (cut off)  | <= 1.5 s each            |
| status line and headers trickled     | 62.4 s / 20.0 s / 20.0 s (cut off)  | <= 1.5 s each            |
| 503, 64-byte body at 1 byte / 0.25 s | 16-64 s: drained before each retry  | <= 1.5 s each            |
| server accepts and never answers     | 195.7 s / 4.1 s / 4.1 s             | <= 1.5 s each            |
| 429 with Retry-After: 3600           | 6.0 s each (150 s in production)    | ~0 s: fails at once      |
| x-ratelimit-remaining 0, reset 3600  | prawcore sleeps 3600 s              | ~1 s (prawcore's floor)  |
| 30 MB page (cap 1 MB here, 8 MiB)    | RSS 69 -> 184 MB; Reddit ValueError | fails at the cap         |
| five jobs, one trickling, 300 s      | Lambda timeout: all five retried    | 4 stored, 1 retried      |
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from repmon.adapters.http import new_session
from repmon.adapters.http_limits import deadline
from repmon.adapters.secrets import BlueskyCredentials, RedditCredentials
from repmon.adapters.sources.apple_token import AppleToken, AppStoreConnectKey
from repmon.adapters.sources.appstore import RssAppStoreSource
from repmon.adapters.sources.appstore_connect import AppStoreConnectSource
from repmon.adapters.sources.bluesky import BlueskySource, XrpcSession
from repmon.adapters.sources.feeds import HttpFeedSource
from repmon.adapters.sources.google import GoogleCredentials, GoogleSource
from repmon.adapters.sources.google_play import GooglePlaySource
from repmon.adapters.sources.google_token import GoogleToken, ServiceAccount
from repmon.adapters.sources.hackernews import AlgoliaHackerNewsSource
from repmon.adapters.sources.mastodon import Instance, MastodonSource
from repmon.adapters.sources.reddit import PrawRedditSource, build_reddit
from repmon.adapters.sources.trustpilot import TrustpilotCredentials, TrustpilotSource
from repmon.adapters.sources.x import XSource
from repmon.adapters.sources.x_spend import MemorySpendLedger
from repmon.adapters.sources.yelp import YelpCredentials, YelpSource
from repmon.adapters.sources.youtube import YouTubeSource
from repmon.domain.brand import Brand
from repmon.domain.errors import SourceUnavailable
from repmon.domain.youtube_quota import QuotaPlan
from repmon.localstack.fakes.appstore_connect import add_connect_review, new_api_key
from repmon.localstack.fakes.bluesky import add_bluesky_post
from repmon.localstack.fakes.feeds import add_feed_entry
from repmon.localstack.fakes.google import OAUTH_PREFIX, add_google_review
from repmon.localstack.fakes.google_play import TOKEN_PATH, add_play_review, new_service_account
from repmon.localstack.fakes.mastodon import add_toot, instance_url
from repmon.localstack.fakes.server import FakeSources, SourceWorld
from repmon.localstack.fakes.trustpilot import add_trustpilot_review
from repmon.localstack.fakes.x import BEARER, add_x_post
from repmon.localstack.fakes.yelp import add_yelp_review
from repmon.localstack.fakes.youtube import add_comment, api_url, channel_id
from repmon.localstack.lambda_runner import LambdaContext, environment, load_handler
from repmon.ports import MentionSource, PollJob
from repmon.runtime import wiring
from repmon.runtime.job_budget import MARGIN_SECONDS
from repmon.services.collect import Collector
from tests.fakes import InMemoryCursorStore, InMemoryMentionStore, InMemoryWatchlist, KeywordScorer
from tests.faults.misbehaving import Misbehaving, Misbehaviour
from tests.youtube_ledger import MemoryQuotaLedger

NOW = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
#: The failing polls' deadline: short, as each of the sixty slow-server cases waits it out.
DEADLINE = 0.6
SLACK = 1.5
#: The polls after the fault, which test recovery, not the deadline: room for a loaded machine.
RECOVERY = 10.0
APP = Path(__file__).parents[2] / "functions" / "collect_mentions" / "app.py"
#: Where each source's item requests go, and the path that misbehaves.
PATHS = {
    "reddit": "/search",
    "hackernews": "/search_by_date",
    "appstore": "/customerreviews",
    "google_play": "/reviews",
    "appstore_connect": "/customerReviews",
    "feeds": "/feeds/acme.rss",
    "mastodon": "/timelines/tag/acme",
    "bluesky": "/xrpc/app.bsky.feed.searchPosts",
    "trustpilot": "/v1/business-units/",
    "google": "/locations/201/reviews",
    "yelp": "/v3/businesses/",
    "youtube": "/youtube/v3/commentThreads",
    "x": "/2/tweets/search/recent",
}
YT_CHANNEL = channel_id("acme official")
TP_UNIT = "5f1e2d3c4b5a69788796a5b4"
G_LOCATION = "accounts/111/locations/201"
APP_IDS = {
    "acme": "100000001",
    "bolt": "100000002",
    "cyan": "100000003",
    "dune": "100000004",
    "echo": "100000005",
}


@dataclass
class Rig:
    world: SourceWorld
    bad: Misbehaving
    sources: dict[str, MentionSource]
    store: InMemoryMentionStore
    cursors: InMemoryCursorStore
    collector: Collector

    def brand(self, brand_id: str = "acme") -> Brand:
        app_id = APP_IDS[brand_id]
        return Brand.model_validate(
            {
                "id": brand_id,
                "name": brand_id.title(),
                "query": "acme",
                "sources": {
                    "appstore": {"app_id": app_id},
                    "google_play": {"package_name": f"com.{brand_id}.app"},
                    "appstore_connect": {"app_id": app_id},
                    "feeds": {"urls": [f"{self.bad.base_url}/feeds/{brand_id}.rss"]},
                    "mastodon": {"instances": ["alpha.example"], "hashtags": ["acme"], "search": False},
                    "bluesky": {"enabled": True},
                    "trustpilot": {"business_units": [TP_UNIT]},
                    "google": {"locations": [G_LOCATION]},
                    "yelp": {"businesses": ["acme-lounge"], "min_interval_hours": 0},
                    "youtube": {"channel_id": YT_CHANNEL, "search": False},
                    "x": {"enabled": True},
                },
            }
        )

    def serve(self, brand: Brand, count: int = 3) -> None:
        """`count` fresh mentions of `brand` on every source."""
        for i in range(count):
            at = NOW - timedelta(minutes=10 - i)
            if brand.id == "acme":  # Reddit and HN search by the query, which every brand shares
                self.world.add_reddit_post(title=f"acme post {i}", created=at)
                self.world.add_hn_item(title=f"acme story {i}", created=at)
                add_feed_entry(self.world, feed="acme", title=f"acme news {i}", created=at)
                add_toot(self.world, html=f"acme toot {i}", tags=("acme",), created=at)
                add_bluesky_post(self.world, text=f"acme post {i}", created=at)
                add_trustpilot_review(self.world, unit=TP_UNIT, text=f"acme review {i}", created=at)
                add_google_review(self.world, where=G_LOCATION, comment=f"acme {i}", created=at)
                add_yelp_review(self.world, business="acme-lounge", text=f"acme {i}", created=at)
                add_comment(self.world, text=f"acme comment {i}", channel=YT_CHANNEL, created=at)
                add_x_post(self.world, text=f"acme post {i}", created=at)
            app_id = brand.sources.appstore.app_id or ""
            self.world.add_appstore_review(
                app_id=app_id, title=f"acme {i}", content="ok app", rating=4, created=at
            )
            add_play_review(self.world, package=f"com.{brand.id}.app", text=f"acme {i}", rating=4, created=at)
            add_connect_review(self.world, app_id=app_id, title=f"acme {i}", body="ok", rating=4, created=at)


def _session() -> Any:
    return new_session(
        total=3,
        backoff_factor=0.01,
        backoff_max=0.05,
        max_retry_after=2,
        timeout=1.0,
        max_page_bytes=1_000_000,
    )


@pytest.fixture
def rig() -> Iterator[Rig]:
    world = SourceWorld(now=NOW)
    with FakeSources(world) as fake, Misbehaving(fake.base_url) as bad:
        creds = RedditCredentials(client_id="c", client_secret=SecretStr("s"), user_agent="repmon-tests/1.0")
        reddit = build_reddit(creds, bad.base_url, bad.base_url, _session(), timeout=1)
        session = _session()
        sources: dict[str, MentionSource] = {
            "reddit": PrawRedditSource(reddit, max_author_lookups=0),
            "hackernews": AlgoliaHackerNewsSource(f"{bad.base_url}/api/v1", session),
            "appstore": RssAppStoreSource(bad.base_url, session),
            "google_play": GooglePlaySource(
                GoogleToken(
                    ServiceAccount.model_validate(new_service_account(world)),
                    f"{bad.base_url}{TOKEN_PATH}",
                    session,
                    source="google_play",
                ),
                session,
                bad.base_url,
            ),
            "appstore_connect": AppStoreConnectSource(
                AppleToken(AppStoreConnectKey.model_validate(new_api_key(world))), session, bad.base_url
            ),
            "feeds": HttpFeedSource(session),
            "mastodon": MastodonSource(
                {"alpha.example": Instance(url=instance_url(bad.base_url, "alpha"), token=SecretStr("t"))},
                session,
            ),
            "youtube": YouTubeSource(
                SecretStr("k"),
                MemoryQuotaLedger(),
                session,
                base_url=api_url(bad.base_url),
                plan=QuotaPlan(units_per_day=10**7, searches_per_day=10**5, share=1.0),
            ),
            "google": GoogleSource(
                GoogleCredentials(client_id="c", client_secret=SecretStr("s"), refresh_token=SecretStr("r")),
                oauth_url=fake.base_url + OAUTH_PREFIX,
                business_url=bad.base_url,
                session=session,
            ),
            "yelp": YelpSource(YelpCredentials(api_key=SecretStr("yelp-key-0123")), bad.base_url, session),
            "trustpilot": TrustpilotSource(
                TrustpilotCredentials(api_key=SecretStr("k")), bad.base_url, session
            ),
            "bluesky": BlueskySource(
                XrpcSession(
                    bad.base_url,
                    BlueskyCredentials(identifier="reader.example.com", app_password=SecretStr("p")),
                    session,
                )
            ),
            "x": XSource(
                bad.base_url, SecretStr(BEARER), session, ledger=MemorySpendLedger(), stack_budget=10
            ),
        }
        store, cursors = InMemoryMentionStore(), InMemoryCursorStore()
        r = Rig(world, bad, sources, store, cursors, None)  # type: ignore[arg-type]
        watchlist = InMemoryWatchlist([r.brand(b) for b in APP_IDS])
        r.collector = Collector(watchlist, sources, cursors, store, KeywordScorer())
        yield r


def _poll(rig: Rig, source: str, brand_id: str = "acme", seconds: float = DEADLINE) -> None:
    with deadline(seconds):
        rig.collector.collect(PollJob(brand_id, source, NOW))


def _fails_by_the_deadline(rig: Rig, source: str, match: str | None = None) -> None:
    start = time.monotonic()
    with pytest.raises(SourceUnavailable, match=match):
        _poll(rig, source)
    elapsed = time.monotonic() - start
    assert elapsed < DEADLINE + SLACK, f"{source}: the poll took {elapsed:.1f} s"
    assert rig.store.items == {} and rig.cursors.get("acme", source) is None


def _recovers(rig: Rig, source: str) -> None:
    rig.bad.misbehave(None)
    _poll(rig, source, seconds=RECOVERY)
    assert len(rig.store.items) == 3  # stored = served, once each
    _poll(rig, source, seconds=RECOVERY)
    assert len(rig.store.items) == 3


SOURCES = sorted(PATHS)


@pytest.mark.parametrize("kind", ["trickle_body", "trickle_headers", "trickle_503", "hang"])
@pytest.mark.parametrize("source", SOURCES)
def test_a_slow_server_cannot_hold_a_poll_past_its_deadline(rig, source, kind):
    rig.serve(rig.brand())
    rig.bad.misbehave(Misbehaviour(kind, PATHS[source]))
    _fails_by_the_deadline(rig, source)
    _recovers(rig, source)


@pytest.mark.parametrize("source", SOURCES)
def test_a_retry_after_longer_than_the_time_left_fails_the_poll_at_once(rig, source):
    rig.serve(rig.brand())
    rig.bad.misbehave(Misbehaviour("retry_after", PATHS[source]))
    _fails_by_the_deadline(rig, source)
    _recovers(rig, source)


@pytest.mark.parametrize("kind", ["oversized", "oversized_unannounced"])
@pytest.mark.parametrize("source", SOURCES)
def test_a_page_over_the_cap_is_a_source_error_for_that_poll(rig, source, kind):
    rig.serve(rig.brand())
    rig.bad.misbehave(Misbehaviour(kind, PATHS[source]))
    _fails_by_the_deadline(rig, source, match="PageTooLarge|cap")
    _recovers(rig, source)


def test_reddit_rate_limit_reset_past_the_deadline_is_not_slept_out(rig):
    """prawcore would sleep x-ratelimit-reset (3600 s) before its next request: now it fails at once."""
    rig.serve(rig.brand())
    rig.bad.misbehave(Misbehaviour("rate_limited", "/search"))
    _fails_by_the_deadline(rig, "reddit")
    served = rig.bad.served
    _fails_by_the_deadline(rig, "reddit")  # still inside Reddit's reset: no request at all
    assert rig.bad.served == served


def test_garbled_reddit_rate_limit_headers_do_not_crash_the_poll(rig):
    """prawcore raised ValueError on `x-ratelimit-remaining: lots`, outside every handler."""
    rig.serve(rig.brand())
    rig.bad.misbehave(Misbehaviour("garbled_rate_limit", "/search"))
    _poll(rig, "reddit")
    assert len(rig.store.items) == 3


# The handler: five jobs in one invocation ------------------------------------------------------


def _record(i: int, brand_id: str, source: str) -> dict[str, Any]:
    body = {"brand_id": brand_id, "source": source, "scheduled_at": NOW.isoformat()}
    return {
        "messageId": f"m{i}",
        "receiptHandle": f"r{i}",
        "body": json.dumps(body),
        "attributes": {"MessageGroupId": f"{brand_id}#{source}", "SequenceNumber": str(i)},
        "messageAttributes": {},
        "md5OfBody": "",
        "eventSource": "aws:sqs",
        "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:repmon-poll-jobs.fifo",
        "awsRegion": "us-east-1",
    }


@pytest.fixture
def invoke(rig: Rig, monkeypatch: pytest.MonkeyPatch) -> Callable[..., tuple[set[str], float]]:
    """Run the collector's handler on jobs (brand, source) in a context with `usable` seconds left."""
    monkeypatch.setattr(wiring, "collector", lambda: rig.collector)
    env = {"TABLE_NAME": "repmon-test", "JOB_MIN_SECONDS": "1", "JOB_STORE_SECONDS": "0.2"}

    def run(jobs: list[tuple[str, str]], usable: float) -> tuple[set[str], float]:
        with environment(env):
            handler = load_handler(APP)
            context = LambdaContext("collect_mentions", timeout_seconds=MARGIN_SECONDS + usable)
            event = {"Records": [_record(i, b, s) for i, (b, s) in enumerate(jobs)]}
            start = time.monotonic()
            response = handler(event, context)
            elapsed = time.monotonic() - start
        assert context.get_remaining_time_in_millis() > 0, "the invocation ran past its timeout"
        return {f["itemIdentifier"] for f in response["batchItemFailures"]}, elapsed

    return run


def test_one_trickling_source_fails_its_own_job_and_not_the_batch(rig, invoke):
    for brand_id in APP_IDS:
        rig.serve(rig.brand(brand_id))
    rig.bad.misbehave(Misbehaviour("trickle_body", PATHS["hackernews"]))
    jobs = [
        ("acme", "appstore"),
        ("bolt", "hackernews"),
        ("cyan", "appstore"),
        ("dune", "appstore"),
        ("echo", "appstore"),
    ]
    failed, elapsed = invoke(jobs, usable=5.0)
    assert failed == {"m1"}  # retried alone
    assert len(rig.store.items) == 4 * 3
    assert elapsed < 5.0


def test_jobs_left_without_enough_time_are_deferred_not_started(rig, invoke):
    for brand_id in APP_IDS:
        rig.serve(rig.brand(brand_id))
    rig.bad.misbehave(Misbehaviour("hang", PATHS["hackernews"]))
    jobs = [
        ("acme", "appstore"),
        ("bolt", "hackernews"),
        ("cyan", "hackernews"),
        ("dune", "appstore"),
        ("echo", "appstore"),
    ]
    failed, elapsed = invoke(jobs, usable=2.6)
    assert failed == {"m1", "m2", "m3", "m4"}
    assert elapsed < 2.6
    assert len(rig.store.items) == 3  # the first job's
    untouched = [
        b for b in ("dune", "echo") if rig.world.requests_to(rig.brand(b).sources.appstore.app_id or "?")
    ]
    assert untouched == []  # deferred jobs made no request: SQS delivers them again
