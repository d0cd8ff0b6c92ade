"""Flat-export throughput: mentions a second from DynamoDB to gzip JSON Lines in S3, on moto in process.

    .venv/bin/python -m tests.bench.bench_export [mentions]

Moto's Query is far slower than DynamoDB's, so this is a floor for the code path (paging, flattening,
gzip, temporary write and switch), not a forecast of AWS latency. Bytes per mention is exact.
"""

from __future__ import annotations

import os
import sys
import time
from datetime import UTC, date, datetime, timedelta
from typing import Any

from repmon.domain.flat import TABLES

_FAKE_AWS = {
    "AWS_ACCESS_KEY_ID": "bench",
    "AWS_SECRET_ACCESS_KEY": "bench",
    "AWS_DEFAULT_REGION": "us-east-1",
}
for _name, _value in _FAKE_AWS.items():
    os.environ.setdefault(_name, _value)


def _seed(ddb: object, mentions: int) -> None:
    from repmon.adapters.dynamo_store import DynamoMentionStore
    from tests.fakes import FixedClock
    from tests.integration.test_export import TABLE, mention

    store = DynamoMentionStore(TABLE, FixedClock(datetime(2026, 11, 4, tzinfo=UTC)), ddb, retention_days=90)
    start = datetime(2026, 11, 1, tzinfo=UTC)
    labels = ("negative", "positive", "neutral", None)
    batch = [
        mention(
            n,
            start + timedelta(seconds=n * 259_200 // mentions),
            brand=("acme", "globex")[n % 2],
            label=labels[n % 4],
            influence=n % 100,
            source=("reddit", "hackernews", "appstore")[n % 3],
        )
        for n in range(mentions)
    ]
    for first in range(0, mentions, 500):
        store.save(batch[first : first + 500])


def main(argv: list[str] | None = None) -> None:
    from moto import mock_aws

    from repmon.adapters.dynamo_export import DynamoExportReader
    from repmon.adapters.export_sinks import S3PartitionSink
    from repmon.domain.flat import hmac_pseudonymiser
    from repmon.services.export import ExportPolicy, export_days
    from tests.integration.test_export import BUCKET, PREFIX, TABLE, make_stack
    from tests.moto_speed import moto_copies_each_table_once

    mentions = int((argv if argv is not None else sys.argv[1:] or ["3000"])[0])
    with mock_aws(), moto_copies_each_table_once():
        ddb, s3 = make_stack()
        _seed(ddb, mentions)
        days = [datetime(2026, 11, d, tzinfo=UTC).date() for d in (1, 2, 3)]
        policy = ExportPolicy(pseudonymise=hmac_pseudonymiser(b"k" * 32))
        started = time.perf_counter()
        reader, sink = DynamoExportReader(TABLE, ddb), S3PartitionSink(BUCKET, PREFIX, s3)
        result = export_days(reader, sink, ["acme", "globex"], days, policy)
        elapsed = time.perf_counter() - started
        replay = _Replay(reader, days)
        started = time.perf_counter()
        export_days(replay, sink, ["acme", "globex"], days, policy)
        no_query = time.perf_counter() - started
        parts = s3.list_objects_v2(Bucket=BUCKET, Prefix=f"{PREFIX}/flat/mentions/")["Contents"]
        mention_bytes = sum(o["Size"] for o in parts if o["Key"].endswith(".json.gz"))
    listed = result.rows["mentions"]
    print(f"flat export: {listed} mentions, {result.partitions} partitions, {elapsed:.2f} s")
    print(f"end to end:  {listed / elapsed:,.0f} mentions/s (moto in process; moto's Query dominates)")
    print(f"our path:    {listed / no_query:,.0f} mentions/s (items replayed: flatten, gzip, S3 switch)")
    per_mention = mention_bytes / max(listed, 1)
    print(f"size:        {per_mention:.0f} bytes/mention gzip ({result.bytes:,} bytes, all tables)")


class _Replay:
    """The reader's items, read once: times the flatten/gzip/S3 path without moto's slow Query."""

    def __init__(self, reader: Any, days: list[date]) -> None:
        self.reader = reader
        self.items = {
            (t, b, d): list(reader.items_on(t, b, d))
            for t in TABLES
            for b in ("acme", "globex")
            for d in days
        }

    def brand_ids(self) -> set[str]:
        return {"acme", "globex"}

    def items_on(self, table: str, brand_id: str, day: date) -> list[Any]:
        return self.items[(table, brand_id, day)]

    def late_days(self, brand_id: str, polled_since: datetime, created_since: datetime) -> set[date]:
        return set()


if __name__ == "__main__":
    main()
