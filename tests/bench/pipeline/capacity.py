"""DynamoDB item sizes and capacity units (WCU, RCU) by DynamoDB's rules: computed, so exact."""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

from repmon.adapters.dynamo import query_all, to_wire
from tests.bench.pipeline.items import BRANDS


def attribute_size(value: Any) -> int:
    """Bytes of one attribute value by DynamoDB's sizing rules (names are added by `item_size`)."""
    if isinstance(value, str):
        return len(value.encode())
    if isinstance(value, bool) or value is None:
        return 1
    if isinstance(value, int | float | Decimal):
        # Numbers: 1 byte per two significant digits, plus 1; normalize() trims the zeros that don't count.
        digits = len(Decimal(str(value)).normalize().as_tuple().digits)
        return math.ceil(digits / 2) + 1
    if isinstance(value, list):
        return 3 + sum(1 + attribute_size(v) for v in value)
    if isinstance(value, dict):
        return 3 + sum(1 + len(k.encode()) + attribute_size(v) for k, v in value.items())
    raise TypeError(f"no size rule for {type(value).__name__}")


def item_size(item: dict[str, Any]) -> int:
    return sum(len(name.encode()) + attribute_size(value) for name, value in item.items())


def write_units(size: int, *, transactional: bool) -> int:
    """WCU for one item write: 1 per KB started, doubled inside a transaction (prepare + commit)."""
    return math.ceil(size / 1024) * (2 if transactional else 1)


def read_units(size: int) -> float:
    """RCU for one eventually consistent read (BatchGetItem's default): 0.5 per 4 KB started, min 0.5."""
    return max(1, math.ceil(size / 4096)) * 0.5


def aggregate_items(client: Any, table: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for brand in BRANDS:
        found += query_all(
            client,
            TableName=table,
            KeyConditionExpression="pk = :pk AND begins_with(sk, :hour)",
            ExpressionAttributeValues=to_wire({":pk": f"BRAND#{brand}", ":hour": "HOUR#"}),
        )
    return found
