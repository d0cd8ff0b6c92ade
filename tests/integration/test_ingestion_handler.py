"""The check_ingestion handler on moto: poll health as the collector writes it, a filled dead-letter
queue, ops alerts to the subscribers filtering on kind=ops only, once per crossing."""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from repmon.adapters.dynamo_health import DynamoPollHealth
from repmon.adapters.dynamo_state import DynamoWatchlist
from repmon.domain.brand import Brand
from repmon.runtime import notice_wiring
from tests.integration.test_sns_publisher import Aws
from tests.template_tables import create_table

TABLE = "repmon-test"
AT = datetime(2026, 11, 2, 12, 0, tzinfo=UTC)


class Stack(Aws):
    def __init__(self) -> None:
        super().__init__()
        self.ddb = boto3.client("dynamodb", region_name="us-east-1")
        create_table(self.ddb, TABLE)
        self.dlq = self.sqs.create_queue(QueueName="repmon-PollJobDeadLetterQueue")["QueueUrl"]
        self.reddit_dlq = self.sqs.create_queue(QueueName="repmon-RedditPollJobDeadLetterQueue")["QueueUrl"]


@pytest.fixture
def stack(monkeypatch: pytest.MonkeyPatch) -> Iterator[Stack]:
    with mock_aws():
        aws = Stack()
        env = {"TABLE_NAME": TABLE, "ALERT_TOPIC_ARN": aws.topic_arn, "POLL_DEAD_LETTER_QUEUE_URL": aws.dlq}
        env["REDDIT_POLL_DEAD_LETTER_QUEUE_URL"] = aws.reddit_dlq
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        notice_wiring._ingestion_deps.cache_clear()
        yield aws
        notice_wiring._ingestion_deps.cache_clear()


def _handler() -> Any:
    path = Path(__file__).resolve().parents[2] / "functions" / "check_ingestion" / "app.py"
    spec = importlib.util.spec_from_file_location("check_ingestion_app", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class LambdaContext:
    function_name = "check_ingestion"
    memory_limit_in_mb = 256
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:check_ingestion"
    aws_request_id = "req-1"

    def get_remaining_time_in_millis(self) -> int:
        return 120_000


def test_failing_polls_and_dead_letters_reach_the_engineers_once(stack):
    DynamoWatchlist(TABLE, stack.ddb).replace([Brand(id="acme", name="Acme Air", query="acme")])
    health = DynamoPollHealth(TABLE, stack.ddb)
    health.succeeded("acme", "hackernews", AT - timedelta(hours=3), stuck=False)
    for n in range(5):
        health.failed("acme", "hackernews", AT - timedelta(minutes=10 * n), "SourceUnavailable: 503")
    stack.sqs.send_message(QueueUrl=stack.dlq, MessageBody="{}")
    engineers = stack.subscribe_queue("engineers", {"kind": ["ops"]})
    managers = stack.subscribe_queue("managers", {"kind": ["digest", "alert"]})
    app = _handler()

    first = app.handler({"scheduled_time": "2026-11-02T12:00:00Z"}, LambdaContext())
    again = app.handler({"scheduled_time": "2026-11-02T12:00:00Z"}, LambdaContext())

    assert (first["sent"], again["sent"]) == (2, 0)
    subjects = sorted(e["Subject"] for e in stack.envelopes(engineers))
    assert subjects == [
        "[OPS] Acme Air: hackernews polls failing",
        "[OPS] poll jobs in repmon-PollJobDeadLetterQueue",
    ]
    assert stack.envelopes(managers) == []
    [noted] = health.of_brand("acme")
    assert (noted.failures, noted.last_success) == (5, AT - timedelta(hours=3))


def test_the_health_item_keeps_the_first_stuck_poll_and_a_moving_poll_clears_it(stack):
    health = DynamoPollHealth(TABLE, stack.ddb)
    health.succeeded("acme", "reddit", AT, stuck=True)
    health.succeeded("acme", "reddit", AT + timedelta(minutes=5), stuck=True)
    assert health.of_brand("acme")[0].stuck_since == AT
    health.succeeded("acme", "reddit", AT + timedelta(minutes=10), stuck=False)
    assert health.of_brand("acme")[0].stuck_since is None
