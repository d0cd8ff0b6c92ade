"""Replies under interleaving and retries, on moto: the parent's save and its reply's record race, and
neither order loses the reply nor moves it later (adapters.dynamo_replies explains the order)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from moto import mock_aws

from repmon.adapters.dynamo_store import DynamoMentionStore
from repmon.domain.models import Author, Mention, Reply, ScoredMention, Sentiment
from repmon.domain.replies import ReplyLink
from tests.fakes import FixedClock
from tests.template_tables import create_table

T0 = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
REPLY = Reply(T0 + timedelta(minutes=30), "https://reddit.example/t1_r")
PARENT = ScoredMention(
    "acme",
    Mention("reddit", "t3_a", T0, "acme lost my bag", author=Author("alice", "alice"), replies_visible=True),
    Sentiment("negative", -0.8),
    40.0,
)


class Interleaving:
    """The DynamoDB client, running `hook` once just before the first call that matches `when`."""

    def __init__(self, client: Any, when: Callable[[str, dict[str, Any]], bool]) -> None:
        self.client, self.when = client, when
        self.hook: Callable[[], object] | None = None

    def __getattr__(self, name: str) -> Any:
        call = getattr(self.client, name)

        def wrapped(**kwargs: Any) -> Any:
            if self.hook is not None and self.when(name, kwargs):
                hook, self.hook = self.hook, None
                hook()
            return call(**kwargs)

        return wrapped


@pytest.fixture
def tables() -> Iterator[tuple[Any, str]]:
    with mock_aws():
        client = boto3.client("dynamodb", region_name="us-east-1")
        yield client, create_table(client)


def _sk(kwargs: dict[str, Any]) -> str:
    return str(kwargs.get("Key", {}).get("sk", {}).get("S", ""))


def _reply_of(client: Any, table: str) -> Reply | None:
    store = DynamoMentionStore(table, FixedClock(T0), client)
    [sm] = store.mentions_between("acme", T0, T0 + timedelta(hours=1))
    return sm.mention.reply


def test_the_parent_saved_between_the_replys_miss_and_its_pending_write_still_gets_it(tables) -> None:
    client, table = tables
    parent_side = DynamoMentionStore(table, FixedClock(T0), client)
    racing = Interleaving(client, lambda name, kw: name == "update_item" and _sk(kw).startswith("REPLY#"))
    racing.hook = lambda: parent_side.save([PARENT])  # read pending (none yet), store the parent
    DynamoMentionStore(table, FixedClock(T0), racing).record_replies(
        [ReplyLink("acme", "reddit", "t3_a", REPLY)]
    )
    assert _reply_of(client, table) == REPLY


def test_the_reply_pending_before_the_parents_read_is_taken_by_the_save(tables) -> None:
    client, table = tables
    reply_side = DynamoMentionStore(table, FixedClock(T0), client)
    # The reply is recorded after the parent's write is sent but before its pending read.
    racing = Interleaving(client, lambda name, kw: name == "batch_get_item" and "REPLY#" in str(kw))
    racing.hook = lambda: reply_side.record_replies([ReplyLink("acme", "reddit", "t3_a", REPLY)])
    DynamoMentionStore(table, FixedClock(T0), racing).save([PARENT])
    assert _reply_of(client, table) == REPLY


def test_a_retried_record_after_a_throttled_write_keeps_the_first_reply(tables) -> None:
    client, table = tables
    store = DynamoMentionStore(table, FixedClock(T0), client)
    store.save([PARENT])
    later = Reply(REPLY.at + timedelta(hours=2), "https://reddit.example/t1_s")
    flaky = Interleaving(client, lambda name, kw: name == "update_item")

    def throttle() -> None:
        raise client.exceptions.ProvisionedThroughputExceededException(
            {"Error": {"Code": "ProvisionedThroughputExceededException", "Message": "slow down"}},
            "UpdateItem",
        )

    flaky.hook = throttle
    links = [ReplyLink("acme", "reddit", "t3_a", REPLY), ReplyLink("acme", "reddit", "t3_a", later)]
    with pytest.raises(client.exceptions.ProvisionedThroughputExceededException):
        DynamoMentionStore(table, FixedClock(T0), flaky).record_replies(links)
    for _ in range(2):  # SQS redelivers the job: the same links again, in any order
        store.record_replies(links)
        store.record_replies(links[::-1])
    assert _reply_of(client, table) == REPLY


def test_a_save_that_fails_reading_the_pending_replies_gets_them_when_the_job_is_retried(tables) -> None:
    client, table = tables
    # The brand's answer was read in an earlier poll, before its parent: it waits as a pending reply.
    DynamoMentionStore(table, FixedClock(T0), client).record_replies(
        [ReplyLink("acme", "reddit", "t3_a", REPLY)]
    )
    # The parent's save writes the mention, then its read of the pending replies is throttled
    flaky = Interleaving(client, lambda name, kw: name == "batch_get_item" and "REPLY#" in str(kw))

    def throttle() -> None:
        raise client.exceptions.ProvisionedThroughputExceededException(
            {"Error": {"Code": "ProvisionedThroughputExceededException", "Message": "slow down"}},
            "BatchGetItem",
        )

    flaky.hook = throttle
    with pytest.raises(client.exceptions.ProvisionedThroughputExceededException):
        DynamoMentionStore(table, FixedClock(T0), flaky).save([PARENT])
    # SQS redelivers the job: the same page is saved again, the mention now a duplicate
    DynamoMentionStore(table, FixedClock(T0), client).save([PARENT])
    assert _reply_of(client, table) == REPLY
