"""The brand's replies on the single table: a mention's first reply, idempotent whatever the order.

A reply is written onto its parent mention with a conditional update that only ever moves
`replied_at` earlier, so a retried job, a re-read page or a later reply changes nothing. A reply read
before its parent is kept as a small pending item (pk=BRAND#<brand>, sk=REPLY#<source>#<parent id>,
with the same only-earlier condition and a 30-day TTL), which the parent's save picks up.

Order closes the race between the two: the reply's side writes the pending item, then tries the
parent again; the parent's side stores the mention, then reads the pending items (consistently). Either
the second try finds the parent, or the parent's read finds the pending item. The parent's side reads
for every mention it saves, new or already stored: a save that failed after its write is retried
with the mention known, and must still find its pending reply. Cost: one consistent read per mention
saved of a source that shows replies (1 RCU, about $0.25 a million), one or two writes per own reply.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from botocore.exceptions import ClientError

from repmon.adapters import dynamo_items as items
from repmon.adapters.dynamo import batch_get, to_wire
from repmon.domain.models import Reply, ScoredMention
from repmon.domain.replies import ReplyLink
from repmon.domain.timeutil import iso, parse_iso

#: A reply whose parent never arrives (not about the brand, or older than the source reads) is dropped.
PENDING_DAYS = 30
_EARLIER = "(attribute_not_exists(replied_at) OR replied_at > :at)"


def pending_sk(parent_key: str) -> str:
    return f"REPLY#{parent_key}"


class DynamoReplies:
    """Records replies on their parents and keeps the early ones pending (module docstring)."""

    def __init__(self, table: str, client: Any) -> None:
        self.table, self.client = table, client

    def record(self, links: Sequence[ReplyLink]) -> int:
        changed = 0
        for link in links:
            sk = items.mention_sk(link.source, link.parent_id)
            outcome = self._answer(link.brand_id, sk, link.reply)
            if outcome == "missing":
                self._keep_pending(link)
                outcome = self._answer(link.brand_id, sk, link.reply)
            changed += outcome == "changed"
        return changed

    def pick_up(self, stored: Sequence[ScoredMention]) -> int:
        """Give newly stored mentions the replies that were read before them."""
        keys = [{"pk": items.brand_pk(sm.brand_id), "sk": pending_sk(sm.key)} for sm in stored]
        found = batch_get(self.client, self.table, keys, "pk, sk, replied_at, reply_url", consistent=True)
        changed = 0
        for item in found:
            reply = Reply(parse_iso(item["replied_at"]), item.get("reply_url", ""))
            sk = items.mention_sk(*item["sk"].removeprefix("REPLY#").split("#", 1))
            changed += self._answer(item["pk"].removeprefix("BRAND#"), sk, reply) == "changed"
        return changed

    def _answer(self, brand_id: str, sk: str, reply: Reply) -> str:
        """'changed', 'kept' (it has this reply or an earlier one) or 'missing' (not stored)."""
        try:
            self.client.update_item(
                TableName=self.table,
                Key=to_wire({"pk": items.brand_pk(brand_id), "sk": sk}),
                UpdateExpression="SET replied_at = :at, reply_url = :url",
                ConditionExpression=f"attribute_exists(pk) AND {_EARLIER}",
                ExpressionAttributeValues=to_wire({":at": iso(reply.at), ":url": reply.url}),
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            )
        except ClientError as exc:
            if exc.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise
            return "kept" if exc.response.get("Item") else "missing"
        return "changed"

    def _keep_pending(self, link: ReplyLink) -> None:
        expires = int((link.reply.at + timedelta(days=PENDING_DAYS)).timestamp())
        try:
            self.client.update_item(
                TableName=self.table,
                Key=to_wire({"pk": items.brand_pk(link.brand_id), "sk": pending_sk(link.parent_key)}),
                UpdateExpression="SET replied_at = :at, reply_url = :url, #type = :type, expires_at = :exp",
                ConditionExpression=_EARLIER,
                ExpressionAttributeNames={"#type": "type"},
                ExpressionAttributeValues=to_wire(
                    {
                        ":at": iso(link.reply.at),
                        ":url": link.reply.url,
                        ":type": "pending_reply",
                        ":exp": expires,
                    }
                ),
            )
        except ClientError as exc:
            if exc.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise
