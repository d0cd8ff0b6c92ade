"""Low-level DynamoDB helpers shared by the Dynamo adapters: clients, (de)serialisation, batches.

The low-level client (not the resource API) keeps cold starts short; botocore's standard retry
mode handles throttling, and the batch helpers back off on what DynamoDB leaves unprocessed.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer

from repmon.adapters.aws import client as aws_client
from repmon.adapters.dynamo_items import Item

_SER = TypeSerializer()
_DESER = TypeDeserializer()
_BATCH_GET_MAX = 100
_BATCH_WRITE_MAX = 25


def dynamodb_client(client: Any = None, max_attempts: int = 8) -> Any:
    return client or aws_client("dynamodb", max_attempts)


def to_wire(item: Item) -> dict[str, Any]:
    return {k: _SER.serialize(v) for k, v in item.items()}


def from_wire(raw: dict[str, Any]) -> Item:
    return {k: _DESER.deserialize(v) for k, v in raw.items()}


def chunks(seq: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(seq), size):
        yield seq[start : start + size]


def _backoff(attempt: int, sleep: Callable[[float], None]) -> None:
    sleep(min(2.0, 0.05 * 2**attempt))


def batch_get(
    client: Any,
    table: str,
    keys: Sequence[Item],
    projection: str = "pk, sk",
    sleep: Callable[[float], None] = time.sleep,
    max_rounds: int = 10,
    consistent: bool = False,
) -> list[Item]:
    """Get items by key, retrying UnprocessedKeys with backoff; raises if DynamoDB keeps refusing."""
    found: list[Item] = []
    for chunk in chunks(list(keys), _BATCH_GET_MAX):
        request: dict[str, Any] = {
            table: {
                "Keys": [to_wire(k) for k in chunk],
                "ProjectionExpression": projection,
                "ConsistentRead": consistent,
            }
        }
        for attempt in range(max_rounds):
            response = client.batch_get_item(RequestItems=request)
            found.extend(from_wire(raw) for raw in response.get("Responses", {}).get(table, []))
            request = response.get("UnprocessedKeys") or {}
            if not request:
                break
            _backoff(attempt, sleep)
        else:
            raise RuntimeError(f"DynamoDB left {len(request[table]['Keys'])} keys unprocessed")
    return found


def batch_write(
    client: Any,
    table: str,
    puts: Sequence[Item] = (),
    deletes: Sequence[Item] = (),
    sleep: Callable[[float], None] = time.sleep,
    max_rounds: int = 10,
) -> None:
    """Put and delete items in batches of 25, retrying UnprocessedItems with backoff."""
    requests = [{"PutRequest": {"Item": to_wire(i)}} for i in puts]
    requests += [{"DeleteRequest": {"Key": to_wire(k)}} for k in deletes]
    for chunk in chunks(requests, _BATCH_WRITE_MAX):
        pending: dict[str, Any] = {table: list(chunk)}
        for attempt in range(max_rounds):
            pending = client.batch_write_item(RequestItems=pending).get("UnprocessedItems") or {}
            if not pending:
                break
            _backoff(attempt, sleep)
        else:
            raise RuntimeError(f"DynamoDB left {len(pending[table])} writes unprocessed")


def query_all(client: Any, **kwargs: Any) -> Iterator[Item]:
    """Every item of a Query, following LastEvaluatedKey."""
    while True:
        response = client.query(**kwargs)
        yield from (from_wire(raw) for raw in response.get("Items", []))
        if "LastEvaluatedKey" not in response:
            return
        kwargs["ExclusiveStartKey"] = response["LastEvaluatedKey"]
