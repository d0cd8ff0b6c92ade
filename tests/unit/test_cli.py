"""The `repmon` command line itself: help, version, defaults, and a reader that stops early."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest

from repmon.cli import sentiment
from repmon.cli.main import _parser, main

COMMANDS = [
    [],
    ["brands"],
    ["brands", "validate"],
    ["brands", "apply"],
    ["sentiment"],
    ["sentiment", "eval"],
    ["demo"],
    ["backtest"],
]


#: The commands whose help ends with an example (`repmon` and `sentiment` describe their formats).
WITH_EXAMPLE = [["brands"], ["brands", "validate"], ["brands", "apply"], ["demo"], ["backtest"]]


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_command_has_help_that_exits_0_with_a_description(command, capsys):
    with pytest.raises(SystemExit) as stopped:
        main([*command, "--help"])
    out = capsys.readouterr().out
    assert stopped.value.code == 0
    assert out.startswith(f"usage: {' '.join(['repmon', *command])}")
    # Then the paragraph after the usage says what the command does, in a sentence
    description = out.split("\n\n")[1]
    assert not description.startswith(("options:", "positional arguments:")), f"no description:\n{out}"
    assert description[0].isupper() and description.rstrip().endswith("."), description
    if command in WITH_EXAMPLE:
        assert f"\nexample:\n  {' '.join(['repmon', *command])} " in out


def _record(calls: list[dict[str, object]], kwargs: dict[str, object]) -> int:
    calls.append(kwargs)
    return 0


@pytest.mark.parametrize("cycles", ["0", "-1", "two"])
def test_demo_refuses_a_cycle_count_below_one_as_a_usage_error(cycles, capsys, monkeypatch):
    # Before: --cycles 0 and -1 ran an empty demo, exit 0
    ran: list[dict[str, object]] = []
    monkeypatch.setattr("repmon.cli.demo.run", lambda **kwargs: _record(ran, kwargs))
    with pytest.raises(SystemExit) as stopped:
        main(["demo", "--cycles", cycles])
    err = capsys.readouterr().err
    assert stopped.value.code == 2 and ran == []
    assert err.startswith("usage: repmon demo [-h] [--cycles N]")
    assert "error: argument --cycles: must be" in err


def test_demo_takes_a_positive_cycle_count(monkeypatch):
    ran: list[dict[str, object]] = []
    monkeypatch.setattr("repmon.cli.demo.run", lambda **kwargs: _record(ran, kwargs))
    assert main(["demo", "--cycles", "3"]) == 0
    assert ran == [{"cycles": 3}]


def test_sentiment_help_says_what_goes_in_and_what_comes_out(capsys):
    with pytest.raises(SystemExit):
        main(["sentiment", "--help"])
    out = capsys.readouterr().out
    assert '"text"' in out and '"rating"' in out and '"label"' in out and '"error"' in out


def test_version_comes_from_the_package_metadata(capsys):
    with pytest.raises(SystemExit) as stopped:
        main(["--version"])
    assert stopped.value.code == 0
    assert capsys.readouterr().out.strip() == f"repmon {version('repmon')}"


def _options(parser: argparse.ArgumentParser) -> list[argparse.Action]:
    found = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in action.choices.values():
                found += _options(child)
        elif action.option_strings and not isinstance(action, argparse._HelpAction | argparse._VersionAction):
            found.append(action)
    return found


def test_every_option_says_what_it_defaults_to():
    options = _options(_parser()) + _options(sentiment.parser())
    assert {o.dest for o in options} >= {"table", "step_minutes", "export_dir", "cycles", "data"}
    optional = [o for o in options if not o.required]
    assert [o.dest for o in optional if "(default: " not in (o.help or "")] == []


def test_sentiment_with_an_unknown_argument_exits_2_with_usage_on_stderr(capsys):
    with pytest.raises(SystemExit) as stopped:
        main(["sentiment", "frobnicate"])
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: repmon sentiment") and "frobnicate" in err


def test_a_reader_that_stops_early_ends_the_command_quietly(tmp_path: Path):
    # Given far more output than a pipe holds, read by a consumer that leaves after one line
    lines = tmp_path / "mentions.jsonl"
    lines.write_text("".join(json.dumps({"id": i, "text": f"order {i} is late"}) + "\n" for i in range(5000)))
    with lines.open("rb") as stdin:
        child = subprocess.Popen(
            [sys.executable, "-m", "repmon.cli.main", "sentiment"],
            stdin=stdin,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        assert child.stdout is not None and child.stderr is not None
        first = child.stdout.readline()
        child.stdout.close()  # like `| head -1`
        err = child.stderr.read()
        code = child.wait(timeout=60)
    # Then the command stops as a shell tool does on SIGPIPE: no message, exit 141
    assert json.loads(first)["id"] == 0
    assert err == b""
    assert code == 141
