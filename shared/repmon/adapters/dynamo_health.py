"""PollHealthStore on the single table: one item per (brand, source), pk=BRAND#<brand> sk=HEALTH#<source>,
updated by the collector after each poll (a few bytes: one UpdateItem a poll)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from repmon.adapters.dynamo import dynamodb_client, query_all, to_wire
from repmon.adapters.dynamo_items import brand_pk, iso, parse_iso
from repmon.domain.ingestion_health import PollHealth


class DynamoPollHealth:
    def __init__(self, table: str, client: Any = None) -> None:
        self.table, self.client = table, dynamodb_client(client)

    def _key(self, brand_id: str, source: str) -> dict[str, Any]:
        return to_wire({"pk": brand_pk(brand_id), "sk": f"HEALTH#{source}"})

    def succeeded(self, brand_id: str, source: str, at: datetime, *, stuck: bool) -> None:
        values: dict[str, Any] = {":at": iso(at), ":zero": 0, ":b": brand_id, ":s": source, ":type": "health"}
        sets = "last_success = :at, failures = :zero, brand_id = :b, #source = :s, #type = :type"
        # The first stuck poll of a run of them is kept; any poll that is not stuck ends the run.
        update = (
            f"SET {sets}, stuck_since = if_not_exists(stuck_since, :at)"
            if stuck
            else f"SET {sets} REMOVE stuck_since"
        )
        self.client.update_item(
            TableName=self.table,
            Key=self._key(brand_id, source),
            UpdateExpression=update,
            ExpressionAttributeNames={"#source": "source", "#type": "type"},
            ExpressionAttributeValues=to_wire(values),
        )

    def failed(self, brand_id: str, source: str, at: datetime, error: str) -> None:
        values = {":at": iso(at), ":one": 1, ":e": error, ":b": brand_id, ":s": source, ":type": "health"}
        self.client.update_item(
            TableName=self.table,
            Key=self._key(brand_id, source),
            UpdateExpression="SET last_failure = :at, last_error = :e, brand_id = :b, #source = :s, "
            "#type = :type ADD failures :one",
            ExpressionAttributeNames={"#source": "source", "#type": "type"},
            ExpressionAttributeValues=to_wire(values),
        )

    def of_brand(self, brand_id: str) -> list[PollHealth]:
        found = query_all(
            self.client,
            TableName=self.table,
            KeyConditionExpression="pk = :pk AND begins_with(sk, :health)",
            ExpressionAttributeValues=to_wire({":pk": brand_pk(brand_id), ":health": "HEALTH#"}),
            ConsistentRead=True,
        )
        return [_health(item) for item in found]


def _time(item: dict[str, Any], name: str) -> datetime | None:
    value = item.get(name)
    return parse_iso(str(value)) if value else None


def _health(item: dict[str, Any]) -> PollHealth:
    return PollHealth(
        brand_id=str(item["brand_id"]),
        source=str(item["source"]),
        last_success=_time(item, "last_success"),
        last_failure=_time(item, "last_failure"),
        failures=int(item.get("failures", 0)),
        last_error=str(item.get("last_error", "")),
        stuck_since=_time(item, "stuck_since"),
    )
