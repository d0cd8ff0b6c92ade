"""The shipped in-memory store answers every query as DynamoMentionStore does on the same saves."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import boto3
import pytest
from moto import mock_aws

from repmon.adapters.dynamo_store import DynamoMentionStore
from repmon.adapters.memory import MemoryAlertLedger, MemoryMentionStore
from repmon.domain.models import Alert, Author, Mention, ScoredMention, Sentiment, Severity
from tests.fakes import FixedClock
from tests.template_tables import create_table

T0 = datetime(2026, 11, 1, 0, 0, tzinfo=UTC)


def _mentions(rng: random.Random, count: int) -> list[ScoredMention]:
    found = []
    for n in range(count):
        at = T0 + timedelta(
            minutes=rng.randint(0, 60 * 30), seconds=rng.randint(0, 59), microseconds=rng.randint(0, 999)
        )
        score = rng.choice([-0.9, -0.5123456789, -0.2, 0.0, 0.33333333, 0.8])
        label = "negative" if score <= -0.05 else "positive" if score >= 0.05 else "neutral"
        native = f"t3_{rng.randint(0, count // 2)}"  # about half are duplicates of another
        rating = rng.choice([None, None, 1, 5])  # some reviews, for the RatedByTime index
        mention = Mention(
            "reddit" if n % 3 else "hackernews",
            native,
            at,
            f"post {n}",
            author=Author(f"u{n}", f"user{n}"),
            rating=rating,
        )
        sentiment = Sentiment(label if n % 17 else None, score if n % 17 else 0.0)  # type: ignore[arg-type]
        found.append(
            ScoredMention("acme", mention, sentiment, rng.choice([0.0, 12.3456789, 70.0, 69.996, 88.1]))
        )
    return found


@pytest.fixture
def dynamo():
    with mock_aws():
        client = boto3.client("dynamodb", region_name="us-east-1")
        yield DynamoMentionStore(create_table(client), FixedClock(T0), client)


def test_the_memory_store_answers_as_the_dynamo_store_after_the_same_saves(dynamo):
    rng = random.Random(3)
    memory = MemoryMentionStore()
    mentions = _mentions(rng, 300)
    for start in range(0, len(mentions), 37):
        batch = mentions[start : start + 37]
        assert memory.save(batch) == dynamo.save(batch)
    since, until = T0 + timedelta(hours=3, minutes=17), T0 + timedelta(hours=26, minutes=5)
    assert memory.hourly("acme", since, until) == dynamo.hourly("acme", since, until)
    assert memory.mentions_between("acme", since, until) == dynamo.mentions_between("acme", since, until)
    rated = memory.rated_between("acme", since, until)
    assert rated == dynamo.rated_between("acme", since, until)
    assert rated == [sm for sm in memory.mentions_between("acme", since, until) if sm.mention.rating]
    assert 0 < len(rated) < len(memory.mentions_between("acme", since, until))
    for bar in (0.0, 70.0):
        assert memory.most_negative("acme", since, until, bar, 50) == dynamo.most_negative(
            "acme", since, until, bar, 50
        )
    # One source's alone (a re-read): the same as the whole list filtered
    hn = dynamo.most_negative("acme", since, until, 0.0, 500, source="hackernews")
    assert hn == memory.most_negative("acme", since, until, 0.0, 500, source="hackernews")
    every = dynamo.most_negative("acme", since, until, 0.0, 500)
    assert hn == [sm for sm in every if sm.mention.source == "hackernews"] and 0 < len(hn) < len(every)


def test_forgotten_mentions_stay_known_so_a_late_copy_is_still_a_duplicate():
    store = MemoryMentionStore()
    [first] = _mentions(random.Random(1), 1)
    store.save([first])
    assert store.forget_before("acme", first.mention.created_at + timedelta(hours=1)) == 1
    assert not store.items and store.save([first]).duplicates == 1
    assert sum(a.mentions for a in store.aggregates.values()) == 1


def test_a_claimed_unsent_alert_is_held_by_its_lease_then_claimable_again():
    clock = FixedClock(T0)
    ledger = MemoryAlertLedger(clock, timedelta(minutes=2))
    alert = Alert("a1", "acme", "Acme", "volume_spike", Severity.WARNING, T0, "", None, None)
    assert ledger.claim(alert, "volume_spike") and not ledger.claim(alert, "volume_spike")
    clock.advance(minutes=3)
    assert ledger.claim(alert, "volume_spike")
    ledger.mark_sent(alert, "volume_spike")
    clock.advance(minutes=10)
    assert not ledger.claim(alert, "volume_spike")
