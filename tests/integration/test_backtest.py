"""`repmon backtest`: alerts as JSON lines on stdout, bad lines reported by number, summary on stderr."""

from __future__ import annotations

import gzip
import hashlib
import hmac
import json
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from repmon.cli import backtest
from repmon.cli.main import main

START = datetime(2026, 10, 1, tzinfo=UTC)
pytestmark = pytest.mark.slow


def _line(n: int, at: datetime, text: str, brand: str = "acme") -> str:
    return json.dumps(
        {
            "source": "reddit",
            "id": f"t3_{n}",
            "brand": brand,
            "created_at": at.isoformat().replace("+00:00", "Z"),
            "text": text,
            "url": f"https://example.test/{n}",
            "author": {"id": f"u{n % 40}", "handle": f"user{n % 40}", "karma": 4000},
            "engagement": {"score": 12, "comments": 3, "shares": 0},
        }
    )


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    rng = random.Random(5)
    lines, n = [], 0
    for hour in range(30):
        crisis = hour >= 27
        for _ in range(rng.randint(18, 24) if crisis else 3):
            n += 1
            text = "Acme flight cancelled, no refund, awful service" if crisis else "Acme flight was lovely"
            lines.append(_line(n, START + timedelta(hours=hour, minutes=rng.randint(0, 59)), text))
    lines.insert(3, "{broken")
    lines.insert(7, json.dumps({"source": "reddit", "id": "x"}))
    lines.insert(9, _line(10_000, START, "who?", brand="unknown"))
    lines.insert(11, _line(10_001, START, "Acme again").replace('"reddit"', '"twitter"'))
    lines.insert(13, _line(10_002, START, "   "))
    lines.append(lines[20])  # the same mention twice
    mentions = tmp_path / "mentions.jsonl"
    mentions.write_text("\n".join(lines) + "\n")
    brands = tmp_path / "brands.yaml"
    brands.write_text(
        "brands:\n  - id: acme\n    name: Acme\n    query: acme\n"
        "    thresholds: {window_hours: 4, baseline_hours: 24}\n"
    )
    return brands, mentions


def _authors(export: Path) -> set[str]:
    rows = [
        json.loads(line)
        for part in export.glob("flat/mentions/dt=*/part-00000.json.gz")
        for line in gzip.decompress(part.read_bytes()).splitlines()
    ]
    return {row["author_id"] for row in rows}


def test_backtest_prints_each_alert_once_as_a_json_line_and_reports_bad_lines(files, tmp_path, capsys):
    brands, mentions = files
    args = ["backtest", "--brands", str(brands), "--mentions", str(mentions), "--step-minutes", "60"]
    assert main([*args, "--export-dir", str(tmp_path / "export")]) == 0
    out, err = capsys.readouterr()
    alerts = [json.loads(line) for line in out.splitlines()]
    assert alerts, "a crisis after a calm day must raise alerts"
    fields = {"time", "brand", "rule", "severity", "subject", "incident_id", "kind", "emailed"}
    assert all(set(a) == fields for a in alerts)
    # One incident: the first firing opened it with an email, the others were folded into it
    assert len({a["incident_id"] for a in alerts}) == 1 and len({a["subject"] for a in alerts}) == 1
    assert (alerts[0]["kind"], alerts[0]["emailed"]) == ("alert", True)
    assert all(a["kind"] == "update" for a in alerts if a["time"] > alerts[0]["time"])
    rules = [a["rule"] for a in alerts]
    assert "volume_spike" in rules and len(rules) == len(set(rules))  # once per crossing
    assert all(a["time"] >= "2026-10-02T03:00:00Z" for a in alerts)  # nothing before the crisis
    assert f"{mentions}:4: skipped: not JSON" in err
    assert f"{mentions}:8: skipped: " in err and f"{mentions}:10: skipped: brand 'unknown'" in err
    assert f"{mentions}:12: skipped: source: " in err and f"{mentions}:14: skipped: text: empty" in err
    assert "5 skipped" in err and "(1 duplicates)" in err and "total alerts: " in err
    assert "emails that would have been sent: " in err and "(1 alert, " in err  # by kind
    # The export: partitions only, authors pseudonymised by default (a new key each run)
    export = tmp_path / "export"
    assert list(export.rglob("*.json.gz")), "the flat export was written"
    assert not (export / "flat" / "_tmp").exists()
    assert "authors pseudonymised with a new random key" in err
    authors = _authors(export)
    assert authors and all(len(a) == 64 and not a.startswith("u") for a in authors)
    # The same folder again: refused, so two replays (under two keys) are never read as one
    days = sorted(p.name for p in (export / "flat" / "mentions").iterdir())
    assert main([*args, "--export-dir", str(export)]) == 2
    assert capsys.readouterr().err.splitlines()[-1] == (
        f"error: --export-dir {export}: not empty (an earlier export?); give a new or empty folder, "
        "or remove this one first: two replays in one folder would be read as one"
    )
    assert sorted(p.name for p in (export / "flat" / "mentions").iterdir()) == days
    assert _authors(export) == authors
    # The same replay gives the same alerts: a backtest is reproducible; with the stack's key, the
    # export's pseudonyms are the deployed export's.
    key = tmp_path / "key"
    key.write_text("a key of at least sixteen bytes\n")
    again_export = tmp_path / "again"
    assert main([*args, "--export-dir", str(again_export), "--pseudonym-key-file", str(key)]) == 0
    again = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert again == alerts
    expected = {
        hmac.new(b"a key of at least sixteen bytes", f"reddit:u{n}".encode(), hashlib.sha256).hexdigest()
        for n in range(40)
    }
    assert _authors(again_export) == expected


