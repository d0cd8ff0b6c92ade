"""The small state items of the single table: source cursors, alert rule state and log, the watchlist."""

from __future__ import annotations

import contextlib
import hashlib
import logging
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from pydantic import ValidationError

from repmon.adapters.clock import SystemClock
from repmon.adapters.dynamo import batch_write, dynamodb_client, from_wire, query_all, to_wire
from repmon.adapters.dynamo_items import brand_pk, iso, to_decimal
from repmon.domain.brand import Brand
from repmon.domain.incident import CLAIM_LEASE as INCIDENT_LEASE
from repmon.domain.incident import Incident, from_json, to_json
from repmon.domain.models import Alert
from repmon.ports import Clock, RuleState

_WATCHLIST_PK = "WATCHLIST"
_log = logging.getLogger(__name__)
#: Per-mention rule keys (influencer_negative#reddit#t3_x) are never re-armed: let TTL drop them.
_PER_MENTION_STATE_DAYS = 30
#: How long a claimed rule (or email: domain.incident) belongs to the run that claimed it. Longer
#: than the evaluator's timeout (120 s, template.yaml) with a margin, so a claim older than the lease
#: belongs to an invocation that is over: no live run's claim is ever taken over (a second email).
#: Shorter than the schedule (5 min) less that timeout, so the next run takes over a dead run's claim.
CLAIM_LEASE = INCIDENT_LEASE
_INCIDENT_SK = "INCIDENT"
#: A claim keeps its crossing's first summary for a "fired and recovered" notice; capped.
_MAX_SUMMARY = 2000


class DynamoCursorStore:
    """Source cursors, one item per (brand, source)."""

    def __init__(self, table: str, client: Any = None) -> None:
        self.table, self.client = table, dynamodb_client(client)

    def get(self, brand_id: str, source: str) -> str | None:
        key = to_wire({"pk": brand_pk(brand_id), "sk": f"CURSOR#{source}"})
        raw = self.client.get_item(TableName=self.table, Key=key, ConsistentRead=True).get("Item")
        return from_wire(raw).get("cursor") if raw else None

    def put(self, brand_id: str, source: str, cursor: str | None) -> None:
        item: dict[str, Any] = {"pk": brand_pk(brand_id), "sk": f"CURSOR#{source}", "type": "cursor"}
        item["brand_id"] = brand_id
        item |= {"source": source, "cursor": cursor}
        self.client.put_item(TableName=self.table, Item=to_wire(item))


