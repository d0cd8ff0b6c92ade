"""DynamoSpendLedger: every brand's X spend a month, in the single table (the stack's X budget).

    spend   pk=SPEND#x#<yyyy-mm>  sk=BRAND#<brand>            usd, updated
            pk=SPEND#x#<yyyy-mm>  sk=BRAND#<brand>#rereads    usd, updated, state (JSON)

One item per brand and month (and one for its engagement re-reads, with the posts read today in
`state`), written whole (a put): a retried job rewrites its brand's figure, so the stack's total (one
Query of the month) never counts a job twice.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from repmon.adapters.dynamo import dynamodb_client, query_all, to_wire
from repmon.adapters.dynamo_items import iso, to_decimal
from repmon.domain.errors import SourceUnavailable


class DynamoSpendLedger:
    """`SpendLedger` (adapters.sources.x_spend) on the single table."""

    def __init__(self, table: str, client: Any = None, source: str = "x") -> None:
        self.table, self.client, self.source = table, dynamodb_client(client), source

    def _pk(self, month: str) -> str:
        return f"SPEND#{self.source}#{month}"

    def spent(self, month: str) -> dict[str, float]:
        """Every brand's figure; a ledger that cannot be read stops the poll (no budget, no reads)."""
        try:
            items = query_all(
                self.client,
                TableName=self.table,
                KeyConditionExpression="pk = :pk",
                ExpressionAttributeValues=to_wire({":pk": self._pk(month)}),
                ConsistentRead=True,
            )
            return {str(i["sk"]).removeprefix("BRAND#"): float(i.get("usd", 0)) for i in items}
        except (BotoCoreError, ClientError) as exc:
            raise SourceUnavailable(self.source, f"spend ledger unreadable: {type(exc).__name__}") from exc

    def state(self, month: str, key: str) -> dict[str, object] | None:
        """The state kept with `key`'s figure (a Query of its one item: the role may only Query)."""
        try:
            items = list(
                query_all(
                    self.client,
                    TableName=self.table,
                    KeyConditionExpression="pk = :pk AND sk = :sk",
                    ExpressionAttributeValues=to_wire({":pk": self._pk(month), ":sk": f"BRAND#{key}"}),
                    ConsistentRead=True,
                )
            )
        except (BotoCoreError, ClientError) as exc:
            raise SourceUnavailable(self.source, f"spend ledger unreadable: {type(exc).__name__}") from exc
        try:
            state = json.loads(str(items[0]["state"])) if items and "state" in items[0] else None
        except ValueError:
            return None
        return state if isinstance(state, dict) else None

    def record(self, month: str, brand_id: str, usd: float, state: dict[str, object] | None = None) -> None:
        item: dict[str, Any] = {"pk": self._pk(month), "sk": f"BRAND#{brand_id}", "type": "spend"}
        item["brand_id"] = brand_id.split("#")[0]
        item |= {"source": self.source, "usd": to_decimal(usd), "updated": iso(datetime.now(UTC))}
        if state is not None:
            item["state"] = json.dumps(state, sort_keys=True)
        try:
            self.client.put_item(TableName=self.table, Item=to_wire(item))
        except (BotoCoreError, ClientError) as exc:
            # The reads are paid: fail the job (SQS retries it) rather than let the ledger lag them.
            raise SourceUnavailable(self.source, f"spend ledger not written: {type(exc).__name__}") from exc
