"""Writing mentions so that no item can sink the others, each stored and counted in one transaction.

Each mention becomes its item on its own: a number DynamoDB cannot hold (more than 38 digits,
beyond 1e126, NaN), a date past year 9999, text that is not valid UTF-8 or an item over 400 KB is
refused there, before any call. The rest go in transactions within DynamoDB's limits: 100 actions
and 4 MB of items. What DynamoDB still refuses (a sort key over 1 KB, a limit not foreseen here) is
found by halving the refused group down to single items: one bad item costs about 2·log2(100)
transactions and the 99 others are stored. Refused items are logged and counted; transient
refusals (throttling, a conflicting transaction) are raised, so the job is retried and nothing that
could have been stored is skipped. So is a save DynamoDB refuses whole (MIN_ALL_REFUSED items or
more, every one refused): that is a bug in how we build requests or a schema mismatch, not poison,
and skipping it would move the cursor past the whole page.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from botocore.exceptions import ClientError

from repmon.adapters import dynamo_items as items
from repmon.adapters.dynamo import to_wire
from repmon.domain.errors import WritesRefused
from repmon.domain.models import ScoredMention
from repmon.domain.timeutil import floor_hour

_log = logging.getLogger(__name__)

TRANSACTION_MAX_ACTIONS = 100
TRANSACTION_MAX_BYTES = 4 * 1024 * 1024
#: An hour's counter item is a few hundred bytes; budgeting 4 KB keeps the size estimate on the safe side.
_HOUR_ITEM_BYTES = 4 * 1024
#: Errors that may be about one item of the group rather than the whole call: worth halving.
_MAYBE_ONE_ITEM = {"TransactionCanceledException", "ValidationException"}
#: From this many items on, DynamoDB refusing every one of a save points at us, not at the items:
#: one or two odd mentions on a quiet page are plausibly poison, three that all fail are not.
MIN_ALL_REFUSED = 3


@dataclass(frozen=True)
class Written:
    stored: int = 0
    #: Refused by DynamoDB's limits (or by ours, which mirror them): skipped for good.
    rejected: int = 0
    #: Of `rejected`, those DynamoDB itself refused (they reached it), and the last reason it gave.
    refused_by_dynamodb: int = 0
    last_refusal: str = ""

    def __add__(self, other: Written) -> Written:
        return Written(
            self.stored + other.stored,
            self.rejected + other.rejected,
            self.refused_by_dynamodb + other.refused_by_dynamodb,
            other.last_refusal or self.last_refusal,
        )


@dataclass(frozen=True)
class _Put:
    sm: ScoredMention
    item: dict[str, Any]
    size: int


class MentionWriter:
    """Stores new mentions with their hourly counters; see the module docstring for the isolation."""

    def __init__(self, table: str, client: Any, retention_days: int = 0) -> None:
        self.table = table
        self.client = client
        self.retention_days = retention_days

    def write(self, fresh: Sequence[ScoredMention], polled_at: datetime) -> Written:
        puts = [p for p in (self._prepare(sm, polled_at) for sm in fresh) if p is not None]
        written = Written(rejected=len(fresh) - len(puts))
        for group in transaction_groups(puts):
            written += self._write(group)
        if len(puts) >= MIN_ALL_REFUSED and written.refused_by_dynamodb == len(puts):
            raise WritesRefused(
                f"DynamoDB refused all {len(puts)} new mentions of this save, not skipped "
                f"(last reason: {_loggable(written.last_refusal, 300)})"
            )
        return written

    def _prepare(self, sm: ScoredMention, polled_at: datetime) -> _Put | None:
        try:
            plain = items.mention_to_item(sm, polled_at, self.retention_days)
            item = to_wire(plain)
            size = items.wire_size(item)
        except (ArithmeticError, TypeError, ValueError) as exc:  # decimal signals, NaN, year 10000, bad UTF-8
            return _rejected(sm, f"{type(exc).__name__}: {exc}")
        if problem := items.key_problem(plain):
            return _rejected(sm, problem)
        if size > items.ITEM_MAX_BYTES:
            return _rejected(sm, f"{size:,} bytes, over DynamoDB's 400 KB item limit")
        return _Put(sm, item, size)

    def _write(self, group: list[_Put]) -> Written:
        try:
            self._transact(group)
            return Written(stored=len(group))
        except ClientError as exc:
            if exc.response["Error"]["Code"] not in _MAYBE_ONE_ITEM:
                raise
            if len(group) == 1:
                return _refused_alone(group[0].sm, exc)
            half = len(group) // 2
            return self._write(group[:half]) + self._write(group[half:])

    def _transact(self, group: list[_Put]) -> None:
        writes: list[dict[str, Any]] = [
            {
                "Put": {
                    "TableName": self.table,
                    "Item": p.item,
                    "ConditionExpression": "attribute_not_exists(pk)",
                }
            }
            for p in group
        ]
        writes += [self._aggregate_update(brand, hour, ms) for (brand, hour), ms in _by_hour(group).items()]
        # The token makes botocore's own retry of this exact call a no-op instead of a false conflict.
        token = hashlib.sha256(json.dumps(writes, sort_keys=True, default=str).encode()).hexdigest()[:36]
        self.client.transact_write_items(TransactItems=writes, ClientRequestToken=token)

    def _aggregate_update(self, brand_id: str, hour: datetime, group: list[ScoredMention]) -> dict[str, Any]:
        delta = items.aggregate_delta(group)
        names = {f"#a{i}": name for i, name in enumerate(delta)}
        values: dict[str, Any] = {f":a{i}": value for i, value in enumerate(delta.values())}
        values |= {":brand": brand_id, ":hour": items.iso(hour), ":type": "aggregate"}
        adds = ", ".join(f"#a{i} :a{i}" for i in range(len(delta)))
        return {
            "Update": {
                "TableName": self.table,
                "Key": to_wire({"pk": items.brand_pk(brand_id), "sk": items.hour_sk(hour)}),
                "UpdateExpression": f"SET brand_id = :brand, #hour = :hour, #type = :type ADD {adds}",
                "ExpressionAttributeNames": names | {"#hour": "hour", "#type": "type"},
                "ExpressionAttributeValues": to_wire(values),
            }
        }


def _refused_alone(sm: ScoredMention, exc: ClientError) -> Written:
    reasons = [r.get("Code") for r in exc.response.get("CancellationReasons", [])]
    if "ConditionalCheckFailed" in reasons:
        return Written()  # a concurrent writer stored it first: a duplicate, already counted
    if exc.response["Error"]["Code"] == "ValidationException" or "ValidationError" in reasons:
        _rejected(sm, str(exc))
        return Written(rejected=1, refused_by_dynamodb=1, last_refusal=str(exc))
    raise exc  # TransactionConflict, ThrottlingError: transient, the job is retried


def _rejected(sm: ScoredMention, reason: str) -> _Put | None:
    """Logged with the brand and key; the caller counts it (MalformedItemsSkipped). Always None."""
    _log.warning(
        "mention refused by DynamoDB's limits, skipped",
        extra={"brand": sm.brand_id, "mention": _loggable(sm.key, 200), "reason": _loggable(reason, 500)},
    )
    return None


def _loggable(text: str, chars: int) -> str:
    """Bounded, and with a lone surrogate escaped: the reason an item is refused must not break the log."""
    return text[:chars].encode("utf-8", "backslashreplace").decode()


def _by_hour(group: Sequence[_Put]) -> dict[tuple[str, datetime], list[ScoredMention]]:
    hours: dict[tuple[str, datetime], list[ScoredMention]] = {}
    for p in (p for p in group if not p.sm.mention.own):  # own posts are not counted (aggregate_delta)
        hours.setdefault((p.sm.brand_id, floor_hour(p.sm.mention.created_at)), []).append(p.sm)
    return hours


def transaction_groups(puts: Sequence[_Put]) -> list[list[_Put]]:
    """Split into groups whose puts plus distinct hours fit one transaction: 100 actions, 4 MB."""
    groups: list[list[_Put]] = []
    current: list[_Put] = []
    hours: set[tuple[str, datetime]] = set()
    size = 0
    for p in puts:
        hour = (p.sm.brand_id, floor_hour(p.sm.mention.created_at))
        grown = size + p.size + (0 if hour in hours else _HOUR_ITEM_BYTES)
        if current and (
            len(current) + 1 + len(hours | {hour}) > TRANSACTION_MAX_ACTIONS or grown > TRANSACTION_MAX_BYTES
        ):
            groups.append(current)
            current, hours, size = [], set(), 0
            grown = p.size + _HOUR_ITEM_BYTES
        current.append(p)
        hours.add(hour)
        size = grown
    return [*groups, current] if current else groups
