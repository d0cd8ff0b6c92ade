"""The YouTube quota ledger: what the stack spent each Pacific-time day, in one DynamoDB item a day.

Every request is counted before it is made, by a conditional update that refuses to pass the day's
cap: concurrent jobs of different brands can never together spend more than the share. Each update
is a one-item transaction with its own `ClientRequestToken`, so botocore retrying it after a lost
answer is a no-op, never a second count. A search also claims its slot (brand and scheduled time):
a retried job (SQS redelivery) finds its slot claimed and does not search, nor count, again; the
videos it would have found come with the brand's next search, which starts where the last stored
one ended. The day's item also lists the brands that polled YouTube (today's and yesterday's are
the brands the quota is shared between), and expires (TTL) a few days later.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum
from typing import Any, Protocol

from repmon.adapters.dynamo import dynamodb_client, from_wire, to_wire

PK = "QUOTA#youtube"
_KEEP_DAYS = 4
#: Concurrent counts of the same day conflict (TransactionConflict); each try sleeps a little longer.
_CONFLICT_TRIES = 6


class Spend(Enum):
    SPENT = "spent"
    #: The day's cap would be passed: the request must not be made.
    OVER = "over"
    #: The search slot was claimed already (a retried job).
    CLAIMED = "claimed"


@dataclass(frozen=True)
class Usage:
    units: int = 0
    searches: int = 0


class QuotaLedger(Protocol):
    """The day's counters of the stack's YouTube quota."""

    def enrol(self, day: str, previous: str, brand_id: str) -> int:
        """Note the brand as polling `day`; how many brands polled `day` or `previous`."""
        ...

    def spend(self, day: str, *, units: int, searches: int, caps: Usage, claim: str | None = None) -> Spend:
        """Count a request's cost unless it would pass `caps` (or `claim` was made already)."""
        ...

    def usage(self, day: str) -> Usage: ...


class DynamoQuotaLedger:
    """`QuotaLedger` on the single table: item (`QUOTA#youtube`, `DAY#<Pacific date>`)."""

    def __init__(self, table: str, client: Any = None) -> None:
        self.table, self.client = table, dynamodb_client(client)

    def _key(self, day: str) -> dict[str, Any]:
        return to_wire({"pk": PK, "sk": f"DAY#{day}"})

    def _expires(self, day: str) -> int:
        return int((datetime.fromisoformat(day) + timedelta(days=_KEEP_DAYS)).timestamp())

    def enrol(self, day: str, previous: str, brand_id: str) -> int:
        response = self.client.update_item(
            TableName=self.table,
            Key=self._key(day),
            UpdateExpression="ADD brands :b SET expires_at = :e",
            ExpressionAttributeValues={":b": {"SS": [brand_id]}, ":e": {"N": str(self._expires(day))}},
            ReturnValues="ALL_NEW",
        )
        today = set(from_wire(response.get("Attributes") or {}).get("brands") or ())
        return len(today | self._brands(previous))

    def _brands(self, day: str) -> set[str]:
        raw = self.client.get_item(TableName=self.table, Key=self._key(day), ProjectionExpression="brands")
        return set(from_wire(raw.get("Item") or {}).get("brands") or ())

    def spend(self, day: str, *, units: int, searches: int, caps: Usage, claim: str | None = None) -> Spend:
        update = "ADD units :u, searches :s SET expires_at = :e"
        condition = (
            "(attribute_not_exists(units) OR units <= :ul) AND "
            "(attribute_not_exists(searches) OR searches <= :sl)"
        )
        values: dict[str, Any] = {":u": units, ":s": searches, ":e": self._expires(day)}
        values |= {":ul": caps.units - units, ":sl": caps.searches - searches}
        wire = to_wire(values)
        if claim is not None:
            update = "ADD units :u, searches :s, claims :c SET expires_at = :e"
            condition += " AND NOT contains(claims, :cv)"
            wire |= {":c": {"SS": [claim]}, ":cv": {"S": claim}}
        if caps.units - units < 0 or caps.searches - searches < 0:
            return Spend.OVER
        item = {"TableName": self.table, "Key": self._key(day), "UpdateExpression": update}
        item |= {"ConditionExpression": condition, "ExpressionAttributeValues": wire}
        for attempt in range(_CONFLICT_TRIES):
            try:
                self.client.transact_write_items(
                    TransactItems=[{"Update": item}], ClientRequestToken=str(uuid.uuid4())
                )
                return Spend.SPENT
            except self.client.exceptions.TransactionCanceledException as exc:
                if not _conflict(exc) or attempt == _CONFLICT_TRIES - 1:
                    break
                # Another job's count of the same day: nothing was written, count again.
                time.sleep(0.02 * 2**attempt)
        return Spend.CLAIMED if claim is not None and self._claimed(day, claim) else Spend.OVER

    def _claimed(self, day: str, claim: str) -> bool:
        raw = self.client.get_item(
            TableName=self.table, Key=self._key(day), ProjectionExpression="claims", ConsistentRead=True
        )
        return claim in set(from_wire(raw.get("Item") or {}).get("claims") or ())

    def usage(self, day: str) -> Usage:
        raw = self.client.get_item(TableName=self.table, Key=self._key(day), ConsistentRead=True)
        item = from_wire(raw.get("Item") or {})
        return Usage(int(item.get("units") or 0), int(item.get("searches") or 0))


def _conflict(exc: Any) -> bool:
    reasons = exc.response.get("CancellationReasons") or []
    return any(r.get("Code") == "TransactionConflict" for r in reasons if isinstance(r, dict))
