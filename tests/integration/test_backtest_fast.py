"""`repmon backtest` on its default, in-memory path: inputs at scale, sweeps, events, progress, plot."""

from __future__ import annotations

import gzip
import io
import json
import random
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from repmon.cli.main import main

START = datetime(2026, 10, 1, tzinfo=UTC)
CRISIS = START + timedelta(hours=27)


def _mention(n: int, at: datetime, text: str, brand: str = "acme", karma: int = 4000) -> dict:
    return {
        "source": "reddit",
        "id": f"t3_{n}",
        "brand": brand,
        "created_at": at.isoformat().replace("+00:00", "Z"),
        "text": text,
        "author": {"id": f"u{n % 40}", "handle": f"user{n % 40}", "karma": karma},
        "engagement": {"score": 12, "comments": 3},
    }


def _lines() -> list[str]:
    rng, lines = random.Random(5), list[str]()
    for hour in range(30):
        crisis = START + timedelta(hours=hour) >= CRISIS
        for _ in range(rng.randint(18, 24) if crisis else 3):
            text = "Acme flight cancelled, no refund, awful service" if crisis else "Acme flight was lovely"
            at = START + timedelta(hours=hour, minutes=rng.randint(0, 59))
            lines.append(json.dumps(_mention(len(lines), at, text)))
        lines.append(
            json.dumps(
                _mention(10_000 + hour, START + timedelta(hours=hour), "Globex bank is fine", "globex")
            )
        )
    return lines


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    mentions = tmp_path / "mentions.jsonl"
    mentions.write_text("\n".join(_lines()) + "\n")
    brands = tmp_path / "brands.yaml"
    short = "    thresholds: {window_hours: 4, baseline_hours: 24}\n"
    brands.write_text(
        f"brands:\n  - id: acme\n    name: Acme\n    query: acme\n{short}"
        f"  - id: globex\n    name: Globex\n    query: globex\n{short}"
    )
    return brands, mentions


def _run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["backtest", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_gz_files_folders_and_stdin_replay_as_one_plain_file(files, tmp_path, capsys, monkeypatch):
    brands, mentions = files
    code, expected, _ = _run(capsys, "--brands", str(brands), "--mentions", str(mentions))
    assert code == 0 and expected.count("\n") >= 3
    lines = mentions.read_text().splitlines()
    folder = tmp_path / "parts" / "dt=2026-10-01"
    folder.mkdir(parents=True)
    (folder / "a.jsonl.gz").write_bytes(gzip.compress("\n".join(lines[:100]).encode()))
    (tmp_path / "rest.jsonl").write_text("\n".join(lines[100:200]) + "\n")
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO("\n".join(lines[200:]).encode())))
    args = ["--mentions", str(tmp_path / "parts"), str(tmp_path / "rest.jsonl"), "-"]
    code, out, err = _run(capsys, "--brands", str(brands), *args)
    assert code == 0 and out == expected
    assert f"{len(lines)} lines, {len(lines)} valid" in err


def test_rows_of_the_flat_bi_export_replay_as_the_public_lines_they_came_from(files, tmp_path, capsys):
    brands, mentions = files
    _, expected, _ = _run(capsys, "--brands", str(brands), "--mentions", str(mentions))
    rows = []
    for line in mentions.read_text().splitlines():
        m = json.loads(line)
        rows.append(
            {
                "brand_id": m["brand"],
                "mention_key": f"reddit#{m['id']}",
                "source": "reddit",
                "native_id": m["id"],
                "created_at": m["created_at"],
                "text": m["text"],
                "title": None,
                "url": None,
                "author_id": m["author"]["id"],
                "author_karma": m["author"]["karma"],
                "score": 12,
                "comments": 3,
                "shares": 0,
                "votes": 0,
                "community": None,
                "sentiment_label": "neutral",
            }
        )
    export = tmp_path / "flat" / "mentions" / "dt=2026-10-01"
    export.mkdir(parents=True)
    (export / "part-00000.json.gz").write_bytes(gzip.compress("\n".join(map(json.dumps, rows)).encode()))
    (tmp_path / "flat" / "alerts").mkdir()  # another table of the export: not read
    (tmp_path / "flat" / "alerts" / "part-00000.json.gz").write_bytes(gzip.compress(b'{"alert_id": "x"}'))
    code, out, _ = _run(capsys, "--brands", str(brands), "--mentions", str(tmp_path))
    assert code == 0 and out == expected


def test_two_workers_give_the_alerts_of_one(files, capsys):
    brands, mentions = files
    args = ["--brands", str(brands), "--mentions", str(mentions)]
    assert _run(capsys, *args, "--workers", "1")[1] == _run(capsys, *args, "--workers", "2")[1]


def test_progress_off_a_terminal_is_a_plain_line_every_tenth(files, capsys):
    brands, mentions = files
    _, _, err = _run(capsys, "--brands", str(brands), "--mentions", str(mentions))
    tenths = [line.split()[1] for line in err.splitlines() if line.startswith("backtest: ") and "%" in line]
    assert tenths == [f"{n}%" for n in range(10, 101, 10)]
    assert "mentions" in err.splitlines()[-1] or "emails that would have been sent" in err


