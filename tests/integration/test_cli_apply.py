"""`repmon brands apply` against AWS (in-process moto): a wrong table is named, exit 2, no traceback."""

from __future__ import annotations

from pathlib import Path

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
    assert err.startswith("error: stack 'nope': ") and "does not exist" in err
    assert len(err.splitlines()) == 1
