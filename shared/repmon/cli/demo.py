"""`repmon demo`: the whole pipeline on an embedded local stack, on a simulated clock.

moto server on 127.0.0.1 holding the stack from template.yaml; local Reddit, Hacker News and App
Store endpoints serving a scripted crisis; the real handlers run by an emulated scheduler and SQS
poller; alerts read back from an SQS queue subscribed to the alert topic.
"""

from __future__ import annotations

import io
import logging
import sys
from collections.abc import Iterator
from contextlib import redirect_stdout
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TextIO

from repmon.adapters.clock import SystemClock
from repmon.adapters.dynamo_state import DynamoWatchlist
from repmon.adapters.dynamo_store import DynamoMentionStore
from repmon.cli import demo_report as report
from repmon.cli.demo_export import show_export
from repmon.cli.signals import sigterm_exits
from repmon.domain.brand import Brand
from repmon.domain.reputation import history_span, snapshot
from repmon.domain.source_registry import POLLED
from repmon.localstack.fakes.mastodon import instance_url
from repmon.localstack.fakes.server import FakeSources, SourceWorld
from repmon.localstack.runtime import AlertInbox, LocalRuntime
from repmon.localstack.scenario import CRISIS, END, START, Scenario, demo_brands
from repmon.localstack.scenario_apps import app_secrets
from repmon.localstack.scenario_reviews import SECRETS as REVIEW_SECRETS
from repmon.localstack.scenario_viral import spread
from repmon.localstack.scenario_x import SECRET as X_SECRET
from repmon.localstack.scenario_youtube import SECRET as YOUTUBE_SECRET
from repmon.localstack.stack import LocalStack

#: The fake PDS takes any app password: the account is the demo's own.
BLUESKY_SECRET = {"identifier": "reader.example.com", "app_password": "demo-app-pass-word"}
REDDIT_SECRET = {"client_id": "demo-client", "client_secret": "demo-secret", "user_agent": "repmon-demo/0.1"}


def mastodon_secret(base_url: str) -> dict[str, object]:
    """The demo's Mastodon secret: its instance toot.example is the fake's (any token will do)."""
    return {
        "instances": {"toot.example": {"url": instance_url(base_url, "toot"), "token": "demo-user-token"}}
    }


#: The handlers' INFO logs would bury the demo's own report; warnings and errors still show.
QUIET = {"POWERTOOLS_LOG_LEVEL": "WARNING"}
#: The demo runs the BI export once, this long after its last cycle.
EXPORT_AFTER = timedelta(minutes=30)
FUNCTIONS = ("plan_polls", "collect_mentions", "evaluate_reputation", "export_for_bi", "send_digest")


@dataclass
class DemoState:
    brands: list[Brand]
    index_history: dict[str, list[tuple[datetime, float | None]]] = field(default_factory=dict)
    per_source: dict[str, int] = field(default_factory=dict)
    envelopes: list[dict[str, object]] = field(default_factory=list)


def cycle_times(limit: int | None) -> Iterator[datetime]:
    """Hourly through the quiet day, every 30 minutes from an hour before the crisis."""
    at, count = START + timedelta(hours=1), 0
    while at < END and (limit is None or count < limit):
        yield at
        at += timedelta(minutes=30) if at >= CRISIS - timedelta(hours=1) else timedelta(hours=1)
        count += 1


