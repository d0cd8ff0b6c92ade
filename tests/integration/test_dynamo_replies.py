"""The brand's replies on DynamoDB (moto, the table from template.yaml): the first reply is kept, in
any order of arrival, and retries never move it later nor count anything twice."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from moto import mock_aws

from repmon.adapters.dynamo_store import DynamoMentionStore
from repmon.domain.models import Author, Mention, Reply, ScoredMention, Sentiment
from repmon.domain.replies import ReplyLink, links, status_of
from tests.fakes import FixedClock
from tests.template_tables import create_table

T0 = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
FIRST = Reply(T0 + timedelta(minutes=30), "https://reddit.example/t1_r")
LATER = Reply(T0 + timedelta(hours=5), "https://reddit.example/t1_s")


def complaint(native_id: str = "t3_a", *, own: bool = False, parent: str = "") -> ScoredMention:
    mention = Mention(
        "reddit",
        native_id,
        T0,
        "acme lost my bag",
        author=Author(id="alice", handle="alice"),
        parent_id=parent,
        own=own,
        replies_visible=not own,
    )
    return ScoredMention("acme", mention, Sentiment("negative", -0.8), 40.0)


@pytest.fixture
def store() -> Any:
    with mock_aws():
        client = boto3.client("dynamodb", region_name="us-east-1")
        yield DynamoMentionStore(create_table(client), FixedClock(T0 + timedelta(hours=6)), client)


def link(reply: Reply, parent: str = "t3_a") -> ReplyLink:
    return ReplyLink("acme", "reddit", parent, reply)


def replied(store: DynamoMentionStore) -> Reply | None:
    [found] = [sm for sm in store.mentions_between("acme", T0, T0 + timedelta(hours=1)) if not sm.mention.own]
    return found.mention.reply


def test_a_reply_lands_on_its_parent_and_only_an_earlier_one_replaces_it(store: DynamoMentionStore) -> None:
    store.save([complaint()])
    assert store.record_replies([link(LATER)]) == 1
    assert store.record_replies([link(FIRST)]) == 1
    assert store.record_replies([link(LATER), link(FIRST)]) == 0  # a retry, a re-read page
    assert replied(store) == FIRST
    assert status_of(store.mentions_between("acme", T0, T0 + timedelta(hours=1))[0].mention) == "replied"
    assert pending(store) == []  # a stored parent is told apart from a missing one: no pending item


def pending(store: DynamoMentionStore) -> list[str]:
    items = store.client.scan(TableName=store.table)["Items"]
    return [i["sk"]["S"] for i in items if i["sk"]["S"].startswith("REPLY#")]


def test_a_reply_read_before_its_parent_is_kept_pending_and_taken_by_the_parents_save(
    store: DynamoMentionStore,
) -> None:
    assert store.record_replies([link(LATER)]) == 0
    assert store.record_replies([link(FIRST)]) == 0
    assert store.record_replies([link(LATER)]) == 0  # the pending reply only moves earlier too
    assert pending(store) == ["REPLY#reddit#t3_a"]
    store.save([complaint()])
    assert replied(store) == FIRST
    # Not a mention: the pending item is in no export and no window.
    assert [
        sm.key for sm in store.mentions_between("acme", T0 - timedelta(days=1), T0 + timedelta(days=1))
    ] == ["reddit#t3_a"]


def test_a_retried_save_of_the_parent_and_its_own_reply_never_moves_the_reply_later_nor_counts_twice(
    store: DynamoMentionStore,
) -> None:
    answer = replace(complaint("t1_r", own=True, parent="t3_a").mention, created_at=FIRST.at, url=FIRST.url)
    own = ScoredMention("acme", answer, Sentiment("negative", -0.6), 0.0)
    for _ in range(3):  # the job retried after a crash between the save and the replies
        store.save([complaint(), own])
        store.record_replies(links([own]))
        store.record_replies([link(LATER)])
    assert replied(store) == FIRST
    [hour] = store.hourly("acme", T0, T0 + timedelta(hours=1))
    assert hour.mentions == 1 and hour.negative == 1  # the own post is stored, never counted
    assert store.most_negative("acme", T0, T0 + timedelta(hours=1), 0.0, 10)[0].key == "reddit#t3_a"
    assert len(store.most_negative("acme", T0, T0 + timedelta(hours=1), 0.0, 10)) == 1
