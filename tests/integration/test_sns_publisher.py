"""SnsAlertPublisher on moto: the topic from template.yaml, an SQS subscriber, filter policies."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest
from moto import mock_aws

from repmon.adapters.sns_publisher import SnsAlertPublisher
from repmon.domain.email import render_subject, render_text
from repmon.domain.errors import PublishFailed
from repmon.domain.models import Alert, IncidentNote, Severity
from repmon.domain.rules import REPUTATION_LOW
from tests.fakes import scored_mention
from tests.template_tables import template

AT = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


def _alert(severity: Severity = Severity.CRITICAL, alert_id: str = "a1") -> Alert:
    mention = scored_mention("acme", AT, -0.8, 90, native_id="t3_x", text="Acme Air lost my bag, awful")
    return Alert(
        alert_id=alert_id,
        brand_id="acme",
        brand_name="Acme Air",
        rule=REPUTATION_LOW,
        severity=severity,
        fired_at=AT,
        summary="The reputation index of Acme Air is 31 over the last 24 h (alert below 35).",
        index=31.0,
        change=-22.0,
        top_mentions=(mention,),
        details={"window_negative": 5, "baseline_hours": 168, "window_hours": 24, "window_mentions": 9},
    )


class Aws:
    def __init__(self) -> None:
        self.sns = boto3.client("sns", region_name="us-east-1")
        self.sqs = boto3.client("sqs", region_name="us-east-1")
        props = template()["Resources"]["AlertTopic"]["Properties"]
        attributes = {k: str(v) for k, v in props.items() if k in ("DisplayName", "KmsMasterKeyId")}
        self.topic_arn = self.sns.create_topic(Name="repmon-alerts", Attributes=attributes)["TopicArn"]

    def subscribe_queue(self, name: str, filter_policy: dict[str, Any] | None = None) -> str:
        url = self.sqs.create_queue(QueueName=name)["QueueUrl"]
        arn = self.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
            "QueueArn"
        ]
        attributes = {"RawMessageDelivery": "false"}
        if filter_policy:
            attributes["FilterPolicy"] = json.dumps(filter_policy)
        self.sns.subscribe(TopicArn=self.topic_arn, Protocol="sqs", Endpoint=arn, Attributes=attributes)
        return url

    def envelopes(self, url: str) -> list[dict[str, Any]]:
        messages = self.sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=0)
        return [json.loads(m["Body"]) for m in messages.get("Messages", [])]


@pytest.fixture
def aws() -> Iterator[Aws]:
    with mock_aws():
        yield Aws()


def test_a_queue_subscriber_gets_the_json_form_subject_and_attributes(aws):
    # Given an SQS queue subscribed to the alert topic (SNS envelope, not raw)
    url = aws.subscribe_queue("machines")
    alert = _alert()
    # When an alert is published
    message_id = SnsAlertPublisher(aws.topic_arn, client=aws.sns).publish(alert)
    # Then the queue holds one envelope: our subject, the filterable attributes, the JSON document
    [envelope] = aws.envelopes(url)
    assert envelope["MessageId"] == message_id
    assert envelope["Subject"] == render_subject(alert)
    attributes = {k: v["Value"] for k, v in envelope["MessageAttributes"].items()}
    assert attributes == {"brand": "acme", "rule": "reputation_low", "severity": "critical", "kind": "alert"}
    document = json.loads(envelope["Message"])
    assert (document["alert_id"], document["brand_name"], document["index"]) == ("a1", "Acme Air", 31.0)
    assert document["top_mentions"][0]["url"] == "https://example.test/reddit/t3_x"


def test_each_step_of_an_incident_is_filterable_by_kind_and_carries_its_incident(aws):
    # Given a subscription that wants only the end of incidents (a filter policy on `kind`)
    url = aws.subscribe_queue("closures", filter_policy={"kind": ["resolved"]})
    note = IncidentNote("3f2a9c" + "0" * 26, "Tue 03:30 UTC", "RESOLVED")
    publisher = SnsAlertPublisher(aws.topic_arn, client=aws.sns)
    # When an incident's update and its resolution are published
    publisher.publish(replace(_alert(), kind="update", incident=replace(note, status="WORSE")))
    publisher.publish(replace(_alert(), alert_id="a2", kind="resolved", incident=note))
    # Then only the resolution arrives, with its kind and incident in the document and the subject
    [envelope] = aws.envelopes(url)
    document = json.loads(envelope["Message"])
    assert (document["kind"], document["incident_id"], document["incident_status"]) == (
        "resolved",
        note.incident_id,
        "RESOLVED",
    )
    assert envelope["Subject"] == "[repmon] Acme Air: reputation incident 3f2a9c (opened Tue 03:30 UTC)"


def test_the_message_carries_text_for_people_and_json_for_machines(aws):
    # The per-protocol forms SNS picks from (moto delivers only the sqs one, so check the request too)
    sent: list[dict[str, Any]] = []
    aws.sns.meta.events.register("provide-client-params.sns.Publish", lambda params, **_: sent.append(params))
    alert = _alert()
    SnsAlertPublisher(aws.topic_arn, client=aws.sns).publish(alert)
    forms = json.loads(sent[0]["Message"])
    assert sent[0]["MessageStructure"] == "json"
    assert forms["default"] == forms["email"] == render_text(alert)
    assert json.loads(forms["sqs"]) == json.loads(forms["lambda"]) == json.loads(forms["https"])


def test_a_filter_policy_on_severity_delivers_only_matching_alerts(aws):
    # Given an on-call queue that only wants critical alerts, and an everything queue
    pager = aws.subscribe_queue("pager", {"severity": ["critical"]})
    everything = aws.subscribe_queue("everything")
    publisher = SnsAlertPublisher(aws.topic_arn, client=aws.sns)
    # When a warning and a critical alert are published
    publisher.publish(_alert(Severity.WARNING, "warn-1"))
    publisher.publish(_alert(Severity.CRITICAL, "crit-1"))
    # Then the pager sees only the critical one; the other queue sees both
    assert [json.loads(e["Message"])["alert_id"] for e in aws.envelopes(pager)] == ["crit-1"]
    assert sorted(json.loads(e["Message"])["alert_id"] for e in aws.envelopes(everything)) == [
        "crit-1",
        "warn-1",
    ]


def test_an_sns_error_becomes_publish_failed(aws):
    # Given a topic that does not exist (deleted, wrong ARN)
    publisher = SnsAlertPublisher(aws.topic_arn + "-gone", client=aws.sns)
    # When publishing / Then the domain error names the alert, with SNS's error code
    with pytest.raises(PublishFailed) as raised:
        publisher.publish(_alert())
    assert raised.value.alert_id == "a1" and "NotFound" in raised.value.detail


class Throttled:
    """moto's SNS refusing the next `times` publishes with Throttling; each wait spends fake time."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, times: int) -> None:
        from moto.sns.exceptions import SNSException
        from moto.sns.models import SNSBackend

        self.times, self.now, self.calls = times, 0.0, 0
        original = SNSBackend.publish

        def publish(backend: Any, *args: Any, **kwargs: Any) -> Any:
            self.calls += 1
            if self.times:
                self.times -= 1
                raise SNSException("Throttling", "Rate exceeded (injected)")
            return original(backend, *args, **kwargs)

        monkeypatch.setattr(SNSBackend, "publish", publish)

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def _one_attempt_client() -> Any:
    from botocore.config import Config

    return boto3.client("sns", region_name="us-east-1", config=Config(retries={"total_max_attempts": 1}))


