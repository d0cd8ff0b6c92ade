"""LocalDirSink: the S3 layout on disk, with nothing left behind but the partitions."""

from __future__ import annotations

import gzip
import json
from datetime import date
from pathlib import Path

from repmon.adapters.export_sinks import LocalDirSink


def test_partitions_are_switched_into_place_and_no_temporary_folder_is_left(tmp_path: Path):
    sink = LocalDirSink(tmp_path)
    sink.write("mentions", date(2026, 10, 1), [{"a": 1}, {"a": 2}])
    sink.write("daily", date(2026, 10, 1), [])
    files = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*"))
    assert files == [
        "flat",
        "flat/daily",
        "flat/daily/dt=2026-10-01",
        "flat/daily/dt=2026-10-01/_SUCCESS",
        "flat/daily/dt=2026-10-01/part-00000.json.gz",
        "flat/mentions",
        "flat/mentions/dt=2026-10-01",
        "flat/mentions/dt=2026-10-01/_SUCCESS",
        "flat/mentions/dt=2026-10-01/part-00000.json.gz",
    ]
    part = tmp_path / "flat/mentions/dt=2026-10-01/part-00000.json.gz"
    assert [json.loads(line) for line in gzip.decompress(part.read_bytes()).splitlines()] == [
        {"a": 1},
        {"a": 2},
    ]


def test_another_runs_temporary_files_are_left_alone(tmp_path: Path):
    other = tmp_path / "flat/_tmp/other-run/flat/mentions/dt=2026-10-01/part-00000.json.gz"
    other.parent.mkdir(parents=True)
    other.write_bytes(b"in progress")
    LocalDirSink(tmp_path, run_id="mine").write("mentions", date(2026, 10, 1), [{"a": 1}])
    assert other.read_bytes() == b"in progress"
    assert not (tmp_path / "flat/_tmp/mine").exists()
