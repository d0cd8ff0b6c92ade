"""DynamoKnownCustomers: the known-customer table on the single table, as keyed hashes only.

An account is stored as HMAC-SHA256(pseudonym key, "customer:<platform>:<handle>") and its tier:
pk=CUSTOMERS, sk=C#<hash>. The raw handle is never stored or logged; without the key nobody can
tell whose hash it is, and rotating the key (README, "Known customers") means applying the file again.
The "customer:" prefix keeps these hashes apart from the export's author pseudonyms.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from repmon.adapters.dynamo import batch_get, batch_write, query_all, to_wire
from repmon.domain.customers import Customer
from repmon.domain.flat import Pseudonymise

PK = "CUSTOMERS"


class DynamoKnownCustomers:
    """The KnownCustomers port: `tiers` at collect time, `replace` from `repmon customers apply`."""

    def __init__(self, table: str, client: Any, pseudonymise: Pseudonymise) -> None:
        self.table, self.client, self.pseudonymise = table, client, pseudonymise

    def _sk(self, platform: str, handle: str) -> str:
        return "C#" + self.pseudonymise(f"customer:{platform}:{handle}")

    def tiers(self, accounts: Sequence[tuple[str, str]]) -> dict[tuple[str, str], str]:
        by_sk = {self._sk(*account): account for account in set(accounts)}
        keys = [{"pk": PK, "sk": sk} for sk in by_sk]
        found = batch_get(self.client, self.table, keys, "sk, tier")
        return {by_sk[item["sk"]]: str(item["tier"]) for item in found if item["sk"] in by_sk}

    def replace(self, customers: Sequence[Customer]) -> tuple[int, int]:
        """Store exactly these customers; returns (stored, removed)."""
        wanted = {self._sk(c.platform, c.handle): c.tier for c in customers}
        stored = query_all(
            self.client,
            TableName=self.table,
            KeyConditionExpression="pk = :pk",
            ExpressionAttributeValues=to_wire({":pk": PK}),
            ProjectionExpression="pk, sk",
        )
        gone = [item for item in stored if item["sk"] not in wanted]
        puts = [{"pk": PK, "sk": sk, "type": "customer", "tier": tier} for sk, tier in wanted.items()]
        batch_write(self.client, self.table, puts=puts, deletes=gone)
        return len(puts), len(gone)
