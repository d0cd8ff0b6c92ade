"""The local stack's moto patch (localstack.moto_speed): a transaction applies or cancels exactly as
moto's own does, without copying the whole table for it."""

from __future__ import annotations

import threading
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws
from moto.dynamodb import models

from repmon.localstack.moto_speed import install
from tests.template_tables import create_table


@pytest.fixture
def ddb() -> Any:
    assert install()  # the suite's conftest installed it already: idempotent
    with mock_aws():
        client = boto3.client("dynamodb", region_name="us-east-1")
        create_table(client)
        yield client


def _put(pk: str, sk: str, n: int) -> dict[str, Any]:
    return {
        "Put": {"TableName": "repmon-test", "Item": {"pk": {"S": pk}, "sk": {"S": sk}, "n": {"N": str(n)}}}
    }


def _get(client: Any, pk: str, sk: str) -> dict[str, Any] | None:
    item: dict[str, Any] | None = client.get_item(
        TableName="repmon-test", Key={"pk": {"S": pk}, "sk": {"S": sk}}, ConsistentRead=True
    ).get("Item")
    return item


def test_a_cancelled_transaction_leaves_every_item_it_touched_as_it_was(ddb):
    ddb.put_item(TableName="repmon-test", Item={"pk": {"S": "B#a"}, "sk": {"S": "old"}, "n": {"N": "1"}})
    add = {
        "Update": {
            "TableName": "repmon-test",
            "Key": {"pk": {"S": "B#a"}, "sk": {"S": "old"}},
            "UpdateExpression": "ADD n :one",
            "ExpressionAttributeValues": {":one": {"N": "1"}},
        }
    }
    refused = {
        "ConditionCheck": {
            "TableName": "repmon-test",
            "Key": {"pk": {"S": "B#a"}, "sk": {"S": "absent"}},
            "ConditionExpression": "attribute_exists(pk)",
        }
    }
    with pytest.raises(ClientError) as cancelled:
        ddb.transact_write_items(TransactItems=[add, _put("B#a", "new", 7), refused])
    assert cancelled.value.response["Error"]["Code"] == "TransactionCanceledException"
    # The update and the put before the failed check are undone; nothing else moved
    assert _get(ddb, "B#a", "old") == {"pk": {"S": "B#a"}, "sk": {"S": "old"}, "n": {"N": "1"}}
    assert _get(ddb, "B#a", "new") is None
    # The same transaction without the failed check applies in full
    ddb.transact_write_items(TransactItems=[add, _put("B#a", "new", 7)])
    assert _get(ddb, "B#a", "old")["n"] == {"N": "2"}  # type: ignore[index]
    assert _get(ddb, "B#a", "new")["n"] == {"N": "7"}  # type: ignore[index]


def test_an_item_named_twice_is_refused_and_nothing_is_written(ddb):
    with pytest.raises(ClientError):
        ddb.transact_write_items(TransactItems=[_put("B#a", "x", 1), _put("B#a", "x", 2)])
    assert _get(ddb, "B#a", "x") is None


def test_a_table_is_never_deep_copied_for_a_transaction(ddb):
    table = models.dynamodb_backends["123456789012"]["us-east-1"].tables["repmon-test"]
    assert models.copy.deepcopy(table) is table
    item = {"a": [1, 2]}
    assert models.copy.deepcopy(item) == item and models.copy.deepcopy(item) is not item


def test_conditional_writes_racing_on_one_item_never_both_win(ddb):
    """DynamoDB's conditional write is atomic; moto's is a check then a write, made one at a time."""
    ddb.put_item(TableName="repmon-test", Item={"pk": {"S": "G"}, "sk": {"S": "gate"}, "n": {"N": "0"}})
    won: list[int] = []

    def bump() -> None:
        for _ in range(25):
            n = int(_get(ddb, "G", "gate")["n"]["N"])  # type: ignore[index]
            try:
                ddb.update_item(
                    TableName="repmon-test",
                    Key={"pk": {"S": "G"}, "sk": {"S": "gate"}},
                    UpdateExpression="SET n = :new",
                    ConditionExpression="n = :old",
                    ExpressionAttributeValues={":new": {"N": str(n + 1)}, ":old": {"N": str(n)}},
                )
                won.append(n)
            except ClientError:
                pass  # lost the race: another writer moved it first

    threads = [threading.Thread(target=bump) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # Each value was won once, and the item holds as many increments as there were wins
    assert len(won) == len(set(won)) and int(_get(ddb, "G", "gate")["n"]["N"]) == len(won)  # type: ignore[index]
    assert hasattr(models.DynamoDBBackend.update_item, "__wrapped__")
