"""`repmon brands apply` against AWS (in-process moto): a wrong table is named, exit 2, no traceback."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from moto import mock_aws

from repmon.cli.main import main

REPO = Path(__file__).resolve().parents[2]


def test_applying_to_a_table_that_does_not_exist_names_it_and_exits_2(capsys):
    with mock_aws():
        code = main(["brands", "apply", str(REPO / "brands.example.yaml"), "--table", "nope"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("error: table 'nope' not found in us-east-1")
    assert "ResourceNotFoundException" not in err and "Traceback" not in err
    assert len(err.splitlines()) == 1


def test_the_region_hint_names_the_variable_botocore_reads(capsys, monkeypatch):
    # Before: "(and check AWS_REGION)", a variable botocore ignores (it reads AWS_DEFAULT_REGION)
    monkeypatch.setenv("AWS_REGION", "eu-west-1")
    with mock_aws():
        code = main(["brands", "apply", str(REPO / "brands.example.yaml"), "--table", "nope"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("error: table 'nope' not found in us-east-1: ")
    assert "AWS_DEFAULT_REGION" in err and "check AWS_REGION" not in err


def test_applying_without_an_aws_region_says_so_and_exits_2(capsys, monkeypatch, tmp_path):
    for name in ("AWS_REGION", "AWS_DEFAULT_REGION"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    with mock_aws():
        code = main(["brands", "apply", str(REPO / "brands.example.yaml"), "--table", "repmon"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("error: table 'repmon': ") and "region" in err
    assert len(err.splitlines()) == 1


def test_applying_to_a_stack_without_an_aws_region_says_so_and_exits_2(capsys, monkeypatch, tmp_path):
    for name in ("AWS_REGION", "AWS_DEFAULT_REGION"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    with mock_aws():
        code = main(["brands", "apply", str(REPO / "brands.example.yaml"), "--stack", "repmon"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("error: stack 'repmon': ") and "region" in err
    assert len(err.splitlines()) == 1 and "Traceback" not in err


def test_applying_to_a_stack_that_does_not_exist_names_it_and_exits_2(capsys):
    with mock_aws():
        code = main(["brands", "apply", str(REPO / "brands.example.yaml"), "--stack", "nope"])
    err = capsys.readouterr().err
    assert code == 2
    # Before: "error: stack 'nope': An error occurred (ValidationError) when calling the
    # DescribeStacks operation: Stack with id nope does not exist"
    assert err == (
        "error: no stack 'nope' in us-east-1: deploy it first (README, Deploying with SAM) or give --table\n"
    )


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def _silent_endpoint() -> Iterator[str]:
    """An endpoint that takes no new connection: its accept queue is full, so a connect times out,
    as it does behind a firewall that drops packets."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(0)
        port = server.getsockname()[1]
        fillers = [socket.socket() for _ in range(4)]
        for filler in fillers:
            filler.setblocking(False)
            filler.connect_ex(("127.0.0.1", port))
        try:
            yield f"http://127.0.0.1:{port}"
        finally:
            for filler in fillers:
                filler.close()


@pytest.mark.parametrize("target", ["--table", "--stack"])
def test_offline_the_command_fails_within_seconds_saying_it_cannot_reach_aws(target, capsys, monkeypatch):
    # Before: 8 calls with backoff, 48 s, then "Could not connect to the endpoint URL"
    endpoint = f"http://127.0.0.1:{_closed_port()}"
    monkeypatch.setenv("AWS_ENDPOINT_URL", endpoint)
    started = time.monotonic()
    code = main(["brands", "apply", str(REPO / "brands.example.yaml"), target, "nope"])
    elapsed = time.monotonic() - started
    err = capsys.readouterr().err
    assert code == 2 and elapsed < 5
    assert err == (
        f"error: {target[2:]} 'nope': cannot reach {endpoint}/: offline, or a proxy or firewall in the way?\n"
    )


def test_an_endpoint_that_never_answers_fails_within_seconds(capsys, monkeypatch):
    # Before: 8 connect attempts of 5 s each, with backoff: over a minute
    with _silent_endpoint() as endpoint:
        monkeypatch.setenv("AWS_ENDPOINT_URL", endpoint)
        started = time.monotonic()
        code = main(["brands", "apply", str(REPO / "brands.example.yaml"), "--table", "nope"])
        elapsed = time.monotonic() - started
    err = capsys.readouterr().err
    assert code == 2 and elapsed < 8
    assert err.startswith(f"error: table 'nope': cannot reach {endpoint}/: offline")
