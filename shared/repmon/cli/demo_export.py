"""The analysts' side of `repmon demo`: the daily BI export on the local stack, queried with DuckDB.

The real export_for_bi handler writes the flat tables to the stack's bucket; they are copied to a
temporary folder and the example query `reputation_index_daily.sql` (its DuckDB form) runs over them
with the same DuckDB views and variables analysts use (infra/athena/duckdb/views.sql).
"""

from __future__ import annotations

import io
import tempfile
from contextlib import redirect_stdout
from datetime import date, datetime
from pathlib import Path
from typing import Any

from repmon.cli.demo_report import Printer
from repmon.localstack.runtime import LocalRuntime
from repmon.localstack.template_loader import REPO_ROOT

ATHENA = REPO_ROOT / "infra" / "athena"


def show_export(runtime: LocalRuntime, at: datetime, first: date, last: date, say: Printer) -> None:
    with redirect_stdout(io.StringIO()):  # the handler's EMF metric lines
        summary = runtime.run_schedule("export_for_bi", at)
    counts = ", ".join(f"{n} {table}" for table, n in summary["rows"].items())
    days = summary["days"]
    span = f"{len(days)} days, {days[0]} to {days[-1]}" if days else "no day"
    say.line(f"\nBI export (daily in production), run at {at:%a %H:%M}Z over {span}:")
    say.line(f"  rows: {counts}; {summary['partitions']} partitions (one per table and day)")
    with tempfile.TemporaryDirectory() as folder:
        copied = _copy_flat(runtime, Path(folder))
        rows = _query(Path(folder), "reputation_index_daily", first, last)
    say.line(f"  {copied} files copied from s3://{runtime.stack.outputs['ExportBucketName']}/…/flat/")
    say.line("  DuckDB, infra/athena/queries/reputation_index_daily.sql (as in Athena):")
    say.line(f"  {'brand':<10} {'day':<11} {'mentions':>8} {'scored':>7} {'index':>6}")
    for row in rows:
        index = "-" if row["reputation_index"] is None else f"{row['reputation_index']:.1f}"
        brand, day, mentions, scored = row["brand_id"], row["dt"], row["mentions"], row["scored_mentions"]
        say.line(f"  {brand:<10} {day:<11} {mentions:>8} {scored:>7} {index:>6}")


def _copy_flat(runtime: LocalRuntime, folder: Path) -> int:
    s3, bucket = runtime.stack.client("s3"), runtime.stack.outputs["ExportBucketName"]
    copied = 0
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        for item in page.get("Contents", []):
            key = item["Key"]
            if "/flat/" not in key or "/_tmp/" in key or not key.endswith(".json.gz"):
                continue
            target = folder / key[key.index("flat/") :]
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(s3.get_object(Bucket=bucket, Key=key)["Body"].read())
            copied += 1
    return copied


def _query(folder: Path, name: str, first: date, last: date) -> list[dict[str, Any]]:
    import duckdb  # a dev dependency: the demo runs in .venv, never in Lambda

    con = duckdb.connect()  # as infra/athena/README.md shows analysts
    con.execute("SET VARIABLE repmon_root = ?", [str(folder)])
    con.execute((ATHENA / "duckdb" / "views.sql").read_text())
    con.execute("SET VARIABLE first_day = ?", [first])
    con.execute("SET VARIABLE last_day = ?", [last])
    cursor = con.execute((ATHENA / "duckdb" / "queries" / f"{name}.sql").read_text())
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