class _NoStack:
    def __init__(self, **_: object) -> None:
        raise AssertionError("a stack was started for an input that cannot be replayed")


@pytest.mark.parametrize("content", ["", "\n\n", '{"source": "twitter"}\n'])
def test_an_input_without_a_valid_mention_exits_2_before_any_stack_starts(
    files, tmp_path, capsys, monkeypatch, content
):
    brands, _ = files
    monkeypatch.setattr(backtest, "LocalStack", _NoStack)
    mentions = tmp_path / "empty.jsonl"
    mentions.write_text(content)
    assert main(["backtest", "--brands", str(brands), "--mentions", str(mentions)]) == 2
    assert capsys.readouterr().err.splitlines()[-1] == (
        f"error: {mentions}: no valid mentions ({1 if 'twitter' in content else 0} lines, "
        f"{1 if 'twitter' in content else 0} skipped): nothing to replay"
    )


def test_an_export_dir_that_cannot_be_created_exits_2_before_any_stack_starts(
    files, tmp_path, capsys, monkeypatch
):
    brands, mentions = files
    monkeypatch.setattr(backtest, "LocalStack", _NoStack)
    (tmp_path / "a-file").write_text("")
    args = ["backtest", "--brands", str(brands), "--mentions", str(mentions)]
    assert main([*args, "--export-dir", str(tmp_path / "a-file" / "export")]) == 2
    assert f"--export-dir {tmp_path / 'a-file' / 'export'}: cannot create" in capsys.readouterr().err
    short = tmp_path / "short.key"
    short.write_text("tiny\n")
    assert main([*args, "--export-dir", str(tmp_path / "out"), "--pseudonym-key-file", str(short)]) == 2
    assert f"--pseudonym-key-file {short}: key is shorter than 16 bytes" in capsys.readouterr().err


def test_a_non_empty_export_dir_exits_2_before_any_stack_starts_and_is_left_as_it_was(
    files, tmp_path, capsys, monkeypatch
):
    brands, mentions = files
    monkeypatch.setattr(backtest, "LocalStack", _NoStack)
    earlier = tmp_path / "mix" / "flat" / "mentions" / "dt=2026-10-01" / "part-00000.json.gz"
    earlier.parent.mkdir(parents=True)
    earlier.write_bytes(b"run 1")
    args = ["backtest", "--brands", str(brands), "--mentions", str(mentions)]
    assert main([*args, "--export-dir", str(tmp_path / "mix")]) == 2
    assert f"--export-dir {tmp_path / 'mix'}: not empty (an earlier export?)" in capsys.readouterr().err
    assert [p for p in (tmp_path / "mix").rglob("*") if p.is_file()] == [earlier]
    assert earlier.read_bytes() == b"run 1"
    # An empty folder (made beforehand) is fine: the check passes, the run stops later for the key
    (tmp_path / "empty").mkdir()
    short = tmp_path / "short.key"
    short.write_text("tiny\n")
    assert main([*args, "--export-dir", str(tmp_path / "empty"), "--pseudonym-key-file", str(short)]) == 2
    assert "key is shorter than 16 bytes" in capsys.readouterr().err