class DynamoAlertLedger:
    """Alert state per (brand, rule key) with conditional transitions, and the log of sent alerts.

    A claim holds a lease: an alert claimed but not yet marked sent can be claimed again (and so
    re-sent) only once the lease has run out. Two deliveries of the same evaluator run that overlap
    therefore fold it once; a run that died between claim and fold is covered by the next run
    after the lease (`CLAIM_LEASE`). Each brand's incident is one item, written with a condition on
    its version; an email's log item and the incident recording it sent are one transaction.
    """

    def __init__(
        self, table: str, client: Any = None, clock: Clock | None = None, lease: timedelta = CLAIM_LEASE
    ) -> None:
        self.table, self.client = table, dynamodb_client(client)
        self.clock, self.lease = clock or SystemClock(), lease

    def _key(self, brand_id: str, rule_key: str) -> dict[str, Any]:
        return to_wire({"pk": brand_pk(brand_id), "sk": f"RULE#{rule_key}"})

    def state(self, brand_id: str, rule_key: str) -> RuleState:
        raw = self.client.get_item(
            TableName=self.table, Key=self._key(brand_id, rule_key), ConsistentRead=True
        )
        item = from_wire(raw["Item"]) if "Item" in raw else {}
        crossed = item.get("crossed_at")
        return RuleState(
            bool(item.get("firing")),
            item.get("alert_id"),
            bool(item.get("sent")),
            datetime.fromisoformat(crossed) if crossed else None,
            item.get("severity"),
            item.get("summary"),
        )

    def claim(self, alert: Alert, rule_key: str) -> bool:
        now = self.clock.now()
        values: dict[str, Any] = {":t": True, ":f": False, ":id": alert.alert_id, ":at": iso(alert.fired_at)}
        values |= {":rule": alert.rule, ":now": iso(now), ":stale": iso(now - self.lease)}
        values |= {":sev": alert.severity.value, ":sum": alert.summary[:_MAX_SUMMARY]}
        sets = "firing = :t, sent = :f, alert_id = :id, since = :at, #rule = :rule, claimed_at = :now"
        # The crossing as first claimed; re-claims of an unsent alert keep it (rearm removes it).
        sets += ", crossed_at = if_not_exists(crossed_at, :at), severity = if_not_exists(severity, :sev)"
        sets += ", summary = if_not_exists(summary, :sum)"
        if "#" in rule_key:
            values[":exp"] = int((alert.fired_at + timedelta(days=_PER_MENTION_STATE_DAYS)).timestamp())
            sets += ", expires_at = :exp"
        try:
            self.client.update_item(
                TableName=self.table,
                Key=self._key(alert.brand_id, rule_key),
                UpdateExpression=f"SET {sets}",
                # Armed (never fired, or re-armed), or claimed earlier, never sent, and its claim's
                # lease run out (that run died before publishing): this run must send.
                ConditionExpression=(
                    "attribute_not_exists(pk) OR firing = :f OR "
                    "(sent = :f AND (attribute_not_exists(claimed_at) OR claimed_at < :stale))"
                ),
                ExpressionAttributeNames={"#rule": "rule"},
                ExpressionAttributeValues=to_wire(values),
            )
            return True
        except self.client.exceptions.ConditionalCheckFailedException:
            return False

    def mark_sent(self, alert: Alert, rule_key: str) -> None:
        """The rule's firing is folded into the incident; a state another crossing owns is left alone."""
        with contextlib.suppress(self.client.exceptions.ConditionalCheckFailedException):
            self.client.update_item(
                TableName=self.table,
                Key=self._key(alert.brand_id, rule_key),
                UpdateExpression="SET sent = :t",
                ConditionExpression="alert_id = :id",
                ExpressionAttributeValues=to_wire({":t": True, ":id": alert.alert_id}),
            )

    def rearm(self, brand_id: str, rule_key: str, at: datetime) -> None:
        self.client.update_item(
            TableName=self.table,
            Key=self._key(brand_id, rule_key),
            UpdateExpression="SET firing = :f, sent = :f, recovered_at = :at "
            "REMOVE alert_id, crossed_at, severity, summary",
            ExpressionAttributeValues=to_wire({":f": False, ":at": iso(at)}),
        )

    def incident(self, brand_id: str) -> Incident | None:
        key = to_wire({"pk": brand_pk(brand_id), "sk": _INCIDENT_SK})
        raw = self.client.get_item(TableName=self.table, Key=key, ConsistentRead=True).get("Item")
        return from_json(str(from_wire(raw)["state"])) if raw else None

    def save_incident(self, incident: Incident) -> bool:
        try:
            self.client.put_item(**_incident_put(self.table, incident))
            return True
        except self.client.exceptions.ConditionalCheckFailedException:
            return False

    def email_sent(self, incident: Incident, email: Alert) -> bool:
        """One transaction; botocore's retries of it are no-ops thanks to its token (the email and the
        version it moves the incident to)."""
        token = hashlib.sha256(f"{email.alert_id}|{incident.version}|sent".encode()).hexdigest()[:36]
        log = {"Put": {"TableName": self.table, "Item": to_wire(_alert_item(email))}}
        try:
            self.client.transact_write_items(
                TransactItems=[{"Put": _incident_put(self.table, incident)}, log], ClientRequestToken=token
            )
            return True
        except self.client.exceptions.TransactionCanceledException as exc:
            reasons = [r.get("Code") for r in exc.response.get("CancellationReasons", [])]
            if "ConditionalCheckFailed" not in reasons:
                raise
            return False