def run(cycles: int | None = None, out: TextIO | None = None) -> int:
    out = out or sys.stdout  # per call, not bound at import time
    world = SourceWorld()
    scenario = Scenario.create(world)
    for hour in scenario.hours():
        scenario.fill_hour(hour)
    logging.getLogger("moto").setLevel(logging.ERROR)  # moto notes resources it only pretends to create
    say = report.Printer(out)
    say.line("repmon demo: starting moto server on 127.0.0.1 and deploying template.yaml ...")
    # `kill` stops the moto child and the fake sources as Ctrl-C does (cli.signals)
    with sigterm_exits(), FakeSources(world) as sources, LocalStack(isolated=True) as stack:
        say.line(f"  stack 'repmon' deployed at {stack.endpoint_url} in {stack.deploy_seconds:.1f}s")
        labels = " / ".join(spec.label for spec in POLLED.values())
        say.line(f"  local {labels} endpoints at {sources.base_url}")
        state = _prepare(stack, sources)
        env = {name: dict(QUIET) for name in FUNCTIONS}
        env["collect_mentions"] |= sources.collector_env()
        runtime = LocalRuntime(stack, env=env)
        inbox = AlertInbox(stack)
        # Read only (the handlers write), so the clock that stamps polled_at is never asked.
        store = DynamoMentionStore(stack.outputs["TableName"], SystemClock(), stack.client("dynamodb"))
        say.header(state.brands)
        last = START
        for last in cycle_times(cycles):
            world.now = last
            spread(world, last)  # a complaint going viral: its reach grows between polls
            _cycle(runtime, last)
            received = inbox.receive()
            state.envelopes += received
            # Each email's kind (alert, update, resolved) and the rule it leads with
            rules = [f"{report.attribute(e, 'kind')} ({report.attribute(e, 'rule')})" for e in received]
            say.progress(last, _tally(store, state, last), _indexes(store, state, last), rules)
        say.mentions(store, state.brands, START, last)
        say.index_history(state.index_history)
        say.emails(state.envelopes)
        # Half an hour after the last cycle: the digests due then (hourly in production), and the
        # BI export (daily in production) over the days simulated.
        say.digests(_digests(runtime, inbox, last + EXPORT_AFTER), last + EXPORT_AFTER)
        show_export(runtime, last + EXPORT_AFTER, START.date(), (last + EXPORT_AFTER).date(), say)
    return 0


def _prepare(stack: LocalStack, sources: FakeSources) -> DemoState:
    stack.create_secret("repmon/reddit", REDDIT_SECRET)
    stack.create_secret("repmon/bluesky", BLUESKY_SECRET)
    stack.create_secret("repmon/mastodon", mastodon_secret(sources.base_url))
    stack.create_secret("repmon/youtube", YOUTUBE_SECRET)
    for name, value in app_secrets(sources.world).items():  # keys the local fakes check
        stack.create_secret(name, value)
    for name, value in REVIEW_SECRETS.items():
        stack.create_secret(name, value)
    stack.create_secret("repmon/x", X_SECRET)
    brands = demo_brands(sources.base_url)
    DynamoWatchlist(stack.outputs["TableName"], client=stack.client("dynamodb")).replace(brands)
    return DemoState(brands)


def _cycle(runtime: LocalRuntime, at: datetime) -> None:
    # Handlers print their metrics as EMF lines on stdout, which CloudWatch would collect: drop them.
    with redirect_stdout(io.StringIO()):
        _run_cycle(runtime, at)


def _run_cycle(runtime: LocalRuntime, at: datetime) -> None:
    runtime.run_schedule("plan_polls", at)
    runtime.drain("RedditPollJobQueueUrl", "collect_mentions")
    runtime.drain("PollJobQueueUrl", "collect_mentions")
    runtime.run_schedule("evaluate_reputation", at)


def _digests(runtime: LocalRuntime, inbox: AlertInbox, at: datetime) -> list[dict[str, object]]:
    with redirect_stdout(io.StringIO()):  # the handler's EMF metric lines
        runtime.run_schedule("send_digest", at)
    return inbox.receive()


def _tally(store: DynamoMentionStore, state: DemoState, at: datetime) -> dict[str, int]:
    """Mentions stored per source since the previous cycle (from the hourly aggregates)."""
    totals: dict[str, int] = {}
    for brand in state.brands:
        for agg in store.hourly(brand.id, START - timedelta(days=1), at + timedelta(hours=1)):
            for source, count in agg.by_source.items():
                totals[source] = totals.get(source, 0) + count
    delta = {s: n - state.per_source.get(s, 0) for s, n in totals.items()}
    state.per_source = totals
    return delta


def _indexes(store: DynamoMentionStore, state: DemoState, at: datetime) -> dict[str, float | None]:
    """Each brand's index as the evaluator computed it at `at` (the same domain functions)."""
    found = {}
    for brand in state.brands:
        span = history_span(at, brand.thresholds)
        snap = snapshot(store.hourly(brand.id, span.since, span.until), at, brand.thresholds)
        found[brand.id] = snap.window_index
        state.index_history.setdefault(brand.id, []).append((at, snap.window_index))
    return found
