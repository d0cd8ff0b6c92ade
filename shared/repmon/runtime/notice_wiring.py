"""Composition of the digest function (and the CLI's mutes and alert log): kept apart from
`runtime.wiring` so each function imports only what it uses."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache

from repmon.ports import Watchlist
from repmon.runtime.settings import SendDigestSettings, load_settings
from repmon.services.digests import DigestDeps


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
