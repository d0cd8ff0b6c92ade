"""Composition of the digest and ingestion-health functions: kept apart from `runtime.wiring` so
each function imports only what it uses."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache

from repmon.ports import Watchlist
from repmon.runtime.settings import CheckIngestionSettings, SendDigestSettings, load_settings
from repmon.services.digests import DigestDeps
from repmon.services.ingestion import IngestionDeps


@dataclass(frozen=True)
class DigestWiring:
    watchlist: Watchlist
    deps: DigestDeps


def digest_wiring() -> DigestWiring:
    """The digest's ports and the watchlist they are run for."""
    return _digest_deps(load_settings(SendDigestSettings), os.environ.get("AWS_ENDPOINT_URL", ""))


@lru_cache(maxsize=4)
def _digest_deps(settings: SendDigestSettings, endpoint: str) -> DigestWiring:
    from repmon.adapters.clock import SystemClock
    from repmon.adapters.dynamo import dynamodb_client
    from repmon.adapters.dynamo_notices import DynamoAlertLog, DynamoMuteStore, DynamoNoticeLedger
    from repmon.adapters.dynamo_state import DynamoWatchlist
    from repmon.adapters.dynamo_store import DynamoMentionStore
    from repmon.adapters.sns_notices import SnsNoticePublisher

    ddb = dynamodb_client(max_attempts=settings.aws_max_attempts)
    table = settings.table_name
    deps = DigestDeps(
        store=DynamoMentionStore(table, SystemClock(), ddb),
        ledger=DynamoNoticeLedger(table, ddb),
        publisher=SnsNoticePublisher(settings.alert_topic_arn),
        mutes=DynamoMuteStore(table, ddb),
        alert_log=DynamoAlertLog(table, ddb),
    )
    return DigestWiring(DynamoWatchlist(table, ddb), deps)


@dataclass(frozen=True)
class IngestionWiring:
    watchlist: Watchlist
    deps: IngestionDeps


def ingestion_wiring() -> IngestionWiring:
    """The ingestion-health checks' ports and the watchlist they are run for."""
    return _ingestion_deps(load_settings(CheckIngestionSettings), os.environ.get("AWS_ENDPOINT_URL", ""))


@lru_cache(maxsize=4)
def _ingestion_deps(settings: CheckIngestionSettings, endpoint: str) -> IngestionWiring:
    from repmon.adapters.aws import client
    from repmon.adapters.clock import SystemClock
    from repmon.adapters.dynamo import dynamodb_client
    from repmon.adapters.dynamo_health import DynamoPollHealth
    from repmon.adapters.dynamo_notices import DynamoNoticeLedger
    from repmon.adapters.dynamo_state import DynamoWatchlist
    from repmon.adapters.dynamo_store import DynamoMentionStore
    from repmon.adapters.sns_notices import SnsNoticePublisher
    from repmon.adapters.sqs_dead_letters import SqsDeadLetters

    ddb = dynamodb_client(max_attempts=settings.aws_max_attempts)
    table = settings.table_name
    queues = [settings.poll_dead_letter_queue_url, settings.reddit_poll_dead_letter_queue_url]
    deps = IngestionDeps(
        store=DynamoMentionStore(table, SystemClock(), ddb),
        health=DynamoPollHealth(table, ddb),
        dead_letters=SqsDeadLetters(queues, client("sqs", settings.aws_max_attempts)),
        ledger=DynamoNoticeLedger(table, ddb),
        publisher=SnsNoticePublisher(settings.alert_topic_arn),
    )
    return IngestionWiring(DynamoWatchlist(table, ddb), deps)
