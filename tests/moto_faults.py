"""Faults moto never produces on its own, injected by patching moto's DynamoDB handler.

botocore's Stubber would skip botocore's retry logic and ours, so the real client talks to a
real (moto) backend that simply leaves part of each batch unprocessed for the first N calls.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

import pytest
from moto.dynamodb.exceptions import MockValidationException, TransactionCanceledException
from moto.dynamodb.models.dynamo_type import DynamoType
from moto.dynamodb.models.utilities import bytesize
from moto.dynamodb.responses import DynamoHandler


class Counter:
    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.calls = 0


def _halve(requests: dict[str, Any], field: str | None) -> tuple[dict[str, Any], dict[str, Any]]:
    kept, left = {}, {}
    for table, value in requests.items():
        items = value[field] if field else value
        half = max(1, len(items) // 2)
        kept[table] = {**value, field: items[:half]} if field else items[:half]
        if items[half:]:
            left[table] = {**value, field: items[half:]} if field else items[half:]
    return kept, left


@contextmanager
def unprocessed_batches(monkeypatch: pytest.MonkeyPatch, failures: int = 2) -> Iterator[Counter]:
    """The next `failures` BatchGetItem/BatchWriteItem calls process only half and return the rest."""
    counter = Counter(failures)
    patched = (("batch_get_item", "Keys", "UnprocessedKeys"), ("batch_write_item", None, "UnprocessedItems"))
    for method, field, out in patched:
        original = getattr(DynamoHandler, method)

        def wrapper(
            self: DynamoHandler, _original: Any = original, _field: Any = field, _out: str = out
        ) -> Any:
            counter.calls += 1
            if counter.failures <= 0:
                return _original(self)
            counter.failures -= 1
            kept, left = _halve(self.body["RequestItems"], _field)
            self.body["RequestItems"] = kept
            result = _original(self)
            result.result[_out] = left  # type: ignore[index]
            return result

        monkeypatch.setattr(DynamoHandler, method, wrapper)
    yield counter


#: DynamoDB's documented limits, which moto (5.x) does not enforce on TransactWriteItems and AWS does.
ITEM_MAX_BYTES = 400 * 1024
TRANSACTION_MAX_BYTES = 4 * 1024 * 1024
NUMBER_MAX_DIGITS = 38


class Limits:
    def __init__(self) -> None:
        self.calls = 0
        self.refused = 0
        #: The largest transaction (bytes of its items) that was let through.
        self.largest = 0
        #: Items holding this text are refused too: a limit the store cannot foresee.
        self.refuse_containing: str | None = None


def item_bytes(item: dict[str, Any]) -> int:
    """An item's size as DynamoDB counts it: attribute names plus values (moto's per-type sizes)."""
    return sum(bytesize(name) + DynamoType(value).size() for name, value in item.items())


def _bad_number(item: dict[str, Any]) -> bool:
    for value in item.values():
        if "N" in value:
            number = Decimal(value["N"]).normalize()
            digits = len(number.as_tuple().digits)
            if digits > NUMBER_MAX_DIGITS or (number and not -130 <= number.adjusted() <= 125):
                return True
    return False


def _check_transaction(transact_items: list[dict[str, Any]], marker: str | None) -> int:
    """Raise what AWS would for this transaction; return its size in bytes."""
    total, reasons = 0, []
    for action in transact_items:
        item = action.get("Put", {}).get("Item") or next(iter(action.values())).get("Key", {})
        size = item_bytes(item)
        total += size
        too_big = size > ITEM_MAX_BYTES or _bad_number(item) or bool(marker and marker in str(item))
        reasons.append(
            ("ValidationError", "Item size or number out of DynamoDB's limits", None)
            if too_big
            else (None, None, None)
        )
    if total > TRANSACTION_MAX_BYTES:
        raise MockValidationException("Transaction request cannot be larger than 4 MB")
    if any(code for code, _, _ in reasons):
        raise TransactionCanceledException(reasons)
    return total


@contextmanager
def dynamodb_limits(monkeypatch: pytest.MonkeyPatch) -> Iterator[Limits]:
    """TransactWriteItems refused as AWS refuses it: over 4 MB (ValidationException), or with an item
    over 400 KB or a number of more than 38 digits (cancelled, ValidationError at that item)."""
    limits = Limits()
    original = DynamoHandler.transact_write_items

    def checked(self: DynamoHandler) -> Any:
        limits.calls += 1
        try:
            size = _check_transaction(self.body["TransactItems"], limits.refuse_containing)
        except (MockValidationException, TransactionCanceledException):
            limits.refused += 1
            raise
        limits.largest = max(limits.largest, size)
        return original(self)

    monkeypatch.setattr(DynamoHandler, "transact_write_items", checked)
    yield limits
