"""The flat BI tables: their columns and types, and how one stored item becomes one row. Pure.

Three tables, one JSON object per line, partitioned by UTC day (``dt=YYYY-MM-DD``):

- ``mentions``      one row per stored mention, in the day of ``created_at``
- ``brand_hourly``  one row per (brand, UTC hour) aggregate, in the day of ``hour``
- ``alerts``        one row per sent alert, in the day of ``fired_at``

Every row carries every column of its table (null when unknown), timestamps are ISO 8601 UTC
strings (``2026-11-01T12:00:00Z``), numbers are JSON numbers and flags JSON booleans; the key
attributes of the DynamoDB table (pk, sk, gsi*) never appear. ``COLUMNS`` is the one definition:
the Athena DDL and the DuckDB views are checked against it.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime
from typing import Any

from repmon.domain.replies import reply_status
from repmon.domain.source_registry import SOURCES as SOURCE_ROWS

Row = dict[str, Any]
#: Turns an author id or handle into the value analysts see (identity or a keyed hash).
Pseudonymise = Callable[[str], str]

STRING, BIGINT, DOUBLE, BOOLEAN, STRINGS = "string", "bigint", "double", "boolean", "array<string>"
#: The `source` values (domain.source_registry), each with its mentions_<source> column in brand_hourly.
SOURCES = tuple(SOURCE_ROWS)

COLUMNS: dict[str, dict[str, str]] = {
    "mentions": {
        "brand_id": STRING,
        "mention_key": STRING,
        "source": STRING,
        "native_id": STRING,
        "created_at": STRING,
        "polled_at": STRING,
        "url": STRING,
        "title": STRING,
        "text": STRING,
        "community": STRING,
        "community_size": BIGINT,
        "rating": BIGINT,
        "author_id": STRING,
        "author_handle": STRING,
        "author_followers": BIGINT,
        "author_karma": BIGINT,
        "author_created_at": STRING,
        "author_verified": BOOLEAN,
        "score": BIGINT,
        "comments": BIGINT,
        "shares": BIGINT,
        "votes": BIGINT,
        "views": BIGINT,
        "location_id": STRING,
        "location_name": STRING,
        "app_version": STRING,
        "device": STRING,
        "parent_id": STRING,
        "own": BOOLEAN,
        "replied_at": STRING,
        "reply_url": STRING,
        "reply_status": STRING,
        "customer_tier": STRING,
        "sentiment_label": STRING,
        "sentiment_score": DOUBLE,
        "language": STRING,
        "reasons": STRINGS,
        "influence": DOUBLE,
        "expires_at": STRING,
    },
    "brand_hourly": {
        "brand_id": STRING,
        "hour": STRING,
        "mentions": BIGINT,
        "negative": BIGINT,
        "neutral": BIGINT,
        "positive": BIGINT,
        "unscored": BIGINT,
        "sentiment_sum": DOUBLE,
        "weight_sum": DOUBLE,
        "weighted_sentiment_sum": DOUBLE,
        **{f"mentions_{s}": BIGINT for s in SOURCES},
    },
    "alerts": {
        "alert_id": STRING,
        "brand_id": STRING,
        "brand_name": STRING,
        "rule": STRING,
        "severity": STRING,
        "fired_at": STRING,
        "summary": STRING,
        "reputation_index": DOUBLE,
        "index_change": DOUBLE,
        "top_mention_keys": STRINGS,
        "incident_id": STRING,
        "kind": STRING,
    },
}
TABLES = tuple(COLUMNS)
#: Which stored item type feeds which table, and which attribute decides its day.
ITEM_TABLES = {
    "mention": ("mentions", "created_at"),
    "aggregate": ("brand_hourly", "hour"),
    "alert": ("alerts", "fired_at"),
}


def hmac_pseudonymiser(key: bytes) -> Pseudonymise:
    """HMAC-SHA256 of the value under `key`, hex: stable across runs, not reversible without the key."""

    def pseudonymise(value: str) -> str:
        return hmac.new(key, value.encode("utf-8"), hashlib.sha256).hexdigest()

    return pseudonymise


def identity(value: str) -> str:
    return value


def day_of(item: Mapping[str, Any]) -> tuple[str, str, date] | None:
    """(table, brand, day) whose partition holds this stored item; None for items not exported."""
    table_and_field = ITEM_TABLES.get(str(item.get("type", "")))
    if table_and_field is None or "brand_id" not in item:
        return None
    table, field = table_and_field
    stamp = item.get(field)
    if not isinstance(stamp, str) or len(stamp) < 10:
        return None
    return table, str(item["brand_id"]), date.fromisoformat(stamp[:10])


def _typed(kind: str, value: Any) -> Any:
    """A stored value as its column type: Decimals become int or float, absent stays None."""
    if value is None:
        return None
    if kind == BIGINT:
        return int(value)
    if kind == DOUBLE:
        return float(value)
    if kind == BOOLEAN:
        return bool(value)
    if kind == STRINGS:
        return [str(v) for v in value]
    return str(value)


def _row(table: str, values: Mapping[str, Any]) -> Row:
    return {name: _typed(kind, values.get(name)) for name, kind in COLUMNS[table].items()}


def _iso_epoch(value: Any) -> str | None:
    if value is None:
        return None
    return datetime.fromtimestamp(int(value), UTC).isoformat().replace("+00:00", "Z")


def _author(item: Mapping[str, Any], pseudonymise: Pseudonymise) -> dict[str, str | None]:
    # The source prefixes the hash input so one handle on two platforms stays two people.
    source = str(item.get("source", ""))
    return {
        name: pseudonymise(f"{source}:{item[name]}") if item.get(name) else None
        for name in ("author_id", "author_handle")
    }


def mention_row(
    item: Mapping[str, Any], pseudonymise: Pseudonymise = identity, include_text: bool = True
) -> Row:
    """A stored mention as a `mentions` row; author id and handle go through `pseudonymise`."""
    values = dict(item)
    values["mention_key"] = f"{item['source']}#{item['native_id']}"
    values["sentiment_label"] = item.get("sentiment_label") or "unscored"
    values["expires_at"] = _iso_epoch(item.get("expires_at"))
    values["reasons"] = list(item.get("reasons") or ())
    values["reply_status"] = reply_status(
        own=bool(item.get("own")),
        replied=bool(item.get("replied_at")),
        visible=bool(item.get("replies_visible")),
    )
    if pseudonymise is not identity:
        values |= _author(item, pseudonymise)
    if not include_text:
        values["text"] = values["title"] = None
    return _row("mentions", values)


def hourly_row(item: Mapping[str, Any]) -> Row:
    """A stored hourly aggregate as a `brand_hourly` row: absent counters are 0, not null."""
    values: dict[str, Any] = {name: item.get(name, 0) for name in COLUMNS["brand_hourly"]}
    values |= {f"mentions_{s}": item.get(f"source_{s}", 0) for s in SOURCES}
    values |= {"brand_id": item["brand_id"], "hour": item["hour"]}
    return _row("brand_hourly", values)


def alert_row(item: Mapping[str, Any]) -> Row:
    """A logged (sent) alert as an `alerts` row."""
    values = dict(item)
    values["reputation_index"] = item.get("index")
    values["index_change"] = item.get("change")
    values["top_mention_keys"] = list(item.get("top_mention_ids") or ())
    return _row("alerts", values)
