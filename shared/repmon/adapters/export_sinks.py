"""Where flat partitions go: S3 (the BI bucket) or a local folder, with the same layout.

    <root>/flat/<table>/dt=YYYY-MM-DD/part-00000.json.gz   the rows, gzip JSON Lines (empty day: empty gzip)
    <root>/flat/<table>/dt=YYYY-MM-DD/_SUCCESS             {"rows", "bytes", "sha256", "written_at"}

A partition is written to ``<root>/flat/_tmp/<run id>/...`` first and only then switched into place
(S3: one CopyObject, which readers see atomically; disk: os.replace), so a reader sees the old
file or the new one, never half of one; the temporary copy is then removed (on disk, with the folders
it emptied). Athena and Hive ignore files whose names start with ``_``.
Gzip is written with mtime 0, so the same rows always give the same bytes.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import tempfile
import uuid
from collections.abc import Iterable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import IO, Any

from repmon.adapters.aws import client as aws_client
from repmon.domain.flat import Row
from repmon.export_ports import PartitionStats

PART = "part-00000.json.gz"
MARKER = "_SUCCESS"
_SPOOL_BYTES = 64 * 1024 * 1024


def encode(rows: Iterable[Row], out: IO[bytes]) -> tuple[int, str]:
    """Write rows as gzip JSON Lines to `out`; returns (rows, sha256 of the gzip bytes)."""
    count = 0
    with gzip.GzipFile(fileobj=out, mode="wb", mtime=0) as gz:
        for row in rows:
            gz.write(json.dumps(row, ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n")
            count += 1
    out.seek(0)
    digest = hashlib.sha256()
    for block in iter(lambda: out.read(1024 * 1024), b""):
        digest.update(block)
    out.seek(0)
    return count, digest.hexdigest()


def partition(table: str, day: date) -> str:
    return f"flat/{table}/dt={day.isoformat()}"


def _marker(rows: int, size: int, sha256: str) -> bytes:
    written = datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    return json.dumps(
        {"rows": rows, "bytes": size, "sha256": sha256, "file": PART, "written_at": written}
    ).encode()


class S3PartitionSink:
    """The PartitionSink port on S3: temporary key, copy into place, drop strays, then the marker."""

    def __init__(self, bucket: str, prefix: str, client: Any = None, run_id: str | None = None) -> None:
        self.bucket, self.prefix = bucket, prefix.strip("/")
        self.client = client or aws_client("s3")
        self.run_id = run_id or uuid.uuid4().hex

    def _key(self, *parts: str) -> str:
        return "/".join(p for p in (self.prefix, *parts) if p)

    def write(self, table: str, day: date, rows: Iterable[Row]) -> PartitionStats:
        where = partition(table, day)
        final, temp = self._key(where, PART), self._key("flat/_tmp", self.run_id, where, PART)
        with tempfile.SpooledTemporaryFile(max_size=_SPOOL_BYTES) as spool:
            count, sha256 = encode(rows, spool)  # type: ignore[arg-type]
            size = spool.seek(0, os.SEEK_END)
            spool.seek(0)
            self.client.upload_fileobj(spool, self.bucket, temp)
        self.client.copy_object(
            Bucket=self.bucket, Key=final, CopySource={"Bucket": self.bucket, "Key": temp}
        )
        self._drop_strays(self._key(where) + "/", keep={final})
        self.client.put_object(
            Bucket=self.bucket, Key=self._key(where, MARKER), Body=_marker(count, size, sha256)
        )
        self.client.delete_object(Bucket=self.bucket, Key=temp)
        return PartitionStats(rows=count, bytes=size)

    def _drop_strays(self, folder: str, keep: set[str]) -> None:
        # Data files another layout (or an older version) left in the partition would be read too.
        listed = self.client.list_objects_v2(Bucket=self.bucket, Prefix=folder).get("Contents", [])
        strays = [o["Key"] for o in listed if o["Key"] not in keep and not o["Key"].endswith(MARKER)]
        for key in strays:
            self.client.delete_object(Bucket=self.bucket, Key=key)


class LocalDirSink:
    """The PartitionSink port on a local folder (`repmon backtest --export-dir`), same layout as S3."""

    def __init__(self, root: str | Path, run_id: str | None = None) -> None:
        self.root = Path(root)
        self.run_id = run_id or uuid.uuid4().hex

    def write(self, table: str, day: date, rows: Iterable[Row]) -> PartitionStats:
        folder = self.root / partition(table, day)
        temp = self.root / "flat" / "_tmp" / self.run_id / partition(table, day) / PART
        temp.parent.mkdir(parents=True, exist_ok=True)
        folder.mkdir(parents=True, exist_ok=True)
        with temp.open("w+b") as out:
            count, sha256 = encode(rows, out)
            size = out.seek(0, os.SEEK_END)
        os.replace(temp, folder / PART)
        for stray in folder.iterdir():
            if stray.name not in (PART, MARKER):
                stray.unlink()
        marker_temp = temp.with_name(MARKER)
        marker_temp.write_bytes(_marker(count, size, sha256))
        os.replace(marker_temp, folder / MARKER)
        _remove_empty_folders(temp.parent, stop=self.root / "flat")
        return PartitionStats(rows=count, bytes=size)


def _remove_empty_folders(folder: Path, stop: Path) -> None:
    """Remove `folder` and its parents up to (not including) `stop` while they are empty.

    What is not empty belongs to a partition still being written (this run's or another's): kept.
    """
    while folder != stop and stop in folder.parents:
        try:
            folder.rmdir()
        except OSError:  # not empty, or already gone
            return
        folder = folder.parent