def test_a_run_refused_for_any_reason_creates_no_export_dir(files, tmp_path, capsys, monkeypatch):
    brands, mentions = files
    monkeypatch.setattr(backtest, "LocalStack", _NoStack)
    short = tmp_path / "short.key"
    short.write_text("tiny\n")
    out = tmp_path / "new" / "out"
    args = ["backtest", "--brands", str(brands), "--export-dir", str(out)]
    assert main([*args, "--mentions", str(mentions), "--pseudonym-key-file", str(short)]) == 2
    assert not (tmp_path / "new").exists()
    empty = tmp_path / "empty.jsonl"
    empty.write_text("")
    assert main([*args, "--mentions", str(empty)]) == 2
    assert "no valid mentions" in capsys.readouterr().err
    assert not (tmp_path / "new").exists()
    (tmp_path / "a-file").write_text("")
    assert main([*args[:-1], str(tmp_path / "a-file"), "--mentions", str(mentions)]) == 2
    assert f"--export-dir {tmp_path / 'a-file'}: is a file, not a folder" in capsys.readouterr().err


def test_backtest_with_an_invalid_watchlist_exits_2_naming_the_problem(files, tmp_path, capsys):
    _, mentions = files
    bad = tmp_path / "bad.yaml"
    bad.write_text("brands:\n  - {id: acme, name: Acme, query: '(acme'}\n")
    assert main(["backtest", "--brands", str(bad), "--mentions", str(mentions)]) == 2
    assert "brand 'acme', query: invalid query" in capsys.readouterr().err


def test_a_mistyped_date_that_would_make_the_replay_endless_is_refused_with_exit_2(files, tmp_path, capsys):
    brands, mentions = files
    with mentions.open("a") as out:
        out.write(_line(99_999, datetime(1970, 1, 2, tzinfo=UTC), "acme from long ago") + "\n")
    assert main(["backtest", "--brands", str(brands), "--mentions", str(mentions)]) == 2
    assert "1970-01-02T00:00:00Z" in capsys.readouterr().err


def test_the_fast_path_prints_the_alerts_of_the_local_stack_line_for_line(files, tmp_path, capsys):
    """The same files through both paths: the in-memory replay and the real handler on moto."""
    _, mentions = files
    influencer = json.loads(
        _line(20_000, START + timedelta(hours=28, minutes=10), "Acme lost my bags, awful")
    )
    influencer["author"] |= {"karma": 900_000, "account_created_at": "2015-01-01T00:00:00Z"}
    influencer["engagement"] = {"score": 6000, "comments": 900, "shares": 0}
    globex = [
        _line(30_000 + h, START + timedelta(hours=h, minutes=7), "Globex bank is fine", "globex")
        for h in range(30)
    ]
    extra = tmp_path / "extra.jsonl"
    extra.write_text("\n".join([json.dumps(influencer), *globex]) + "\n")
    brands = tmp_path / "two.yaml"
    short = "    thresholds: {window_hours: 4, baseline_hours: 24}\n"
    brands.write_text(
        f"brands:\n  - id: acme\n    name: Acme\n    query: acme\n{short}"
        "    notifications: {min_severity: info}\n"
        f"  - id: globex\n    name: Globex\n    query: globex\n{short}"
    )
    args = [
        "backtest",
        "--brands",
        str(brands),
        "--mentions",
        str(mentions),
        str(extra),
        "--step-minutes",
        "20",
    ]
    assert main(args) == 0
    fast = capsys.readouterr().out.splitlines()
    assert main([*args, "--stack"]) == 0
    stack = capsys.readouterr().out.splitlines()
    rules = {json.loads(line)["rule"] for line in stack}
    assert {"volume_spike", "influencer_negative", "reputation_drop"} <= rules, (
        "the input exercises the rules"
    )
    assert fast == stack
