"""What the BI export reads from the single table, and where it keeps its own run state.

Reads are Queries only (never a Scan in the Lambda): a day of one brand is the ByTime GSI for
mentions, and a key range of the brand's partition for hourly aggregates and sent alerts. The
flat-export state is one item, pk=EXPORT sk=FLAT.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

from repmon.adapters.dynamo import dynamodb_client, from_wire, query_all, to_wire
from repmon.adapters.dynamo_items import Item, brand_pk, iso, parse_iso
from repmon.adapters.dynamo_state import DynamoWatchlist
from repmon.export_ports import FlatRun

EXPORT_PK = "EXPORT"
_FLAT_SK = "FLAT"


class DynamoExportReader:
    """The ExportReader port: the items of one brand and day, read whole for each rewrite."""

    def __init__(self, table: str, client: Any = None) -> None:
        self.table, self.client = table, dynamodb_client(client)

    def brand_ids(self) -> set[str]:
        return DynamoWatchlist(self.table, self.client).brand_ids()

    def items_on(self, table: str, brand_id: str, day: date) -> Iterator[Item]:
        if table == "mentions":
            return self._mentions_on(brand_id, day)
        if table == "brand_hourly":
            return self._range(brand_id, f"HOUR#{day.isoformat()}T00", f"HOUR#{day.isoformat()}T23")
        return self._range(brand_id, f"ALERT#{day.isoformat()}T", f"ALERT#{day.isoformat()}T~")

    def _mentions_on(self, brand_id: str, day: date) -> Iterator[Item]:
        # gsi1sk starts with created_at, so the day is a prefix and the order is the row order.
        return query_all(
            self.client,
            TableName=self.table,
            IndexName="ByTime",
            KeyConditionExpression="gsi1pk = :pk AND begins_with(gsi1sk, :day)",
            ExpressionAttributeValues=to_wire(
                {":pk": f"{brand_pk(brand_id)}#MENTIONS", ":day": day.isoformat()}
            ),
        )

    def _range(self, brand_id: str, low: str, high: str) -> Iterator[Item]:
        return query_all(
            self.client,
            TableName=self.table,
            KeyConditionExpression="pk = :pk AND sk BETWEEN :lo AND :hi",
            ExpressionAttributeValues=to_wire({":pk": brand_pk(brand_id), ":lo": low, ":hi": high}),
            ConsistentRead=True,
        )

    def late_days(self, brand_id: str, polled_since: datetime, created_since: datetime) -> set[date]:
        found = query_all(
            self.client,
            TableName=self.table,
            IndexName="ByTime",
            KeyConditionExpression="gsi1pk = :pk AND gsi1sk >= :since",
            FilterExpression="polled_at >= :polled",
            ProjectionExpression="created_at",
            ExpressionAttributeValues=to_wire(
                {
                    ":pk": f"{brand_pk(brand_id)}#MENTIONS",
                    ":since": iso(created_since),
                    ":polled": iso(polled_since),
                }
            ),
        )
        return {date.fromisoformat(str(i["created_at"])[:10]) for i in found}


class DynamoExportLedger:
    """The ExportLedger port: when the last flat export succeeded and which brands it wrote."""

    def __init__(self, table: str, client: Any = None) -> None:
        self.table, self.client = table, dynamodb_client(client)

    def last_run(self) -> FlatRun | None:
        key = to_wire({"pk": EXPORT_PK, "sk": _FLAT_SK})
        raw = self.client.get_item(TableName=self.table, Key=key, ConsistentRead=True).get("Item")
        if not raw:
            return None
        item = from_wire(raw)
        return FlatRun(at=parse_iso(item["last_run_at"]), brands=frozenset(item.get("brands", [])))

    def save_run(self, run: FlatRun) -> None:
        item = {"pk": EXPORT_PK, "sk": _FLAT_SK, "type": "flat_export", "last_run_at": iso(run.at)}
        # A list, not a string set: a set cannot be empty.
        item["brands"] = sorted(run.brands)  # type: ignore[assignment]
        self.client.put_item(TableName=self.table, Item=to_wire(item))


def scan_inventory(table: str, client: Any) -> tuple[set[str], set[date]]:
    """Every brand and day with exported data, by one projected Scan: backtests and backfills only."""
    from repmon.domain.flat import day_of

    brands: set[str] = set()
    days: set[date] = set()
    kwargs: dict[str, Any] = {
        "TableName": table,
        "ProjectionExpression": "#t, brand_id, created_at, #h, fired_at",
        "ExpressionAttributeNames": {"#t": "type", "#h": "hour"},
    }
    for page in client.get_paginator("scan").paginate(**kwargs):
        for where in filter(None, (day_of(from_wire(raw)) for raw in page.get("Items", []))):
            brands.add(where[1])
            days.add(where[2])
    return brands, days
