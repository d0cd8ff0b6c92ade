"""The evaluator under faults: the real DynamoAlertLedger and SnsAlertPublisher on moto (faults
patched into moto's handlers), or a fake of our publisher port where the test is about our protocol.

Invariant checked by every test: one email per crossing, none lost; brands a run cannot finish are
evaluated later or reported deferred. Before/after figures in each docstring.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from botocore.config import Config
from moto import mock_aws
from moto.dynamodb.exceptions import DynamodbException
from moto.dynamodb.responses import DynamoHandler
from moto.sns.exceptions import SNSException
from moto.sns.models import SNSBackend

from repmon.adapters.dynamo_state import CLAIM_LEASE, DynamoAlertLedger
from repmon.adapters.sns_publisher import SnsAlertPublisher
from repmon.domain.brand import Brand
from repmon.domain.errors import PublishFailed
from repmon.domain.models import Alert, HourlyAggregate
from repmon.domain.reputation import HOUR, floor_hour
from repmon.domain.rules import REPUTATION_LOW, VOLUME_SPIKE
from repmon.services.evaluate import Timing, evaluate_all
from tests.fakes import FixedClock, InMemoryMentionStore
from tests.template_tables import create_table, template

AT = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
DAY = timedelta(days=1)
STEP = timedelta(minutes=5)
ONE_ATTEMPT = Config(retries={"mode": "standard", "total_max_attempts": 1})


class ScriptedIndex(InMemoryMentionStore):
    """Each evaluation reads one bucket, an hour old: index 29 (under 35) in a crisis, else 59;
    `volume` mentions in it (20 or more is a volume spike). Before it, a baseline week of 2 unscored
    mentions an hour: the volume rules judge against a history (without one they hold), and no
    baseline index moves the index rules."""

    def __init__(self, crisis: Callable[[datetime], bool], volume: int = 12) -> None:
        super().__init__()
        self.crisis, self.volume, self.now = crisis, volume, AT

    def hourly(self, brand_id: str, since: datetime, until: datetime) -> list[HourlyAggregate]:
        at = self.now
        mean = -0.7 if self.crisis(at) else 0.3
        negative, positive = (self.volume, 0) if mean < 0 else (0, self.volume)
        hour = floor_hour(at) - HOUR
        quiet = [
            HourlyAggregate(brand_id, h, 2, unscored=2)
            for h in (since + n * HOUR for n in range(int((until - since) / HOUR)))
            if h < hour - DAY
        ]
        return [
            *quiet,
            HourlyAggregate(
                brand_id,
                hour,
                self.volume,
                negative=negative,
                positive=positive,
                weight_sum=60.0,
                weighted_sentiment_sum=60 * mean,
            ),
        ]


class Aws:
    """moto: the table and topic from template.yaml, and an SQS queue standing for the inbox."""

    def __init__(self) -> None:
        self.ddb = boto3.client("dynamodb", region_name="us-east-1", config=ONE_ATTEMPT)
        create_table(self.ddb)
        self.sns = boto3.client("sns", region_name="us-east-1", config=ONE_ATTEMPT)
        self.sqs = boto3.client("sqs", region_name="us-east-1")
        props = template()["Resources"]["AlertTopic"]["Properties"]
        attributes = {k: str(v) for k, v in props.items() if k in ("DisplayName", "KmsMasterKeyId")}
        self.topic = self.sns.create_topic(Name="repmon-alerts", Attributes=attributes)["TopicArn"]
        self.inbox = self.sqs.create_queue(QueueName="inbox")["QueueUrl"]
        arn = self.sqs.get_queue_attributes(QueueUrl=self.inbox, AttributeNames=["QueueArn"])
        self.sns.subscribe(TopicArn=self.topic, Protocol="sqs", Endpoint=arn["Attributes"]["QueueArn"])
        self.received: list[dict[str, Any]] = []

    def emails(self) -> list[dict[str, Any]]:
        """Every alert document delivered so far, in order."""
        while batch := self.sqs.receive_message(QueueUrl=self.inbox, MaxNumberOfMessages=10).get("Messages"):
            for message in batch:
                self.received.append(json.loads(json.loads(message["Body"])["Message"]))
                self.sqs.delete_message(QueueUrl=self.inbox, ReceiptHandle=message["ReceiptHandle"])
        return self.received


@pytest.fixture
def aws() -> Iterator[Aws]:
    with mock_aws():
        yield Aws()


class Invocation:
    """A Lambda invocation's clock: `timeout` seconds from its start; sleeping spends them."""

    def __init__(self, timeout: float = 120.0) -> None:
        self.timeout, self.elapsed = timeout, 0.0

    def timing(self) -> Timing:
        return Timing(time_left=lambda: self.timeout - self.elapsed, sleep=self.spend)

    def spend(self, seconds: float) -> None:
        self.elapsed += seconds