def test_a_sweep_prints_one_row_per_setting_and_its_values_pass_brands_validate(files, capsys):
    brands, mentions = files
    args = ["--brands", str(brands), "--mentions", str(mentions)]
    sweep = ["--sweep", "thresholds.volume_spike_ratio=2,40", "--sweep", "thresholds.reputation_drop=10,15"]
    code, out, _ = _run(capsys, *args, *sweep, "--format", "json")
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and [r["setting"] for r in rows] == [
        {"volume_spike_ratio": 2, "reputation_drop": 10},
        {"volume_spike_ratio": 2, "reputation_drop": 15},
        {"volume_spike_ratio": 40, "reputation_drop": 10},
        {"volume_spike_ratio": 40, "reputation_drop": 15},
    ]
    # A 40x bar is never reached: fewer alerts than at 2x, everything else equal (the emails of
    # their incidents need not differ: a spike is folded into an incident another rule opened).
    assert rows[2]["alerts"] < rows[0]["alerts"] and rows[0]["alerts"] >= rows[0]["emails"] > 0
    code, table, _ = _run(capsys, *args, *sweep)
    assert code == 0 and table.splitlines()[0].split()[:4] == [
        "volume_spike_ratio",
        "reputation_drop",
        "alerts",
        "emails",
    ]
    assert len(table.splitlines()) == 5


@pytest.mark.parametrize(
    ("sweep", "message"),
    [
        (
            "thresholds.volume_spike=2",
            "--sweep thresholds.volume_spike=2: 'thresholds.volume_spike' is not a threshold",
        ),
        ("notifications.min_severity=info", "'notifications.min_severity' is not a threshold"),
        (
            "thresholds.volume_spike_ratio=3,0.5",
            "thresholds.volume_spike_ratio: must be more than 1 (got 0.5)",
        ),
        ("thresholds.window_hours=4.5", "thresholds.window_hours: should be a whole number (got '4.5')"),
        ("thresholds.reputation_low", "write thresholds.NAME=VALUE"),
    ],
)
def test_a_sweep_of_something_not_a_threshold_or_out_of_range_exits_2_naming_it(
    files, capsys, sweep, message
):
    brands, mentions = files
    code, out, err = _run(capsys, "--brands", str(brands), "--mentions", str(mentions), "--sweep", sweep)
    assert code == 2 and not out and message in err and "Traceback" not in err


def test_known_events_give_latency_misses_and_likely_false_alarms(files, tmp_path, capsys):
    brands, mentions = files
    events = tmp_path / "events.jsonl"
    day = START.isoformat().replace("+00:00", "Z")
    events.write_text(
        json.dumps({"brand": "acme", "start": CRISIS.isoformat(), "label": "outage"})
        + "\n"
        + json.dumps({"brand": "globex", "start": day, "label": "quiet"})
        + "\n"
        + json.dumps({"brand": "initech", "start": day, "label": "?"})
        + "\n"
        + "{oops\n"
        + json.dumps({"brand": "acme", "start": "yesterday"})
        + "\n"
    )
    code, _, err = _run(capsys, "--brands", str(brands), "--mentions", str(mentions), "--events", str(events))
    assert code == 0
    assert f"{events}:3: skipped: brand 'initech' is not in the watchlist" in err
    assert f"{events}:4: skipped: not JSON" in err
    # In the user's words, as the mention lines are: no pydantic jargon
    assert (
        f"{events}:5: skipped: start: not a date and time like 2026-11-01T12:00:00Z (got 'yesterday')" in err
    )
    assert (
        "known events: 1 of 2 caught" in err and "outage: first alert after" in err and "quiet: missed" in err
    )
    assert "likely false alarms (outside every known event): 0" in err
    narrow = tmp_path / "narrow.jsonl"
    end = (CRISIS + timedelta(minutes=30)).isoformat()
    narrow.write_text(
        json.dumps({"brand": "acme", "start": CRISIS.isoformat(), "end": end, "label": "o"}) + "\n"
    )
    code, out, err = _run(
        capsys, "--brands", str(brands), "--mentions", str(mentions), "--events", str(narrow)
    )
    late = [
        json.loads(line)
        for line in out.splitlines()
        if json.loads(line)["time"] >= end.replace("+00:00", "Z")
    ]
    assert late and f"likely false alarms (outside every known event): {len(late)}" in err


def test_plot_draws_a_png_and_refuses_other_formats(files, tmp_path, capsys):
    brands, mentions = files
    args = ["--brands", str(brands), "--mentions", str(mentions)]
    code, _, _ = _run(capsys, *args, "--plot", str(tmp_path / "crisis.png"))
    assert code == 0 and (tmp_path / "crisis.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert _run(capsys, *args, "--plot", str(tmp_path / "crisis.jpg"))[0] == 2
