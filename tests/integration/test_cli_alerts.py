"""`repmon alerts list | mute | unmute` against a table (in-process moto)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import boto3
import pytest
from moto import mock_aws

from repmon.adapters.dynamo_notices import DynamoMuteStore
from repmon.adapters.dynamo_state import DynamoAlertLedger, DynamoWatchlist
from repmon.cli.main import main
from repmon.domain.brand import Brand
from repmon.domain.models import Alert, Severity
from tests.fakes import FixedClock
from tests.integration.test_digest_handler import log_email
from tests.template_tables import create_table

TABLE = "repmon-test"


@pytest.fixture
def ddb() -> Iterator[object]:
    with mock_aws():
        client = boto3.client("dynamodb", region_name="us-east-1")
        create_table(client, TABLE)
        DynamoWatchlist(TABLE, client).replace([Brand(id="acme", name="Acme Air", query="acme")])
        yield client


def test_mute_stores_a_mute_that_list_shows_and_unmute_ends(ddb, capsys):
    assert (
        main(
            [
                "alerts",
                "mute",
                "acme",
                "--rule",
                "volume_spike",
                "--for",
                "6h",
                "--by",
                "ana",
                "--table",
                TABLE,
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert out.startswith("muted acme: rule volume_spike until ")
    [mute] = DynamoMuteStore(TABLE, ddb).active("acme", datetime.now(UTC))
    assert timedelta(hours=5, minutes=59) < mute.until - datetime.now(UTC) <= timedelta(hours=6)

    assert main(["alerts", "list", "--table", TABLE]) == 0
    listed = capsys.readouterr().out
    assert "acme\n  muted: rule volume_spike until " in listed and ", by ana" in listed
    assert "left)" in listed and "no email in the last 7 days" in listed

    assert main(["alerts", "unmute", "acme", "--rule", "volume_spike", "--table", TABLE]) == 0
    assert capsys.readouterr().out == "unmuted acme: rule volume_spike\n"
    assert DynamoMuteStore(TABLE, ddb).active("acme", datetime.now(UTC)) == []
    assert main(["alerts", "unmute", "acme", "--table", TABLE]) == 0
    assert capsys.readouterr().out == "no mute of acme: all rules\n"


def test_list_shows_firing_rules_and_recent_emails_newest_first(ddb, capsys):
    now = datetime.now(UTC).replace(microsecond=0)
    ledger = DynamoAlertLedger(TABLE, ddb, FixedClock(now))
    for version, (hours, rule, severity) in enumerate(
        (
            (5, "volume_spike", Severity.WARNING),
            (2, "reputation_low", Severity.CRITICAL),
        ),
        start=1,
    ):
        alert = Alert(
            f"id-{rule}",
            "acme",
            "Acme Air",
            rule,
            severity,
            now - timedelta(hours=hours),
            f"{rule} crossed",
            None,
            None,
        )
        assert ledger.claim(alert, rule)
        ledger.mark_sent(alert, rule)
        log_email(ddb, alert, version)
    ledger.rearm("acme", "volume_spike", now)
    assert main(["alerts", "list", "--brand", "acme", "--table", TABLE]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "acme"
    assert lines[1].startswith("  incident inc-1: open since ")  # the incident the emails belong to
    assert lines[2].startswith("  firing: reputation_low (critical) since ")
    assert "reputation_low" in lines[3] and "id-reputation_low  reputation_low crossed" in lines[3]
    assert "volume_spike" in lines[4]


def test_an_unknown_brand_or_table_is_one_line_and_exit_2(ddb, capsys):
    assert main(["alerts", "mute", "nope", "--for", "6h", "--table", TABLE]) == 2
    assert capsys.readouterr().err == f"error: no brand 'nope' in table '{TABLE}' (brands: acme)\n"
    assert main(["alerts", "list", "--table", "missing"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: table 'missing' not found") and len(err.splitlines()) == 1


def test_list_shows_the_brands_open_incident(ddb, capsys):
    from repmon.domain.incident import Incident

    now = datetime.now(UTC).replace(microsecond=0)
    opened = Incident(
        "acme",
        "inc-1",
        now - timedelta(hours=2),
        firing=frozenset({"reputation_low"}),
        severity=Severity.CRITICAL,
        emails_sent=1,
    )
    assert DynamoAlertLedger(TABLE, ddb).save_incident(opened)
    assert main(["alerts", "list", "--table", TABLE]) == 0
    line = capsys.readouterr().out.splitlines()[1]
    assert line.startswith("  incident inc-1: open since ")
    assert line.endswith("(2h 00m), critical, rules: reputation_low, emails sent: 1")
