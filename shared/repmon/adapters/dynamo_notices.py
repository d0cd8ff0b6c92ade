"""The notice ports on the single table: digest and ops-alert state, mutes, and the alert log read back.

Items (README, "Data model"): notice state pk=BRAND#<brand> (or OPS) sk=NOTICE#<key>; a mute
pk=BRAND#<brand> sk=MUTE#<rule or *>, deleted by DynamoDB's TTL after it ends (reads ignore an
ended one DynamoDB has not deleted yet); the alert log is `dynamo_state`'s ALERT# items.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from repmon.adapters.clock import SystemClock
from repmon.adapters.dynamo import dynamodb_client, from_wire, query_all, to_wire
from repmon.adapters.dynamo_items import brand_pk, iso, parse_iso
from repmon.domain.mutes import Mute
from repmon.domain.notices import LoggedAlert, Notice
from repmon.notice_ports import GLOBAL, NoticeState
from repmon.ports import Clock

#: Longer than the digest and health functions' timeout (300 s, template.yaml) with a margin, so a
#: live run's claim is never taken over; shorter than their schedules, so the next run takes over.
NOTICE_LEASE = timedelta(seconds=360)
#: A digest's state is kept this long (then TTL): long past its catch-up window.
_DIGEST_STATE_DAYS = 60


def _pk(scope: str) -> str:
    return brand_pk(scope) if scope != GLOBAL else "OPS"


class DynamoNoticeLedger:
    """NoticeLedger: conditional claim with a lease, sent mark, re-arm."""

    def __init__(
        self, table: str, client: Any = None, clock: Clock | None = None, lease: timedelta = NOTICE_LEASE
    ) -> None:
        self.table, self.client = table, dynamodb_client(client)
        self.clock, self.lease = clock or SystemClock(), lease

    def _key(self, scope: str, key: str) -> dict[str, Any]:
        return to_wire({"pk": _pk(scope), "sk": f"NOTICE#{key}"})

    def state(self, scope: str, key: str) -> NoticeState:
        raw = self.client.get_item(TableName=self.table, Key=self._key(scope, key), ConsistentRead=True)
        item = from_wire(raw["Item"]) if "Item" in raw else {}
        return NoticeState(bool(item.get("firing")), bool(item.get("sent")), item.get("notice_id"))

    def claim(self, scope: str, key: str, notice: Notice, at: datetime) -> bool:
        now = self.clock.now()
        values: dict[str, Any] = {":t": True, ":f": False, ":id": notice.notice_id, ":at": iso(at)}
        values |= {":now": iso(now), ":stale": iso(now - self.lease), ":kind": notice.kind}
        sets = "firing = :t, sent = :f, notice_id = :id, since = :at, claimed_at = :now, notice_kind = :kind"
        if key.startswith("digest#"):
            values[":exp"] = int((at + timedelta(days=_DIGEST_STATE_DAYS)).timestamp())
            sets += ", expires_at = :exp"
        try:
            self.client.update_item(
                TableName=self.table,
                Key=self._key(scope, key),
                UpdateExpression=f"SET {sets}",
                # Armed, or claimed, never sent, and that claim's lease run out (its run died).
                ConditionExpression="attribute_not_exists(pk) OR firing = :f OR "
                "(sent = :f AND claimed_at < :stale)",
                ExpressionAttributeValues=to_wire(values),
            )
            return True
        except self.client.exceptions.ConditionalCheckFailedException:
            return False

    def mark_sent(self, scope: str, key: str, notice: Notice) -> None:
        self.client.update_item(
            TableName=self.table,
            Key=self._key(scope, key),
            UpdateExpression="SET sent = :t, sent_at = :now",
            ConditionExpression="notice_id = :id",
            ExpressionAttributeValues=to_wire(
                {":t": True, ":id": notice.notice_id, ":now": iso(self.clock.now())}
            ),
        )

    def rearm(self, scope: str, key: str, at: datetime) -> None:
        self.client.update_item(
            TableName=self.table,
            Key=self._key(scope, key),
            UpdateExpression="SET firing = :f, sent = :f, recovered_at = :at REMOVE notice_id",
            ExpressionAttributeValues=to_wire({":f": False, ":at": iso(at)}),
        )


class DynamoMuteStore:
    """MuteStore: one item per (brand, rule), with `expires_at` for DynamoDB's TTL."""

    def __init__(self, table: str, client: Any = None) -> None:
        self.table, self.client = table, dynamodb_client(client)

    def active(self, brand_id: str, at: datetime) -> list[Mute]:
        found = query_all(
            self.client,
            TableName=self.table,
            KeyConditionExpression="pk = :pk AND begins_with(sk, :mute)",
            ExpressionAttributeValues=to_wire({":pk": brand_pk(brand_id), ":mute": "MUTE#"}),
            ConsistentRead=True,
        )
        mutes = [_mute(item) for item in found]
        return [m for m in mutes if at < m.until]

    def put(self, mute: Mute) -> None:
        item = {
            "pk": brand_pk(mute.brand_id),
            "sk": f"MUTE#{mute.rule}",
            "type": "mute",
            "brand_id": mute.brand_id,
            "rule": mute.rule,
            "until": iso(mute.until),
            "created_at": iso(mute.created_at),
            "by": mute.by,
            "expires_at": int(mute.until.timestamp()),
        }
        self.client.put_item(TableName=self.table, Item=to_wire(item))

    def remove(self, brand_id: str, rule: str) -> bool:
        key = to_wire({"pk": brand_pk(brand_id), "sk": f"MUTE#{rule}"})
        old = self.client.delete_item(TableName=self.table, Key=key, ReturnValues="ALL_OLD")
        return "Attributes" in old


