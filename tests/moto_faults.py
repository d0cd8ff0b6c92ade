"""Faults moto never produces on its own, injected by patching moto's DynamoDB handler.

botocore's Stubber would skip botocore's retry logic and ours, so the real client talks to a
real (moto) backend that simply leaves part of each batch unprocessed for the first N calls.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
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
