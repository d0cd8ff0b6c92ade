"""`repmon customers apply` against moto: good rows stored as keyed hashes only, each bad row named by
its line on stderr (exit 2, the rest applied), no raw handle anywhere: table, stdout, stderr, logs.
The collector's lookup through the same adapter finds the tiers it stored."""

from __future__ import annotations

import logging
from pathlib import Path

import boto3
import pytest
from moto import mock_aws

from repmon.adapters.customers import DynamoKnownCustomers
from repmon.cli.main import main
from repmon.domain.flat import hmac_pseudonymiser
from tests.template_tables import create_table

KEY = "k" * 32
HANDLES = ("kim.bsky.social", "ann@toot.example", "someone", "Kim.BSky.Social", "dora")
CSV = """platform,handle,tier
bluesky,@Kim.BSky.Social,vip
mastodon,ann@toot.example,customer
reddit,someone,vip
hackernews,dora,platinum
"""


@pytest.fixture
def aws():  # type: ignore[no-untyped-def]
    with mock_aws():
        ddb = boto3.client("dynamodb", region_name="us-east-1")
        table = create_table(ddb)
        boto3.client("secretsmanager", region_name="us-east-1").create_secret(Name="pkey", SecretString=KEY)
        yield ddb, table


def apply(path: Path, table: str) -> int:
    return main(["customers", "apply", str(path), "--table", table, "--key-secret", "pkey"])


def test_good_rows_are_stored_hashed_bad_rows_named_and_exit_is_2(aws, tmp_path, capsys, caplog) -> None:  # type: ignore[no-untyped-def]
    ddb, table = aws
    path = tmp_path / "customers.csv"
    path.write_text(CSV)
    with caplog.at_level(logging.DEBUG):
        code = apply(path, table)
    out, err = capsys.readouterr()
    assert code == 2
    assert err.splitlines() == [
        f"error: {path}:4: Reddit's Responsible Builder Policy forbids matching Redditors with off-platform "
        "identifiers: Reddit authors are never matched",
        f"error: {path}:5: tier 'platinum' is not one of vip, customer, churn-risk",
    ]
    assert out == f"{path}: stored 2 customer(s) in {table}, removed 0; 2 bad row(s) not applied\n"
    items = ddb.scan(TableName=table)["Items"]
    assert len(items) == 2 and all(i["sk"]["S"].startswith("C#") for i in items)
    seen = str(items) + out + caplog.text
    assert not any(h.lower() in seen.lower() for h in HANDLES)
    lookup = DynamoKnownCustomers(table, ddb, hmac_pseudonymiser(KEY.encode()))
    found = lookup.tiers(
        [("bluesky", "kim.bsky.social"), ("mastodon", "ann@toot.example"), ("bluesky", "x.y")]
    )
    assert found == {("bluesky", "kim.bsky.social"): "vip", ("mastodon", "ann@toot.example"): "customer"}


def test_applying_again_replaces_the_table_and_a_file_without_good_rows_changes_nothing(
    aws, tmp_path, capsys
) -> None:  # type: ignore[no-untyped-def]
    ddb, table = aws
    path = tmp_path / "customers.csv"
    path.write_text(CSV)
    apply(path, table)
    path.write_text("bluesky,kim.bsky.social,customer\n")
    assert apply(path, table) == 0
    assert "stored 1 customer(s)" in capsys.readouterr().out and len(ddb.scan(TableName=table)["Items"]) == 1
    path.write_text("name;email\nKim;kim@example.com\n")
    assert apply(path, table) == 2
    out, err = capsys.readouterr()
    assert "unchanged" in out and ":1: expected 3 columns" in err and "kim@example.com" not in err + out
    assert len(ddb.scan(TableName=table)["Items"]) == 1


def test_without_a_table_or_key_the_error_says_what_to_give(tmp_path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("TABLE_NAME", raising=False)
    monkeypatch.delenv("PSEUDONYM_KEY_NAME", raising=False)
    path = tmp_path / "c.csv"
    path.write_text("bluesky,kim.bsky.social,vip\n")
    assert main(["customers", "apply", str(path)]) == 2
    assert capsys.readouterr().err.startswith("error: customers apply: give --stack NAME")
    assert main(["customers", "apply", str(tmp_path / "missing.csv")]) == 2
    assert "cannot read it" in capsys.readouterr().err