def test_a_throttled_publish_is_retried_within_the_time_given(aws, monkeypatch):
    url = aws.subscribe_queue("machines")
    sns = Throttled(monkeypatch, times=3)
    publisher = SnsAlertPublisher(
        aws.topic_arn, _one_attempt_client(), clock=lambda: sns.now, sleep=sns.sleep
    )
    publisher.publish(_alert(), within=30)
    assert sns.calls == 4 and len(aws.envelopes(url)) == 1 and sns.now < 30


def test_a_publish_gives_up_before_its_time_runs_out(aws, monkeypatch):
    # Given SNS throttling for good / Then the publisher stops before starting an attempt it
    # could not finish within the time given, instead of botocore's minute of retries
    sns = Throttled(monkeypatch, times=1000)
    publisher = SnsAlertPublisher(
        aws.topic_arn, _one_attempt_client(), clock=lambda: sns.now, sleep=sns.sleep
    )
    with pytest.raises(PublishFailed, match="Throttling"):
        publisher.publish(_alert(), within=20)
    assert sns.now <= 20 and 2 <= sns.calls <= 6


def test_the_default_client_makes_one_bounded_attempt(monkeypatch):
    # botocore's own retries (8 attempts of up to 25 s) would not know the evaluator's deadline
    from repmon.adapters.sns_publisher import ATTEMPT_SECONDS, sns_client

    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    config = sns_client().meta.config
    assert config.retries["total_max_attempts"] == 1
    assert config.connect_timeout + config.read_timeout == ATTEMPT_SECONDS


class LostAnswers:
    """moto's SNS failing the next `times` publishes with `error`, after taking it if `taken`."""

    def __init__(
        self, monkeypatch: pytest.MonkeyPatch, error: Exception, taken: bool, times: int = 1
    ) -> None:
        from moto.sns.models import SNSBackend

        self.calls, self.now = 0, 0.0
        original = SNSBackend.publish

        def publish(backend: Any, *args: Any, **kwargs: Any) -> Any:
            self.calls += 1
            if self.calls > times:
                return original(backend, *args, **kwargs)
            if taken:
                original(backend, *args, **kwargs)
            raise error

        monkeypatch.setattr(SNSBackend, "publish", publish)

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def test_a_publish_whose_answer_was_lost_is_not_sent_again(aws, monkeypatch, caplog):
    # Given SNS taking the message but its answer lost (the 6 s read timed out)
    from botocore.exceptions import ReadTimeoutError

    url = aws.subscribe_queue("machines")
    sns = LostAnswers(monkeypatch, ReadTimeoutError(endpoint_url="https://sns"), taken=True)
    publisher = SnsAlertPublisher(
        aws.topic_arn, _one_attempt_client(), clock=lambda: sns.now, sleep=sns.sleep
    )
    # When it is published / Then it counts as sent, unconfirmed, with a warning: one email, not two
    with caplog.at_level("WARNING"):
        message_id = publisher.publish(_alert(), within=30)
    assert sns.calls == 1 and len(aws.envelopes(url)) == 1
    assert message_id.startswith("unconfirmed") and "a1" in caplog.text


def test_a_publish_that_could_not_connect_is_retried(aws, monkeypatch):
    # Given SNS unreachable once (the request never left): retrying cannot send a second email
    from botocore.exceptions import ConnectTimeoutError

    url = aws.subscribe_queue("machines")
    sns = LostAnswers(monkeypatch, ConnectTimeoutError(endpoint_url="https://sns"), taken=False)
    publisher = SnsAlertPublisher(
        aws.topic_arn, _one_attempt_client(), clock=lambda: sns.now, sleep=sns.sleep
    )
    assert not publisher.publish(_alert(), within=30).startswith("unconfirmed")
    assert sns.calls == 2 and len(aws.envelopes(url)) == 1
