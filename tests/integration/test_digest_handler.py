"""The send_digest handler on moto: the table and topic from template.yaml, subscribers filtering on
`kind`, the notice ledger's claims and the mutes and alert log read back from DynamoDB."""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from repmon.adapters.dynamo_notices import DynamoAlertLog, DynamoMuteStore, DynamoNoticeLedger
from repmon.adapters.dynamo_state import DynamoAlertLedger, DynamoWatchlist
from repmon.adapters.dynamo_store import DynamoMentionStore
from repmon.domain.brand import Brand
from repmon.domain.incident import Incident
from repmon.domain.models import Alert, Severity
from repmon.domain.mutes import Mute
from repmon.domain.notices import Notice
from repmon.runtime import notice_wiring
from tests.fakes import FixedClock, scored_mention
from tests.integration.test_sns_publisher import Aws
from tests.template_tables import create_table

TABLE = "repmon-test"
AT = datetime(2026, 11, 2, 7, 0, tzinfo=UTC)  # 08:00 in Paris
PARIS = {"timezone": "Europe/Paris", "digest": {"hour": 8}}


class Stack(Aws):
    def __init__(self) -> None:
        super().__init__()
        self.ddb = boto3.client("dynamodb", region_name="us-east-1")
        create_table(self.ddb, TABLE)


@pytest.fixture
def stack(monkeypatch: pytest.MonkeyPatch) -> Iterator[Stack]:
    with mock_aws():
        aws = Stack()
        monkeypatch.setenv("TABLE_NAME", TABLE)
        monkeypatch.setenv("ALERT_TOPIC_ARN", aws.topic_arn)
        notice_wiring._digest_deps.cache_clear()
        yield aws
        notice_wiring._digest_deps.cache_clear()