def _incident_put(table: str, incident: Incident) -> dict[str, Any]:
    """A conditional put: the stored incident must still be the one this one follows."""
    item: dict[str, Any] = {"pk": brand_pk(incident.brand_id), "sk": _INCIDENT_SK, "type": "incident"}
    item |= {"brand_id": incident.brand_id, "incident_id": incident.incident_id}
    item |= {"version": incident.version, "state": to_json(incident)}
    put: dict[str, Any] = {"TableName": table, "Item": to_wire(item)}
    if incident.version <= 1:
        put["ConditionExpression"] = "attribute_not_exists(pk)"
    else:
        put["ConditionExpression"] = "version = :v"
        put["ExpressionAttributeValues"] = to_wire({":v": incident.version - 1})
    return put


def _alert_item(alert: Alert) -> dict[str, Any]:
    item: dict[str, Any] = {
        "pk": brand_pk(alert.brand_id),
        "sk": f"ALERT#{iso(alert.fired_at)}#{alert.alert_id}",
        "type": "alert",
        "alert_id": alert.alert_id,
        "brand_id": alert.brand_id,
        "brand_name": alert.brand_name,
        "rule": alert.rule,
        "severity": alert.severity.value,
        "fired_at": iso(alert.fired_at),
        "summary": alert.summary,
        "top_mention_ids": [sm.key for sm in alert.top_mentions],
        "kind": alert.kind,
    }
    if alert.incident is not None:
        item["incident_id"] = alert.incident.incident_id
    for name, value in (("index", alert.index), ("change", alert.change)):
        if value is not None:
            item[name] = to_decimal(value)
    return item


def _brand_or_none(item: dict[str, Any]) -> Brand | None:
    """One stored brand; an unreadable one (hand-edited, or written by a newer CLI) is logged and
    skipped, so it silences only itself, never every other brand."""
    try:
        return Brand.model_validate_json(item["config"])
    except (KeyError, ValidationError) as exc:
        _log.error("skipped unreadable watchlist item", extra={"sk": item.get("sk"), "error": str(exc)})
        return None


class DynamoWatchlist:
    """The brands the functions watch, stored by `repmon brands apply` (one item per brand)."""

    def __init__(self, table: str, client: Any = None) -> None:
        self.table, self.client = table, dynamodb_client(client)

    def brands(self) -> list[Brand]:
        found = query_all(
            self.client,
            TableName=self.table,
            KeyConditionExpression="pk = :pk",
            ExpressionAttributeValues=to_wire({":pk": _WATCHLIST_PK}),
            ConsistentRead=True,
        )
        return [brand for brand in map(_brand_or_none, found) if brand is not None]

    def brand_ids(self) -> set[str]:
        """Every stored brand's id, from its key: unreadable configs included (they can be replaced,
        removed and exported), and nothing validated, so it is cheap."""
        found = query_all(
            self.client,
            TableName=self.table,
            KeyConditionExpression="pk = :pk",
            ExpressionAttributeValues=to_wire({":pk": _WATCHLIST_PK}),
            ProjectionExpression="sk",
            ConsistentRead=True,
        )
        return {str(item["sk"]).removeprefix("BRAND#") for item in found}

    def brand(self, brand_id: str) -> Brand | None:
        key = to_wire({"pk": _WATCHLIST_PK, "sk": f"BRAND#{brand_id}"})
        raw = self.client.get_item(TableName=self.table, Key=key, ConsistentRead=True).get("Item")
        return Brand.model_validate_json(from_wire(raw)["config"]) if raw else None

    def replace(self, brands: Sequence[Brand]) -> tuple[int, int]:
        current = self.brand_ids()
        wanted = {b.id for b in brands}
        puts = [
            {
                "pk": _WATCHLIST_PK,
                "sk": f"BRAND#{b.id}",
                "type": "brand",
                "brand_id": b.id,
                "config": b.model_dump_json(),
            }
            for b in brands
        ]
        deletes = [{"pk": _WATCHLIST_PK, "sk": f"BRAND#{i}"} for i in sorted(current - wanted)]
        batch_write(self.client, self.table, puts=puts, deletes=deletes)
        return len(puts), len(deletes)
