"""The stack's one-request-per-5-seconds for GDELT: a stored next-allowed time every collector shares.

Why a stored time and not a queue of concurrency one: Lambda's SQS event source runs at least two
invocations at once (its maximum concurrency starts at 2), reserved concurrency 1 on the collector
would serialise every source, and even jobs run one after another would need spacing (a 1-second
job, then the next). A time in the table spaces requests whatever the concurrency, costs a
read and a conditional write a request, and a 429 pushes it back for every collector at once.

    gate   pk=RATE#gdelt  sk=GATE   next_at (epoch seconds)
"""

from __future__ import annotations

from typing import Any, Protocol

from botocore.exceptions import BotoCoreError, ClientError

from repmon.adapters.dynamo import dynamodb_client
from repmon.domain.errors import SourceUnavailable

#: Conditional writes lost to another collector before the gate gives up (then: busy).
_TRIES = 5


class RateGate(Protocol):
    def reserve(self, now: float, max_wait: float) -> float | None:
        """The time (epoch seconds) this caller may send at, reserved; None if later than now + max_wait."""
        ...

    def hold(self, until: float) -> None:
        """No request before `until` (a 429's backoff), for every caller."""
        ...


class MemoryRateGate:
    """`RateGate` of one process: tests and the local stack."""

    def __init__(self, spacing: float) -> None:
        self.spacing, self.next_at = spacing, 0.0
        self.sent: list[float] = []

    def reserve(self, now: float, max_wait: float) -> float | None:
        slot = max(now, self.next_at)
        if slot - now > max_wait:
            return None
        self.next_at = slot + self.spacing
        self.sent.append(slot)
        return slot

    def hold(self, until: float) -> None:
        self.next_at = max(self.next_at, until)


class DynamoRateGate:
    """`RateGate` on the single table: one item, read consistently, moved by a conditional write."""

    def __init__(self, table: str, spacing: float, client: Any = None, name: str = "gdelt") -> None:
        self.table, self.spacing, self.client = table, spacing, dynamodb_client(client)
        self.key = {"pk": {"S": f"RATE#{name}"}, "sk": {"S": "GATE"}}

    def reserve(self, now: float, max_wait: float) -> float | None:
        for _ in range(_TRIES):
            stored = self._read()
            slot = max(now, stored or 0.0)
            if slot - now > max_wait:
                return None
            if self._move(stored, slot + self.spacing):
                return slot
        return None

    def hold(self, until: float) -> None:
        for _ in range(_TRIES):
            stored = self._read()
            if stored is not None and stored >= until:
                return
            if self._move(stored, until):
                return

    def _read(self) -> float | None:
        try:
            item = self.client.get_item(TableName=self.table, Key=self.key, ConsistentRead=True).get("Item")
        except (BotoCoreError, ClientError) as exc:
            raise SourceUnavailable("gdelt", f"rate gate unreadable: {type(exc).__name__}") from exc
        return float(item["next_at"]["N"]) if item and "next_at" in item else None

    def _move(self, expected: float | None, to: float) -> bool:
        """Set next_at to `to` if it still is `expected`; False when another collector moved it first."""
        if expected is None:
            condition, values = "attribute_not_exists(next_at)", {":to": {"N": repr(to)}}
        else:
            condition = "next_at = :old"
            values = {":to": {"N": repr(to)}, ":old": {"N": repr(expected)}}
        try:
            self.client.update_item(
                TableName=self.table,
                Key=self.key,
                UpdateExpression="SET next_at = :to, #t = :type",
                ConditionExpression=condition,
                ExpressionAttributeNames={"#t": "type"},
                ExpressionAttributeValues=values | {":type": {"S": "rate_gate"}},
            )
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                return False
            raise SourceUnavailable(
                "gdelt", f"rate gate not written: {exc.response['Error']['Code']}"
            ) from exc
        except BotoCoreError as exc:
            raise SourceUnavailable("gdelt", f"rate gate not written: {type(exc).__name__}") from exc
        return True
