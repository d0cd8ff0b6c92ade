"""The digest under faults: the real DynamoNoticeLedger and SnsNoticePublisher on moto, faults
patched into moto's handlers. Invariant of every test: one digest per brand and period reaches the
inbox, never two, never none (while the period is still due: 12 hours)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ReadTimeoutError
from moto import mock_aws
from moto.dynamodb.exceptions import DynamodbException
from moto.dynamodb.responses import DynamoHandler
from moto.sns.exceptions import SNSException
from moto.sns.models import SNSBackend

from repmon.adapters.dynamo_notices import NOTICE_LEASE, DynamoNoticeLedger
from repmon.adapters.memory_notices import MemoryAlertLog, MemoryMuteStore
from repmon.adapters.sns_notices import SnsNoticePublisher
from repmon.domain.brand import Brand
from repmon.services.digests import DigestDeps, DigestRun, send_digests
from repmon.services.notify import Timing
from tests.fakes import FixedClock, InMemoryMentionStore, scored_mention
from tests.template_tables import create_table, template

AT = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)  # the brands' digest hour (UTC, default 08:00)
HOUR = timedelta(hours=1)
ONE_ATTEMPT = Config(retries={"mode": "standard", "total_max_attempts": 1})
BRANDS = [Brand(id="acme", name="Acme Air", query="acme"), Brand(id="zeta", name="Zeta", query="zeta")]


class Aws:
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
        self.store = InMemoryMentionStore()
        self.store.save([scored_mention("acme", AT - 3 * HOUR, -0.6, 50, text="acme lost my bag")])

    def digests(self) -> list[str]:
        """(brand, period) of every digest delivered so far, in order."""
        while batch := self.sqs.receive_message(QueueUrl=self.inbox, MaxNumberOfMessages=10).get("Messages"):
            for message in batch:
                self.received.append(json.loads(json.loads(message["Body"])["Message"]))
                self.sqs.delete_message(QueueUrl=self.inbox, ReceiptHandle=message["ReceiptHandle"])
        return [f"{d['brand_id']} {d['period']['kind']} {d['period']['label']}" for d in self.received]

    def run(self, at: datetime, now: datetime | None = None, publish: Any = None) -> DigestRun:
        """One hourly run scheduled at `at` (wall clock `now`), with a 300 s invocation."""
        spent = {"s": 0.0}
        ledger = DynamoNoticeLedger("repmon-test", self.ddb, FixedClock(now or at))
        publisher = publish or SnsNoticePublisher(
            self.topic, self.sns, clock=lambda: spent["s"], sleep=lambda s: spent.update(s=spent["s"] + s)
        )
        deps = DigestDeps(self.store, ledger, publisher, MemoryMuteStore(), MemoryAlertLog())
        timing = Timing(time_left=lambda: 300 - spent["s"], sleep=lambda s: spent.update(s=spent["s"] + s))
        return send_digests(BRANDS, at, deps, timing)


@pytest.fixture
def aws() -> Iterator[Aws]:
    with mock_aws():
        yield Aws()


def _sns(monkeypatch: pytest.MonkeyPatch, fault: Callable[[], Exception | None]) -> None:
    original = SNSBackend.publish

    def publish(self: SNSBackend, *args: Any, **kwargs: Any) -> Any:
        if (exc := fault()) is not None:
            raise exc
        return original(self, *args, **kwargs)

    monkeypatch.setattr(SNSBackend, "publish", publish)


def test_sns_down_for_three_hours_from_the_digest_hour_delays_each_digest_once(aws, monkeypatch):
    """SNS refuses every publish from 08:00 to 11:00. Digests received: 2, at 11:00 (one a brand),
    none lost, none doubled by the three failed runs' claims."""
    clock = {"at": AT}
    _sns(monkeypatch, lambda: SNSException("InternalError", "down") if clock["at"] < AT + 3 * HOUR else None)
    for hours in range(6):
        clock["at"] = AT + hours * HOUR
        run = aws.run(clock["at"])
        assert bool(run.errors) == (hours < 3)
    assert aws.digests() == ["acme daily 2026-11-02", "zeta daily 2026-11-02"]


def test_a_retried_delivery_of_the_same_run_sends_nothing_more(aws):
    """EventBridge delivers the 08:00 run twice (and Lambda retries it). Digests: 2, not 6."""
    for _ in range(3):
        aws.run(AT)
    assert aws.digests() == ["acme daily 2026-11-02", "zeta daily 2026-11-02"]


def test_a_run_that_dies_after_its_claim_is_covered_after_the_lease_and_never_twice(aws):
    """The 08:00 run claims acme's digest and dies before publishing (the invocation is killed).
    A retry one minute later, inside the claim's lease, must not send it (the first run might still
    be publishing); the 09:00 run, past the lease, sends it. Digests: acme 1, zeta 1."""

    class Killed(BaseException):
        pass

    class DiesOnPublish:
        def publish(self, notice: Any, within: float | None = None) -> str:
            raise Killed

    with pytest.raises(Killed):
        aws.run(AT, publish=DiesOnPublish())
    aws.run(AT, now=AT + timedelta(minutes=1))
    assert aws.digests() == ["zeta daily 2026-11-02"]
    assert NOTICE_LEASE < HOUR
    aws.run(AT + HOUR)
    assert aws.digests() == ["zeta daily 2026-11-02", "acme daily 2026-11-02"]


def test_a_throttled_sent_mark_is_retried_and_the_digest_is_not_sent_again(aws, monkeypatch):
    """SNS takes each digest, then DynamoDB refuses the next 4 writes marking them sent. The mark
    is retried within the invocation; the next hourly runs send nothing. Digests: 2, not 2 per run."""
    refused = {"n": 0}
    original = DynamoHandler.update_item

    def update_item(self: DynamoHandler) -> Any:
        if "sent = :t" in json.dumps(self.body) and refused["n"] < 4:
            refused["n"] += 1
            raise DynamodbException("ProvisionedThroughputExceededException", "Rate exceeded (injected)")
        return original(self)

    monkeypatch.setattr(DynamoHandler, "update_item", update_item)
    for hours in range(3):
        assert aws.run(AT + hours * HOUR).errors == ()
    assert refused["n"] == 4
    assert aws.digests() == ["acme daily 2026-11-02", "zeta daily 2026-11-02"]


def test_an_unanswered_publish_counts_as_sent_and_is_not_repeated(aws, monkeypatch):
    """SNS takes the publish but its answer never comes (read timeout): sending it again would email
    everyone twice. Digests: 1 a brand (the unanswered ones were delivered), none repeated."""
    original = SNSBackend.publish
    seen = {"n": 0}

    def publish(self: SNSBackend, *args: Any, **kwargs: Any) -> Any:
        original(self, *args, **kwargs)  # delivered; only the answer is lost
        seen["n"] += 1
        raise ReadTimeoutError(endpoint_url="https://sns.us-east-1.amazonaws.com")

    monkeypatch.setattr(SNSBackend, "publish", publish)
    for hours in range(3):
        assert aws.run(AT + hours * HOUR).errors == ()
    assert seen["n"] == 2
    assert sorted(aws.digests()) == ["acme daily 2026-11-02", "zeta daily 2026-11-02"]
