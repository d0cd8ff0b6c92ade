"""Engagement re-reads on DynamoDB (moto, the table from template.yaml): a read moves the mention's
counts, influence and place in the negative index, and the hour's weighted sums by the difference,
once whatever the retries; a read of a mention another read moved is dropped; history is kept."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from moto import mock_aws

from repmon.adapters.dynamo_engagement import DynamoEngagementStore
from repmon.adapters.dynamo_store import DynamoMentionStore
from repmon.domain.models import Author, Engagement, Mention, ScoredMention, Sentiment
from repmon.domain.reputation import weight
from tests.fakes import FixedClock
from tests.template_tables import create_table

T0 = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
LATER = T0 + timedelta(minutes=30)


def complaint(native_id: str, influence: float = 10.0) -> ScoredMention:
    mention = Mention("reddit", native_id, T0, "acme lost my bag", author=Author(id="a", handle="a"))
    return ScoredMention("acme", mention, Sentiment("negative", -0.8), influence)


@pytest.fixture
def stores() -> Any:
    with mock_aws():
        client = boto3.client("dynamodb", region_name="us-east-1")
        table = create_table(client)
        yield DynamoMentionStore(table, FixedClock(T0), client), DynamoEngagementStore(table, client), client


def test_a_read_is_applied_once_and_the_hours_sums_stay_those_of_the_mentions(stores: Any) -> None:
    store, kept, client = stores
    store.save([complaint("t3_a"), complaint("t3_b")])
    [sm, _] = store.mentions_between("acme", T0, T0 + timedelta(hours=1))
    grown = Engagement(score=900, comments=40)
    # When the read is recorded, then retried (same job), then a stale copy of it from another run
    assert kept.record(sm, grown, 60.0, LATER) is True
    assert kept.record(sm, grown, 60.0, LATER) is False
    assert kept.record(sm, grown, 61.0, LATER + timedelta(minutes=5)) is False  # read influence 10, now 60
    # Then the mention holds the read, the negative index orders it by its new influence
    found = {m.key: m for m in store.mentions_between("acme", T0, T0 + timedelta(hours=1))}
    assert found["reddit#t3_a"].mention.engagement.score == 900 and found["reddit#t3_a"].influence == 60.0
    top = store.most_negative("acme", T0, T0 + timedelta(hours=1), 50.0, 10)
    assert [m.key for m in top] == ["reddit#t3_a"]
    # And the hour's sums are those of its mentions now, each once
    [hour] = store.hourly("acme", T0, T0 + timedelta(hours=1))
    assert abs(hour.weight_sum - (weight(60.0) + weight(10.0))) < 1e-5
    assert abs(hour.weighted_sentiment_sum - -0.8 * (weight(60.0) + weight(10.0))) < 1e-5
    assert kept.last_reads("acme", ["reddit#t3_a", "reddit#t3_b"]) == {"reddit#t3_a": LATER}
    history = client.query(
        TableName=store.table,
        KeyConditionExpression="pk = :pk AND begins_with(sk, :e)",
        ExpressionAttributeValues={":pk": {"S": "BRAND#acme"}, ":e": {"S": "ENGAGE#"}},
    )["Items"]
    assert len(history) == 2 and all("expires_at" in i for i in history)
