"""moto's DynamoDB writes made atomic, and its TransactWriteItems at the cost of what it touches.

DynamoDB applies a conditional write atomically: two writers racing on one item, one wins and the
other's condition fails. moto checks the condition and writes in two steps of Python, and its server
answers each request on a thread of its own, so two racing writers can both pass (seen as two GDELT
collectors given one slot, under load). `install()` runs moto's writes one at a time.

moto (5.x) takes a rollback snapshot of a transaction by deep-copying the whole table, once per item
of the transaction, before any write. A store that grows to a few thousand items (a demo's second
day, a backtest's month) then spends most of every transaction copying it: in `repmon demo`, 0.2 s
per two-item transaction and three quarters of the run. The snapshot that matters is the items the
transaction touches; `install()` keeps those (deep copies of each touched item, or its absence) and
puts them back if the transaction fails, and lets moto's own rollback hand back the live table.
The outcome of every transaction, applied or cancelled, is moto's; only the cost changes.

Installed by the local stack's moto server (thread or child) and by the test suite's in-process moto.
Dev tooling: moto is not in the Lambda layer.
"""

from __future__ import annotations

import copy
import functools
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from moto.dynamodb import models
from moto.dynamodb.models.dynamo_type import DynamoType
from moto.dynamodb.models.table import Item, Table

_INSTALLED = "_repmon_item_snapshots"
#: The backend's writes, each a read-check-write that DynamoDB does atomically.
_WRITES = ("put_item", "update_item", "delete_item", "transact_write_items", "batch_write_item")
_WRITING = threading.RLock()


class _TablesUncopied:
    """`copy` as moto's DynamoDB backend sees it: a table "copied" is the table itself (the touched
    items are kept by `_Touched` instead); anything else (update_item's copy of an item) is copied."""

    @staticmethod
    def deepcopy(value: Any, memo: dict[int, Any] | None = None) -> Any:
        return value if isinstance(value, Table) else copy.deepcopy(value, memo)


@dataclass
class _Touched:
    table: Table
    hash_key: DynamoType
    range_key: DynamoType | None
    before: Item | None

    def put_back(self) -> None:
        if self.range_key is None:
            if self.before is None:
                self.table.items.pop(self.hash_key, None)
            else:
                self.table.items[self.hash_key] = self.before  # type: ignore[assignment]
        elif self.before is None:
            self.table.items.get(self.hash_key, {}).pop(self.range_key, None)
        else:
            self.table.items[self.hash_key][self.range_key] = self.before


def install() -> bool:
    """Patch moto's DynamoDB backend (idempotent). False if moto's internals are not where this
    expects them: then nothing is patched and moto runs as it ships."""
    backend = getattr(models, "DynamoDBBackend", None)
    original = getattr(backend, "transact_write_items", None)
    if backend is None or original is None:
        return False
    if getattr(original, _INSTALLED, False):
        return True
    if getattr(models, "copy", None) is not copy:
        return False

    def transact_write_items(self: Any, transact_items: list[dict[str, Any]]) -> None:
        touched = _snapshots(self, transact_items)
        try:
            original(self, transact_items)
        except Exception:
            for snapshot in reversed(touched):
                snapshot.put_back()
            raise

    setattr(transact_write_items, _INSTALLED, True)
    models.copy = _TablesUncopied()  # type: ignore[assignment]
    backend.transact_write_items = transact_write_items
    for name in _WRITES:
        if hasattr(backend, name):
            setattr(backend, name, _one_at_a_time(getattr(backend, name)))
    return True


def _one_at_a_time(write: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(write)
    def atomic(*args: Any, **kwargs: Any) -> Any:
        with _WRITING:
            return write(*args, **kwargs)

    return atomic


def _snapshots(backend: Any, transact_items: list[dict[str, Any]]) -> list[_Touched]:
    """Each item the transaction names, as it is now (a deep copy) or absent (None)."""
    found = []
    for entry in transact_items if isinstance(transact_items, list) else ():
        try:
            op_type, op = next(iter(entry.items()))
            table = backend.tables[op["TableName"]]
            key = _key(table, op["Item"] if op_type == "Put" else op["Key"])
        except (KeyError, TypeError, StopIteration, AttributeError):
            continue  # moto refuses the op before writing it; the ones before are kept
        if key is None:
            continue
        before = table.get_item(*key)
        found.append(_Touched(table, *key, copy.deepcopy(before)))
    return found


def _key(table: Table, attrs: dict[str, Any]) -> tuple[DynamoType, DynamoType | None] | None:
    if table.hash_key_attr not in attrs:
        return None
    hash_key = DynamoType(attrs[table.hash_key_attr])
    if table.range_key_attr is None:
        return hash_key, None
    if table.range_key_attr not in attrs:
        return None
    return hash_key, DynamoType(attrs[table.range_key_attr])
