"""moto's TransactWriteItems, made linear for benchmarks that store thousands of mentions."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from contextlib import contextmanager
from types import SimpleNamespace
from typing import Any


@contextmanager
def moto_copies_each_table_once() -> Iterator[bool]:
    """Make moto's TransactWriteItems copy each table once per call instead of once per item.

    moto (5.x) deep-copies the whole table for every item of a transaction, as a rollback snapshot;
    all those copies are taken before any write, so they are identical. With 100-item transactions
    that makes the store stage quadratic in the table's size (2,000 mentions: ~9 minutes and ~10 GB)
    and measures moto, not us. One copy per table is the same snapshot. Yields False (unpatched)
    if moto's internals are not where this expects them.
    """
    from moto.dynamodb import models

    backend = getattr(models, "DynamoDBBackend", None)
    original = getattr(backend, "transact_write_items", None)
    if backend is None or original is None or getattr(models, "copy", None) is not copy:
        yield False
        return

    def once_per_table(self: Any, transact_items: list[dict[str, Any]]) -> None:
        snapshots: dict[int, Any] = {}

        def deepcopy_once(table: Any, memo: Any = None) -> Any:
            if id(table) not in snapshots:
                snapshots[id(table)] = copy.deepcopy(table, memo)
            return snapshots[id(table)]

        models.copy = SimpleNamespace(deepcopy=deepcopy_once)  # type: ignore[assignment]
        try:
            original(self, transact_items)
        finally:
            models.copy = copy

    backend.transact_write_items = once_per_table
    try:
        yield True
    finally:
        backend.transact_write_items = original
