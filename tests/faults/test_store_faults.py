"""Poison pages through the real Collector and DynamoMentionStore on moto, with DynamoDB's own limits.

moto does not enforce DynamoDB's 4 MB transaction limit nor its 38-digit numbers; AWS does, so
`tests.moto_faults.dynamodb_limits` refuses what AWS refuses. Before the fix each page below failed
its job on every retry (then the DLQ, then the next job again): the source was wedged for good.
Each test asserts the invariants: the job succeeds, every storable mention is stored once and
counted once in its hour, the poison is counted as skipped, the cursor moves past it, a re-poll
stores nothing twice.

| page                                           | stored before | stored after | skipped after |
|------------------------------------------------|---------------|--------------|---------------|
| 120 posts of 30,000 accented characters        | 0 of 120      | 120          | 0             |
| 100 posts of 10,000 emoji and a 5 KB url      | 0 of 100      | 100          | 0             |
| 20 posts and one 500 KB item                   | 0 of 20       | 20           | 1             |
| 20 posts and one number of 40 digits           | 0 of 20       | 20           | 1             |
| 3 posts, two with half an emoji (lone surrogate)| 0 of 3        | 3            | 0             |
| 20 posts and a native id over 1 KB (sort key)  | 0 of 20       | 20           | 1             |
| 99 posts and one item DynamoDB alone refuses   | 0 of 99       | 99           | 1             |
| all of the above on one page                   | 0 of 120      | 120          | 2             |

The other way round: when DynamoDB itself refuses EVERY item of a save (3 or more), the fault is
ours (how requests are built, a schema mismatch), and skipping would move the cursor past the whole
page in silence. Before that guard such a page was skipped whole; now the job fails and the cursor
stays (items our own checks refuse before any call are still skipped).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from moto import mock_aws
from moto.dynamodb.exceptions import MockValidationException, TransactionCanceledException
from moto.dynamodb.responses import DynamoHandler

from repmon.adapters.dynamo import dynamodb_client
from repmon.adapters.dynamo_state import DynamoCursorStore
from repmon.adapters.dynamo_store import DynamoMentionStore
from repmon.adapters.dynamo_writes import MIN_ALL_REFUSED
from repmon.domain.brand import Brand
from repmon.domain.errors import WritesRefused
from repmon.domain.models import MAX_TEXT_CHARS, Engagement, Mention
from repmon.ports import PollJob
from repmon.runtime.settings import CollectSettings, load_settings
from repmon.services.collect import Collector, CollectResult
from tests.fakes import FixedClock, InMemoryWatchlist, KeywordScorer, ScriptedSource
from tests.moto_faults import TRANSACTION_MAX_BYTES, Limits, dynamodb_limits
from tests.template_tables import create_table

T0 = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
TABLE = "repmon-test"


@dataclass
class World:
    collector: Collector
    source: ScriptedSource
    store: DynamoMentionStore
    cursors: DynamoCursorStore
    limits: Limits


@pytest.fixture
def world(monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    with mock_aws():
        client = boto3.client("dynamodb", region_name="us-east-1")
        create_table(client, TABLE)
        with dynamodb_limits(monkeypatch) as limits:
            source = ScriptedSource("reddit", limit=500)
            store = DynamoMentionStore(TABLE, FixedClock(T0), client)
            cursors = DynamoCursorStore(TABLE, client)
            brand = Brand(id="acme", name="Acme", query="acme")
            collector = Collector(
                InMemoryWatchlist([brand]), {"reddit": source}, cursors, store, KeywordScorer()
            )
            yield World(collector, source, store, cursors, limits)


def post(n: int, text: str = "acme is fine", **fields: Any) -> Mention:
    """Post n, one second after the one before, so the page has an order and the cursor a place."""
    return Mention(
        source="reddit", native_id=f"t3_{n}", created_at=T0 + timedelta(seconds=n), text=text, **fields
    )


def collect(w: World, minutes: int = 60) -> CollectResult:
    return w.collector.collect(PollJob("acme", "reddit", T0 + timedelta(minutes=minutes)))


def assert_invariants(w: World, served: list[Mention], poison: list[Mention]) -> None:
    """Stored = served minus poison, once each; hourly counts match; the cursor is past every item."""
    good = sorted(m.native_id for m in served if m not in poison)
    stored = w.store.mentions_between("acme", T0 - timedelta(days=1), T0 + timedelta(days=1))
    assert sorted(sm.mention.native_id for sm in stored) == good
    assert sum(a.mentions for a in w.store.hourly("acme", T0, T0 + timedelta(hours=2))) == len(good)
    assert w.cursors.get("acme", "reddit") == max(m.created_at for m in served).isoformat()
    again = collect(w, minutes=75)
    assert (again.fetched, again.stored, again.skipped) == (0, 0, 0)


def test_a_page_of_120_posts_of_30000_accented_characters_is_stored_whole(world: World) -> None:
    world.source.mentions = [post(i, "acme " + "é" * 30_000) for i in range(120)]
    result = collect(world)
    assert (result.fetched, result.stored, result.skipped) == (120, 120, 0)
    assert_invariants(world, world.source.mentions, [])
    [first] = world.store.mentions_between("acme", T0, T0 + timedelta(seconds=1))
    assert len(first.mention.text) == MAX_TEXT_CHARS  # the documented cap, applied before scoring
    assert world.limits.refused == 0


def test_a_page_over_4_mb_even_after_the_cap_is_split_into_transactions_that_fit(world: World) -> None:
    emoji = "acme " + "😀" * MAX_TEXT_CHARS  # 4 bytes a character: 40 KB of text after the cap
    world.source.mentions = [
        post(i, emoji, url=f"https://example.com/{i}/" + "u" * 5_000) for i in range(100)
    ]
    result = collect(world)
    assert (result.stored, result.skipped) == (100, 0)
    assert_invariants(world, world.source.mentions, [])
    # Size-aware groups, not the fallback: nothing was refused and no transaction neared the limit.
    assert world.limits.refused == 0 and 0 < world.limits.largest <= TRANSACTION_MAX_BYTES


def test_one_500_kb_item_is_skipped_counted_and_passed_and_the_rest_are_stored(world: World) -> None:
    poison = post(10, url="https://example.com/" + "a" * 500_000)
    world.source.mentions = [post(i) for i in range(10)] + [poison] + [post(i) for i in range(11, 21)]
    result = collect(world)
    assert (result.fetched, result.stored, result.skipped) == (21, 20, 1)
    assert_invariants(world, world.source.mentions, [poison])


def test_a_number_of_more_than_38_digits_is_skipped_counted_and_passed(world: World) -> None:
    poison = post(3, engagement=Engagement(score=10**40 + 1))
    world.source.mentions = [post(i) for i in range(3)] + [poison] + [post(i) for i in range(4, 21)]
    result = collect(world)
    assert (result.stored, result.skipped) == (20, 1)
    assert_invariants(world, world.source.mentions, [poison])


def test_half_an_emoji_in_the_text_is_stored_as_a_question_mark_not_lost(world: World) -> None:
    world.source.mentions = [post(0), post(1, "acme \ud83d was cut"), post(2, title="acme \udc00", text="")]
    result = collect(world)
    assert (result.stored, result.skipped) == (3, 0)
    assert_invariants(world, world.source.mentions, [])
    texts = {
        sm.mention.full_text for sm in world.store.mentions_between("acme", T0, T0 + timedelta(minutes=1))
    }
    assert "acme ? was cut" in texts and "acme ?\n" in texts


def test_a_native_id_too_long_for_a_sort_key_is_skipped_before_any_call(world: World) -> None:
    poison = replace(post(5), native_id="x" * 1_100)  # the sort key would pass DynamoDB's 1,024 bytes
    world.source.mentions = [post(i) for i in range(5)] + [poison] + [post(i) for i in range(6, 21)]
    result = collect(world)
    assert (result.stored, result.skipped) == (20, 1)
    assert_invariants(world, world.source.mentions, [poison])


def test_an_item_only_dynamodb_refuses_is_found_by_halving_and_the_other_99_are_stored(world: World) -> None:
    world.limits.refuse_containing = "unforeseen"  # a refusal no check on our side predicts
    poison = post(50, "acme unforeseen")
    world.source.mentions = [post(i) for i in range(50)] + [poison] + [post(i) for i in range(51, 100)]
    result = collect(world)
    assert (result.stored, result.skipped) == (99, 1)
    assert_invariants(world, world.source.mentions, [poison])
    assert world.limits.calls <= 20  # halving: about 2 log2(100) transactions, not one per item


def test_the_audit_page_120_accented_posts_a_500_kb_item_and_a_40_digit_number(world: World) -> None:
    big = post(200, url="https://example.com/" + "a" * 500_000)
    huge = post(201, engagement=Engagement(comments=-(10**41)))
    world.source.mentions = [post(i, "acme " + "é" * 30_000) for i in range(120)] + [big, huge]
    result = collect(world)
    assert (result.fetched, result.stored, result.duplicates, result.skipped) == (122, 120, 0, 2)
    assert_invariants(world, world.source.mentions, [big, huge])


def test_a_page_dynamodb_refuses_whole_fails_the_job_and_keeps_the_cursor(world: World) -> None:
    # Given every item of the page refused by DynamoDB itself (a request or schema bug on our side)
    world.limits.refuse_containing = "acme"
    world.source.mentions = [post(i) for i in range(MIN_ALL_REFUSED)]
    # Then the job fails (SQS retries it, then dead-letters it) instead of skipping the page
    with pytest.raises(WritesRefused, match=f"DynamoDB refused all {MIN_ALL_REFUSED} new mentions"):
        collect(world)
    assert world.cursors.get("acme", "reddit") is None  # nothing skipped: the next poll reads them again
    assert world.store.mentions_between("acme", T0 - timedelta(days=1), T0 + timedelta(days=1)) == []


def test_a_schema_mismatch_refusing_every_transaction_fails_the_job(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    def mismatch(self: DynamoHandler) -> Any:
        raise MockValidationException("One or more parameter values were invalid: Type mismatch for key")

    monkeypatch.setattr(DynamoHandler, "transact_write_items", mismatch)
    world.source.mentions = [post(i) for i in range(40)]
    with pytest.raises(WritesRefused, match="Type mismatch for key"):
        collect(world)
    assert world.cursors.get("acme", "reddit") is None


def test_a_small_page_dynamodb_refuses_whole_is_skipped_as_poison(world: World) -> None:
    # Given fewer items than it takes to suspect ourselves: one or two odd items, skipped and counted
    world.limits.refuse_containing = "acme"
    world.source.mentions = [post(i) for i in range(MIN_ALL_REFUSED - 1)]
    result = collect(world)
    assert (result.stored, result.skipped) == (0, MIN_ALL_REFUSED - 1)
    assert world.cursors.get("acme", "reddit") == world.source.mentions[-1].created_at.isoformat()


def test_a_page_our_own_checks_refuse_whole_is_skipped_without_a_call(world: World) -> None:
    # Given items refused before any call (sort keys over 1 KB): they never reached DynamoDB
    world.source.mentions = [replace(post(i), native_id=f"{i}" + "x" * 1_100) for i in range(5)]
    result = collect(world)
    assert (result.stored, result.skipped) == (0, 5)
    assert world.limits.calls == 0
    assert world.cursors.get("acme", "reddit") == world.source.mentions[-1].created_at.isoformat()


def test_one_good_item_among_refused_ones_keeps_the_skip(world: World) -> None:
    # Given DynamoDB took one item of the page: the request is sound, the others are poison
    world.limits.refuse_containing = "poison"
    world.source.mentions = [post(0)] + [post(i, "acme poison") for i in range(1, 6)]
    result = collect(world)
    assert (result.stored, result.skipped) == (1, 5)
    assert_invariants(world, world.source.mentions, world.source.mentions[1:])


def test_a_transient_refusal_is_not_mistaken_for_a_poison_item(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    def conflict(self: DynamoHandler) -> Any:
        raise TransactionCanceledException([("TransactionConflict", "ongoing transaction", None)])

    monkeypatch.setattr(DynamoHandler, "transact_write_items", conflict)
    world.source.mentions = [post(i) for i in range(5)]
    with pytest.raises(Exception, match="TransactionConflict"):
        collect(world)
    assert world.cursors.get("acme", "reddit") is None  # retried later, nothing skipped


def test_aws_max_attempts_is_the_number_of_calls_made(monkeypatch: pytest.MonkeyPatch) -> None:
    """AWS_MAX_ATTEMPTS=8 made 9 calls (botocore's client `max_attempts` counts retries only)."""
    settings = load_settings(CollectSettings, {"TABLE_NAME": TABLE, "AWS_MAX_ATTEMPTS": "3"})
    client = dynamodb_client(max_attempts=settings.aws_max_attempts)
    calls: list[str] = []

    def throttled(request: Any, **_: Any) -> Any:
        from botocore.awsrequest import AWSResponse
        from botocore.compat import HTTPHeaders

        calls.append(request.url)
        body = b'{"__type": "com.amazonaws.dynamodb.v20120810#ThrottlingException", "message": "slow down"}'
        return AWSResponse(request.url, 400, HTTPHeaders(), _Raw(body))

    monkeypatch.setattr("botocore.endpoint.time.sleep", lambda seconds: None)
    client.meta.events.register("before-send.dynamodb", throttled)
    with pytest.raises(client.exceptions.ClientError, match="Throttling"):
        client.get_item(TableName=TABLE, Key={"pk": {"S": "a"}, "sk": {"S": "b"}})
    assert len(calls) == 3


class _Raw:
    """The body of a canned botocore response."""

    def __init__(self, body: bytes) -> None:
        self.body = body

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self.body

    def read(self, *_: Any) -> bytes:
        body, self.body = self.body, b""
        return body
