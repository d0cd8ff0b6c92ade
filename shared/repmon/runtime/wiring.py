"""The composition root: the one place that picks an adapter for each port.

Dependencies are built on first use (a cold start), never at import time, and cached per settings
and endpoint, so a warm Lambda reuses its clients. Each function imports only what it uses: the
evaluator never loads praw or nltk.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from repmon.adapters.clock import SystemClock
from repmon.notice_ports import MuteStore
from repmon.ports import AlertLedger, AlertPublisher, KnownCustomers, MentionStore, PollJobQueue, Watchlist
from repmon.runtime.settings import CollectSettings, EvaluateSettings, PlanPollsSettings, load_settings
from repmon.services.collect import Collector

if TYPE_CHECKING:  # the evaluator and the planner never import requests
    from repmon.runtime.job_budget import JobBudget


@dataclass(frozen=True)
class PlanDeps:
    watchlist: Watchlist
    queue: PollJobQueue


@dataclass(frozen=True)
class EvaluateDeps:
    watchlist: Watchlist
    store: MentionStore
    ledger: AlertLedger
    publisher: AlertPublisher
    mutes: MuteStore | None = None


def _endpoint() -> str:
    # Part of the cache key: local runs point the same process at different stacks.
    return os.environ.get("AWS_ENDPOINT_URL", "")


def plan_deps() -> PlanDeps:
    return _plan_deps(load_settings(PlanPollsSettings), _endpoint())


@lru_cache(maxsize=4)
def _plan_deps(settings: PlanPollsSettings, endpoint: str) -> PlanDeps:
    from repmon.adapters.dynamo import dynamodb_client
    from repmon.adapters.dynamo_state import DynamoWatchlist
    from repmon.adapters.sqs_queue import SqsPollJobQueue

    ddb = dynamodb_client(max_attempts=settings.aws_max_attempts)
    queue = SqsPollJobQueue(settings.poll_queue_url, settings.reddit_poll_queue_url)
    return PlanDeps(DynamoWatchlist(settings.table_name, ddb), queue)


def collector() -> Collector:
    return _collector(load_settings(CollectSettings), _endpoint())


@lru_cache(maxsize=4)
def _collector(settings: CollectSettings, endpoint: str) -> Collector:
    from repmon.adapters.dynamo import dynamodb_client
    from repmon.adapters.dynamo_engagement import DynamoEngagementStore
    from repmon.adapters.dynamo_health import DynamoPollHealth
    from repmon.adapters.dynamo_state import DynamoCursorStore, DynamoWatchlist
    from repmon.adapters.dynamo_store import DynamoMentionStore
    from repmon.adapters.vader_scorer import CxVaderScorer
    from repmon.runtime.sources import build_sources

    ddb = dynamodb_client(max_attempts=settings.aws_max_attempts)
    return Collector(
        watchlist=DynamoWatchlist(settings.table_name, ddb),
        sources=build_sources(settings),
        cursors=DynamoCursorStore(settings.table_name, ddb),
        store=DynamoMentionStore(settings.table_name, SystemClock(), ddb, settings.retention_days),
        scorer=CxVaderScorer(),
        health=DynamoPollHealth(settings.table_name, ddb),
        customers=_known_customers(settings, ddb),
        engagement=DynamoEngagementStore(settings.table_name, ddb),
    )


def _known_customers(settings: CollectSettings, ddb: Any) -> KnownCustomers | None:
    """The known-customer table, keyed by the pseudonym key (read on first use, cached 5 minutes)."""
    if not settings.pseudonym_key_name:
        return None
    from repmon.adapters.aws import client as aws_client
    from repmon.adapters.customers import DynamoKnownCustomers
    from repmon.adapters.pseudonym import LazyPseudonymiser

    secrets = aws_client("secretsmanager", settings.aws_max_attempts)
    return DynamoKnownCustomers(
        settings.table_name, ddb, LazyPseudonymiser(settings.pseudonym_key_name, secrets)
    )


def job_budget(remaining_ms: Callable[[], int], jobs: int) -> JobBudget:
    """How this invocation's `jobs` poll jobs share its remaining time."""
    from repmon.runtime.job_budget import JobBudget

    settings = load_settings(CollectSettings)
    return JobBudget(remaining_ms, jobs, settings.job_min_seconds, settings.job_store_seconds)


def evaluate_deps() -> EvaluateDeps:
    return _evaluate_deps(load_settings(EvaluateSettings), _endpoint())


@lru_cache(maxsize=4)
def _evaluate_deps(settings: EvaluateSettings, endpoint: str) -> EvaluateDeps:
    from repmon.adapters.dynamo import dynamodb_client
    from repmon.adapters.dynamo_notices import DynamoMuteStore
    from repmon.adapters.dynamo_state import DynamoAlertLedger, DynamoWatchlist
    from repmon.adapters.dynamo_store import DynamoMentionStore
    from repmon.adapters.sns_publisher import SnsAlertPublisher

    ddb = dynamodb_client(max_attempts=settings.aws_max_attempts)
    return EvaluateDeps(
        watchlist=DynamoWatchlist(settings.table_name, ddb),
        store=DynamoMentionStore(settings.table_name, SystemClock(), ddb),
        ledger=DynamoAlertLedger(settings.table_name, ddb),
        publisher=SnsAlertPublisher(settings.alert_topic_arn),
        mutes=DynamoMuteStore(settings.table_name, ddb),
    )