def _brand(brand_id: str = "acme") -> Brand:
    return Brand(id=brand_id, name="Acme Air", query='"acme air"')


def _run(aws: Aws, store: ScriptedIndex, at: datetime, brands: list[Brand] | None = None) -> Any:
    store.now = at
    clock = FixedClock(at)  # the ledger's lease runs on wall-clock time: one step per run here
    ledger = DynamoAlertLedger("repmon-test", aws.ddb, clock=clock)
    invocation = Invocation()
    publisher = SnsAlertPublisher(
        aws.topic, aws.sns, clock=lambda: invocation.elapsed, sleep=invocation.spend
    )
    return evaluate_all(brands or [_brand()], at, store, ledger, publisher, invocation.timing())


def _sns_down(monkeypatch: pytest.MonkeyPatch, down: Callable[[], bool]) -> None:
    original = SNSBackend.publish

    def publish(self: SNSBackend, *args: Any, **kwargs: Any) -> Any:
        if down():
            raise SNSException("InternalError", "SNS is down (injected)")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(SNSBackend, "publish", publish)


def test_an_alert_claimed_during_an_sns_outage_is_announced_when_the_crisis_recovers_first(aws, monkeypatch):
    """SNS down for 2 h from the crossing; the index recovers after 1 h, before SNS does.
    Emails for the crossing: before incidents 1 "fired and recovered" notice; now the incident's
    opening email (claimed at 12:00, sent under that id once SNS is back at 14:00), then its
    resolution (recovered at 13:00 and settled for an hour by then). A later crisis opens a new one."""
    clock = {"at": AT}
    _sns_down(monkeypatch, lambda: clock["at"] < AT + 2 * HOUR)
    store = ScriptedIndex(crisis=lambda at: at < AT + HOUR or at >= AT + 4 * HOUR)
    for n in range(0, 3 * 12 + 1):  # every five minutes for three hours
        clock["at"] = AT + n * STEP
        _run(aws, store, clock["at"])
    opened, resolved = aws.emails()
    assert (opened["kind"], opened["incident_status"], opened["rule"]) == ("alert", "OPEN", REPUTATION_LOW)
    assert opened["fired_at"] == "2026-11-01T14:00:00Z"  # sent when SNS came back...
    assert opened["subject"] == resolved["subject"]  # ...under the incident's one subject
    assert (resolved["kind"], resolved["incident_status"]) == ("resolved", "RESOLVED")
    assert resolved["incident_id"] == opened["incident_id"] and resolved["alert_id"] != opened["alert_id"]
    assert "Lasted: 1 h 00 min" in resolved["text"]
    # The next crossing is a new incident, announced at once
    for n in range(4 * 12, 4 * 12 + 3):
        _run(aws, store, AT + n * STEP)
    third = aws.emails()[2]
    assert (
        len(aws.emails()) == 3 and third["kind"] == "alert" and third["incident_id"] != opened["incident_id"]
    )


def _throttle_sent_writes(monkeypatch: pytest.MonkeyPatch, failures: int) -> Counter[str]:
    """The next `failures` writes that record an alert as sent (the log item or the state's mark)
    are refused with ProvisionedThroughputExceededException, as an over-used partition is."""
    seen: Counter[str] = Counter()

    def wrap(name: str) -> None:
        original = getattr(DynamoHandler, name)

        def handler(self: DynamoHandler) -> Any:
            body = json.dumps(self.body)
            if ("sent = :t" in body or '"ALERT#' in body) and seen["throttled"] < failures:
                seen["throttled"] += 1
                raise DynamodbException("ProvisionedThroughputExceededException", "Rate exceeded (injected)")
            return original(self)

        monkeypatch.setattr(DynamoHandler, name, handler)

    for name in ("put_item", "update_item", "transact_write_items"):
        wrap(name)
    return seen