def _handler() -> Any:
    path = Path(__file__).resolve().parents[2] / "functions" / "send_digest" / "app.py"
    spec = importlib.util.spec_from_file_location("send_digest_app", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class LambdaContext:
    function_name = "send_digest"
    memory_limit_in_mb = 512
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:send_digest"
    aws_request_id = "req-1"

    def get_remaining_time_in_millis(self) -> int:
        return 300_000


def _brand(brand_id: str, **extra: Any) -> Brand:
    return Brand.model_validate(
        {"id": brand_id, "name": brand_id.title(), "query": brand_id, **PARIS, **extra}
    )


def test_given_a_due_brand_when_the_hourly_run_and_its_retry_come_then_one_digest_reaches_digest_subscribers(
    stack,
):
    # Given two brands (acme compares itself with zeta), a day of mentions, an alert sent, a mute
    DynamoWatchlist(TABLE, stack.ddb).replace([_brand("acme", competitors=["zeta"]), _brand("zeta")])
    store = DynamoMentionStore(TABLE, FixedClock(AT), stack.ddb)
    store.save(
        [
            scored_mention("acme", AT - timedelta(hours=3), -0.8, 90, text="flight cancelled, awful"),
            scored_mention("zeta", AT - timedelta(hours=2), 0.6, 10, text="zeta is great"),
        ]
    )
    alert = Alert(
        "al1", "acme", "Acme", "reputation_low", Severity.CRITICAL, AT - timedelta(hours=2), "low", 30.0, None
    )
    log_email(stack.ddb, alert)
    DynamoMuteStore(TABLE, stack.ddb).put(Mute("acme", "*", AT + timedelta(hours=5), AT, "ana"))
    managers = stack.subscribe_queue("managers", {"kind": ["digest"]})
    engineers = stack.subscribe_queue("engineers", {"kind": ["ops"]})
    app = _handler()

    # When the hourly run comes, and is delivered again (a retry of the same scheduled time)
    event = {"scheduled_time": "2026-11-02T07:00:00Z"}
    first = app.handler(event, LambdaContext())
    again = app.handler(event, LambdaContext())
    later = app.handler({"scheduled_time": "2026-11-02T08:00:00Z"}, LambdaContext())

    # Then each brand's digest went out once, to the digest subscribers only
    assert (first["sent"], again["sent"], later["sent"]) == (2, 0, 0)
    envelopes = stack.envelopes(managers)
    assert sorted(json.loads(e["Message"])["brand_id"] for e in envelopes) == ["acme", "zeta"]
    assert stack.envelopes(engineers) == []
    acme = next(e for e in envelopes if json.loads(e["Message"])["brand_id"] == "acme")
    attributes = {k: v["Value"] for k, v in acme["MessageAttributes"].items()}
    assert attributes == {"kind": "digest", "brand": "acme", "rule": "daily", "severity": "info"}
    assert acme["Subject"].startswith("[DIGEST] Acme: Daily digest to 2026-11-02")
    document = json.loads(acme["Message"])
    assert document["share_of_voice"] == {"acme": 1, "zeta": 1}
    assert [a["alert_id"] for a in document["alerts"]] == ["al1"]
    assert document["mutes"] == [{"rule": "*", "until": "2026-11-02T12:00:00Z"}]
    assert document["complaints"][0]["url"].startswith("https://example.test/reddit/")


def log_email(ddb: Any, alert: Alert, version: int = 1) -> None:
    """An email of the alert log, written as the evaluator writes it (with its incident)."""
    incident = Incident(alert.brand_id, "inc-1", alert.fired_at, version=version)
    assert DynamoAlertLedger(TABLE, ddb).email_sent(incident, alert)


def _notice(notice_id: str = "n1") -> Notice:
    return Notice(notice_id, "digest", "acme", "s", "t")


def test_the_notice_ledger_holds_a_live_claim_and_gives_up_a_dead_one_after_its_lease(stack):
    clock = FixedClock(AT)
    ledger = DynamoNoticeLedger(TABLE, stack.ddb, clock, lease=timedelta(minutes=6))
    assert ledger.claim("acme", "digest#daily#2026-11-02", _notice(), AT)
    assert not ledger.claim("acme", "digest#daily#2026-11-02", _notice(), AT)  # a live run holds it
    clock.advance(minutes=7)
    assert ledger.claim("acme", "digest#daily#2026-11-02", _notice(), AT)  # that run died: take over
    ledger.mark_sent("acme", "digest#daily#2026-11-02", _notice())
    clock.advance(hours=2)
    assert not ledger.claim("acme", "digest#daily#2026-11-02", _notice(), AT)
    assert ledger.state("acme", "digest#daily#2026-11-02").sent
    ledger.rearm("acme", "digest#daily#2026-11-02", AT)
    assert ledger.claim("acme", "digest#daily#2026-11-02", _notice("n2"), AT)


def test_a_mute_is_stored_with_its_ttl_and_not_read_back_once_over(stack):
    mutes = DynamoMuteStore(TABLE, stack.ddb)
    mutes.put(Mute("acme", "volume_spike", AT + timedelta(hours=6), AT, "ana"))
    item = stack.ddb.get_item(
        TableName=TABLE, Key={"pk": {"S": "BRAND#acme"}, "sk": {"S": "MUTE#volume_spike"}}
    )
    assert item["Item"]["expires_at"]["N"] == str(int((AT + timedelta(hours=6)).timestamp()))
    assert [m.rule for m in mutes.active("acme", AT)] == ["volume_spike"]
    assert mutes.active("acme", AT + timedelta(hours=6)) == []  # over, whether TTL deleted it or not
    assert mutes.remove("acme", "volume_spike") and not mutes.remove("acme", "volume_spike")


def test_the_alert_log_reads_the_evaluators_sent_alerts_of_a_period(stack):
    for version, (hours, alert_id) in enumerate(((30, "old"), (3, "in")), start=1):
        alert = Alert(
            alert_id,
            "acme",
            "Acme",
            "volume_spike",
            Severity.WARNING,
            AT - timedelta(hours=hours),
            "x",
            None,
            None,
        )
        log_email(stack.ddb, replace(alert, kind="update"), version)
    found = DynamoAlertLog(TABLE, stack.ddb).sent_between("acme", AT - timedelta(days=1), AT)
    assert [(a.alert_id, a.kind) for a in found] == [("in", "update")]


def test_the_digest_counts_replies_locations_and_tiers_as_the_dynamo_store_keeps_them(stack):
    # Given reviews of two Trustpilot locations stored unanswered, one answered later
    # (record_replies), and a VIP's complaint on Bluesky, all through the DynamoDB store
    from repmon.domain.models import Reply
    from repmon.domain.replies import ReplyLink

    DynamoWatchlist(TABLE, stack.ddb).replace([_brand("acme")])
    store = DynamoMentionStore(TABLE, FixedClock(AT), stack.ddb)

    def stored(hours: int, nid: str, source: str, **fields: Any) -> Any:
        sm = scored_mention("acme", AT - timedelta(hours=hours), -0.6, 10, native_id=nid, source=source)
        return replace(sm, mention=replace(sm.mention, replies_visible=True, **fields))

    store.save(
        [
            stored(3, "t1", "trustpilot", rating=1, location_id="paris", location_name="Acme Paris"),
            stored(4, "t2", "trustpilot", rating=2, location_id="lyon", location_name="Acme Lyon"),
            stored(5, "b1", "bluesky", customer_tier="vip"),
        ]
    )
    store.record_replies([ReplyLink("acme", "trustpilot", "t1", Reply(AT - timedelta(hours=2)))])
    # When the digest run comes
    managers = stack.subscribe_queue("managers", {"kind": ["digest"]})
    _handler().handler({"scheduled_time": "2026-11-02T07:00:00Z"}, LambdaContext())
    # Then its figures are those the store keeps: one of three answered, after an hour
    [envelope] = stack.envelopes(managers)
    document = json.loads(envelope["Message"])
    overall, *_ = document["replies"]["groups"]
    assert (overall["mentions"], overall["replied"], overall["median_minutes"]) == (3, 1, 60.0)
    assert [(g["source"], g["location"]) for g in document["replies"]["groups"][1:]] == [
        ("trustpilot", ""),
        ("trustpilot", "Acme Lyon"),
        ("trustpilot", "Acme Paris"),
        ("bluesky", ""),
    ]
    assert [(loc["location"], loc["reviews"], loc["low_stars"]) for loc in document["locations"]] == [
        ("Acme Lyon", 1, 1),
        ("Acme Paris", 1, 1),
    ]
    assert {c["id"]: c["customer_tier"] for c in document["complaints"]}["bluesky#b1"] == "vip"
