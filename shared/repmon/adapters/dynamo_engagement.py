"""DynamoEngagementStore: re-read engagement on the single table, applied once whatever the retries.

One transaction per read that changed a mention: the mention's counts, influence, its place in the
NegativeByInfluence index (gsi2sk) and `engagement_read_at`, conditional on the influence the reader
saw and on the read being later than the last one; the hour's influence-weighted sums ADDed by the
difference; the read kept as a history item (pk=BRAND#<brand>, sk=ENGAGE#<source>#<id>#<time>, 30-day
TTL). A retried read fails the condition and changes nothing; a read whose mention another one moved
meanwhile is dropped (the next poll reads it again). Cost: 4 WCU a changed read (a transaction
doubles each of its two writes), 1 for the history item, and one BatchGetItem of 100 keys (0.5 RCU
each) for the last-read times.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from botocore.exceptions import ClientError

from repmon.adapters import dynamo_items as items
from repmon.adapters.dynamo import batch_get, dynamodb_client, to_wire
from repmon.adapters.memory_engagement import influence_delta
from repmon.domain.models import Engagement, ScoredMention
from repmon.domain.timeutil import floor_hour, iso, parse_iso

HISTORY_DAYS = 30


class DynamoEngagementStore:
    def __init__(self, table: str, client: Any = None) -> None:
        self.table = table
        self.client = dynamodb_client(client)

    def last_reads(self, brand_id: str, keys: Sequence[str]) -> dict[str, datetime]:
        wanted = [{"pk": items.brand_pk(brand_id), "sk": f"MENTION#{k}"} for k in keys]
        found = batch_get(self.client, self.table, wanted, "pk, sk, engagement_read_at")
        return {
            i["sk"].removeprefix("MENTION#"): parse_iso(i["engagement_read_at"])
            for i in found
            if i.get("engagement_read_at")
        }

    def record(self, sm: ScoredMention, engagement: Engagement, influence: float, at: datetime) -> bool:
        self._keep(sm, engagement, at)
        writes = [self._mention_update(sm, engagement, influence, at)]
        if delta := influence_delta(sm, influence):
            hour = items.hour_sk(floor_hour(sm.mention.created_at))
            writes.append(
                {
                    "Update": {
                        "TableName": self.table,
                        "Key": to_wire({"pk": items.brand_pk(sm.brand_id), "sk": hour}),
                        "UpdateExpression": "ADD weight_sum :w, weighted_sentiment_sum :ws",
                        "ExpressionAttributeValues": to_wire(
                            {":w": delta["weight_sum"], ":ws": delta["weighted_sentiment_sum"]}
                        ),
                    }
                }
            )
        try:
            self.client.transact_write_items(TransactItems=writes)
        except ClientError as exc:
            reasons = [r.get("Code") for r in exc.response.get("CancellationReasons", [])]
            if "ConditionalCheckFailed" in reasons:
                return False  # applied already (a retry), or moved on by another read
            raise
        return True

    def _mention_update(
        self, sm: ScoredMention, e: Engagement, influence: float, at: datetime
    ) -> dict[str, Any]:
        values: dict[str, Any] = {":s": e.score, ":c": e.comments, ":sh": e.shares, ":v": e.votes}
        values |= {":views": e.views, ":inf": items.to_decimal(influence), ":at": iso(at)}
        values[":old"] = items.to_decimal(sm.influence)
        sets = "score = :s, comments = :c, shares = :sh, votes = :v, #views = :views, influence = :inf"
        sets += ", engagement_read_at = :at"
        if sm.sentiment.label == "negative" and not sm.mention.own:
            values[":g2"] = f"{influence:06.2f}#{iso(sm.mention.created_at)}"
            sets += ", gsi2sk = :g2"
        return {
            "Update": {
                "TableName": self.table,
                "Key": to_wire(
                    {
                        "pk": items.brand_pk(sm.brand_id),
                        "sk": items.mention_sk(sm.mention.source, sm.mention.native_id),
                    }
                ),
                "UpdateExpression": f"SET {sets}",
                "ConditionExpression": "influence = :old AND "
                "(attribute_not_exists(engagement_read_at) OR engagement_read_at < :at)",
                "ExpressionAttributeNames": {"#views": "views"},
                "ExpressionAttributeValues": to_wire(values),
            }
        }

    def _keep(self, sm: ScoredMention, e: Engagement, at: datetime) -> None:
        expires = int((at + timedelta(days=HISTORY_DAYS)).timestamp())
        item = {
            "pk": items.brand_pk(sm.brand_id),
            "sk": f"ENGAGE#{sm.key}#{iso(at)}",
            "type": "engagement",
            "score": e.score,
            "comments": e.comments,
            "shares": e.shares,
            "votes": e.votes,
            "views": e.views,
            "expires_at": expires,
        }
        self.client.put_item(TableName=self.table, Item=to_wire(item))