def test_a_throttled_sent_write_does_not_send_the_alert_again(aws, monkeypatch):
    """SNS accepts the opening email, then DynamoDB throttles the writes recording it (and the
    rule's firing) as sent (5 refusals, after the client's own retries). Emails over the next hour:
    before 6 (every run re-sent it while the writes were refused: 5 duplicates); after 1."""
    seen = _throttle_sent_writes(monkeypatch, failures=5)
    store = ScriptedIndex(crisis=lambda at: True)
    first = _run(aws, store, AT)
    for n in range(1, 13):
        _run(aws, store, AT + n * STEP)
    assert [e["rule"] for e in aws.emails()] == [REPUTATION_LOW]
    assert seen["throttled"] == 5 and first.problems == {}


def test_one_failing_rule_does_not_stop_the_brands_other_rules(aws, monkeypatch):
    """Every write to reputation_low's state item fails (DynamoDB InternalServerError) during a crisis
    with a volume spike. volume_spike emails: before 0 (the brand's evaluation stopped at the first
    rule, every run); after 1, and the run still fails so Lambda retries it; the retry (same
    scheduled time) sends nothing twice."""
    original = DynamoHandler.update_item

    def update_item(self: DynamoHandler) -> Any:
        if f"RULE#{REPUTATION_LOW}" in json.dumps(self.body):
            raise DynamodbException("InternalServerError", "Internal server error (injected)")
        return original(self)

    monkeypatch.setattr(DynamoHandler, "update_item", update_item)
    store = ScriptedIndex(crisis=lambda at: True, volume=30)
    run = _run(aws, store, AT)
    retry = _run(aws, store, AT)
    assert [e["rule"] for e in aws.emails()] == [VOLUME_SPIKE]
    assert REPUTATION_LOW in run.problems["acme"] and run.errors == 1
    assert retry.published == 0 and retry.errors == 1


class SlowPublisher:
    """Our publisher port as a throttled SNS makes it: each alert takes `cost` seconds of the
    invocation (33 s measured), honouring `within` as SnsAlertPublisher does. Past the Lambda's
    timeout the invocation is killed: nothing after that happens."""

    def __init__(self, invocation: Invocation, cost: float = 33.0) -> None:
        self.invocation, self.cost = invocation, cost
        self.sent: list[Alert] = []

    def publish(self, alert: Alert, within: float | None = None) -> str:
        if within is not None and within < self.cost:
            self.invocation.spend(within)
            raise PublishFailed(alert.alert_id, "throttled until the time given ran out")
        self.invocation.spend(self.cost)
        if self.invocation.elapsed > self.invocation.timeout:
            raise Killed
        self.sent.append(alert)
        return "id"


class Killed(BaseException):
    pass


def test_slow_publishes_near_the_deadline_defer_the_rest_instead_of_timing_out(aws):
    """Six brands in crisis, each alert taking 33 s to publish, in a 120 s invocation.
    Before: 3 alerts sent, the 4th publish killed at the timeout, 3 brands neither evaluated nor
    reported deferred (and the killed alert's claim re-sent only after the lease).
    After: 3 sent, 3 brands reported deferred, no timeout; the next runs send the other 3 once."""
    brands = [_brand(f"b{n}") for n in range(6)]
    store = ScriptedIndex(crisis=lambda at: True)
    sent: list[Alert] = []
    for n in range(4):
        at = AT + n * STEP
        store.now = at
        invocation = Invocation()
        publisher = SlowPublisher(invocation)
        ledger = DynamoAlertLedger("repmon-test", aws.ddb, clock=FixedClock(at))
        run = evaluate_all(brands, at, store, ledger, publisher, invocation.timing())
        sent += publisher.sent
        assert invocation.elapsed <= invocation.timeout
        assert {r.brand_id for r in run.results} | set(run.deferred) == {b.id for b in brands}
        if n == 0:
            assert len(publisher.sent) == 3 and len(run.deferred) == 3
    assert sorted(a.brand_id for a in sent) == [b.id for b in brands]


def test_the_claim_lease_outlasts_the_evaluator_and_expires_before_its_next_run():
    """A claim older than the lease must belong to an invocation that is over (else a live run's
    alert is sent twice), and the next scheduled run must be able to take over a dead run's claim.
    Before: lease 120 s = the timeout, no margin; after: 150 s."""
    resources = template()["Resources"]
    timeout = timedelta(seconds=resources["EvaluateReputationFunction"]["Properties"]["Timeout"])
    interval = timedelta(minutes=int(template()["Parameters"]["EvaluateIntervalMinutes"]["Default"]))
    assert timeout + timedelta(seconds=30) <= CLAIM_LEASE
    assert interval - timeout > CLAIM_LEASE