def _mute(item: dict[str, Any]) -> Mute:
    return Mute(
        str(item["brand_id"]),
        str(item["rule"]),
        parse_iso(str(item["until"])),
        parse_iso(str(item["created_at"])),
        str(item.get("by", "")),
    )


class DynamoAlertLog:
    """AlertLog: the ALERT#<fired_at># items the evaluator writes with each sent alert."""

    def __init__(self, table: str, client: Any = None) -> None:
        self.table, self.client = table, dynamodb_client(client)

    def sent_between(self, brand_id: str, since: datetime, until: datetime) -> Sequence[LoggedAlert]:
        found = query_all(
            self.client,
            TableName=self.table,
            KeyConditionExpression="pk = :pk AND sk BETWEEN :lo AND :hi",
            ExpressionAttributeValues=to_wire(
                {":pk": brand_pk(brand_id), ":lo": f"ALERT#{iso(since)}", ":hi": f"ALERT#{iso(until)}"}
            ),
            ConsistentRead=True,
        )
        alerts = [_logged(item) for item in found]
        return [a for a in alerts if since <= a.fired_at < until]

    def firing(self, brand_id: str) -> list[tuple[str, str, datetime]]:
        """The brand's rules announced and not recovered yet: (rule, severity, since)."""
        found = query_all(
            self.client,
            TableName=self.table,
            KeyConditionExpression="pk = :pk AND begins_with(sk, :rule)",
            ExpressionAttributeValues=to_wire({":pk": brand_pk(brand_id), ":rule": "RULE#"}),
            ConsistentRead=True,
        )
        return [state for state in map(_firing, found) if state is not None]


def _firing(item: dict[str, Any]) -> tuple[str, str, datetime] | None:
    key = str(item["sk"]).removeprefix("RULE#")
    if "#" in key or not item.get("firing") or not item.get("sent"):
        return None  # armed, not yet sent, or one influencer mention's state (never re-armed)
    since = item.get("crossed_at") or item.get("since")
    return key, str(item.get("severity", "")), parse_iso(str(since))


def _logged(item: dict[str, Any]) -> LoggedAlert:
    return LoggedAlert(
        str(item["alert_id"]),
        str(item["brand_id"]),
        str(item["rule"]),
        str(item["severity"]),
        parse_iso(str(item["fired_at"])),
        str(item.get("summary", "")),
        str(item.get("kind", "alert")),
        str(item.get("incident_id", "")),
    )
