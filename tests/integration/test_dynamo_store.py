"""DynamoMentionStore and the state adapters on moto, with the table built from template.yaml."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import boto3
import pytest
from moto import mock_aws

from repmon.adapters.dynamo_export import DynamoExportReader
from repmon.adapters.dynamo_state import DynamoAlertLedger, DynamoCursorStore, DynamoWatchlist
from repmon.adapters.dynamo_store import DynamoMentionStore
from repmon.domain.brand import Brand
from repmon.domain.incident import Evidence, Incident, claim, email_id, incident_id, sent
from repmon.domain.models import (
    Alert,
    Author,
    Engagement,
    IncidentNote,
    Mention,
    ScoredMention,
    Sentiment,
    SentimentLabel,
    Severity,
)
from tests.fakes import FixedClock
from tests.template_tables import create_table

T0 = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


def scored(
    n: int,
    *,
    at: datetime = T0,
    label: SentimentLabel | None = "negative",
    influence: float = 50.0,
    brand="acme",
):
    mention = Mention(
        source="reddit",
        native_id=f"t3_{n}",
        created_at=at,
        text=f"post {n} about acme",
        url=f"https://reddit.example/{n}",
        author=Author(id=f"u{n}", handle=f"user{n}", karma=1000, account_created_at=at - timedelta(days=400)),
        engagement=Engagement(score=n, comments=2),
        community="r/flights",
        community_size=12000,
    )
    score = {"negative": -0.8, "positive": 0.7, "neutral": 0.0, None: 0.0}[label]
    return ScoredMention(
        brand, mention, Sentiment(label=label, score=score, language="en" if label else "fr"), influence
    )


@pytest.fixture
def ddb():
    with mock_aws():
        client = boto3.client("dynamodb", region_name="us-east-1")
        create_table(client)
        yield client


@pytest.fixture
def store(ddb):
    return DynamoMentionStore("repmon-test", FixedClock(T0), ddb, retention_days=30)


def test_given_new_mentions_when_saved_then_they_read_back_whole_and_are_counted_once(store):
    mentions = [scored(1), scored(2, label="positive", influence=0), scored(3, label=None)]
    assert store.save(mentions).stored == 3
    back = store.mentions_between("acme", T0, T0 + timedelta(minutes=1))
    assert sorted(m.key for m in back) == ["reddit#t3_1", "reddit#t3_2", "reddit#t3_3"]
    assert back[0].mention.author.karma == 1000 and back[0].mention.community_size == 12000
    [agg] = store.hourly("acme", T0, T0 + timedelta(hours=1))
    assert (agg.mentions, agg.negative, agg.positive, agg.unscored) == (3, 1, 1, 1)
    assert agg.by_source == {"reddit": 3}
    assert agg.weight_sum == pytest.approx((1 + 50 / 25) + 1)  # unscored mentions carry no weight
    assert agg.weighted_sentiment_sum == pytest.approx(3 * -0.8 + 1 * 0.7)


def test_given_a_repoll_retry_and_in_page_duplicates_when_saved_then_nothing_is_stored_or_counted_twice(
    store,
):
    store.save([scored(1), scored(2)])
    result = store.save([scored(1), scored(2), scored(3), scored(3)])
    assert (result.stored, result.duplicates) == (1, 3)
    [agg] = store.hourly("acme", T0, T0 + timedelta(hours=1))
    assert agg.mentions == 3


def test_given_a_concurrent_writer_won_the_race_when_saved_then_the_fallback_counts_only_the_rest(store, ddb):
    store.save([scored(2)])
    # The race: our BatchGet saw nothing (as if read before the other writer), so the group's
    # transaction is cancelled and the per-mention fallback must count only the new one.
    store._known_keys = lambda mentions: set()  # type: ignore[method-assign]
    result = store.save([scored(1), scored(2)])
    assert (result.stored, result.duplicates) == (1, 1)
    [agg] = store.hourly("acme", T0, T0 + timedelta(hours=1))
    assert agg.mentions == 2


def test_given_more_than_one_transaction_of_mentions_over_many_hours_when_saved_then_all_are_counted(store):
    mentions = [scored(i, at=T0 + timedelta(minutes=7 * i)) for i in range(230)]
    assert store.save(mentions).stored == 230
    aggs = store.hourly("acme", T0, T0 + timedelta(days=2))
    assert sum(a.mentions for a in aggs) == 230
    assert len(aggs) == len({(T0 + timedelta(minutes=7 * i)).replace(minute=0) for i in range(230)})


def test_hourly_returns_the_hours_that_start_in_the_window(store):
    store.save([scored(i, at=T0 + timedelta(hours=i)) for i in range(5)])
    hours = [a.hour for a in store.hourly("acme", T0 + timedelta(minutes=30), T0 + timedelta(hours=3))]
    assert hours == [T0 + timedelta(hours=1), T0 + timedelta(hours=2)]


def test_most_negative_ranks_by_influence_within_the_window_across_days(store):
    late = T0.replace(hour=23, minute=50)
    store.save(
        [
            scored(1, influence=20),
            scored(2, influence=90, at=late),
            scored(3, influence=75, at=late + timedelta(minutes=20)),  # the next day
            scored(4, influence=99, label="positive"),
            scored(5, influence=95, at=T0 - timedelta(days=3)),  # outside the window
        ]
    )
    found = store.most_negative("acme", T0, T0 + timedelta(days=1), min_influence=50, limit=5)
    assert [m.key for m in found] == ["reddit#t3_2", "reddit#t3_3"]


def test_retention_sets_a_ttl_on_mentions_but_never_on_aggregates(store, ddb):
    store.save([scored(1)])
    items = ddb.scan(TableName="repmon-test")["Items"]
    mention = next(i for i in items if i["sk"]["S"].startswith("MENTION#"))
    hour = next(i for i in items if i["sk"]["S"].startswith("HOUR#"))
    assert int(mention["expires_at"]["N"]) == int((T0 + timedelta(days=30)).timestamp())
    assert "expires_at" not in hour


def test_cursor_round_trip(ddb):
    cursors = DynamoCursorStore("repmon-test", ddb)
    assert cursors.get("acme", "reddit") is None
    cursors.put("acme", "reddit", '{"after": 1}')
    assert cursors.get("acme", "reddit") == '{"after": 1}'


def _alert(alert_id: str = "a1", at: datetime = T0) -> Alert:
    return Alert(alert_id, "acme", "Acme", "reputation_low", Severity.WARNING, at, "index 30", 30.0, -20.0)


def test_ledger_claims_once_per_crossing_resends_unsent_and_rearms(ddb):
    clock = FixedClock(T0)
    ledger = DynamoAlertLedger("repmon-test", ddb, clock=clock)
    assert ledger.claim(_alert(), "reputation_low")
    # A concurrent delivery of the same run, while the first is publishing: it must not send too.
    assert not DynamoAlertLedger("repmon-test", ddb, clock=clock).claim(_alert(), "reputation_low")
    # Claimed but never sent, and the claim's lease has run out: the next run must send it.
    clock.advance(minutes=3)
    assert ledger.claim(_alert(), "reputation_low")
    ledger.mark_sent(_alert(), "reputation_low")
    assert not ledger.claim(_alert("a2"), "reputation_low")
    assert ledger.state("acme", "reputation_low").sent
    ledger.rearm("acme", "reputation_low", T0 + timedelta(hours=1))
    assert ledger.state("acme", "reputation_low") == type(ledger.state("acme", "x"))()
    assert ledger.claim(_alert("a3", T0 + timedelta(hours=2)), "reputation_low")
    # Folding a firing logs no email: the alerts table holds emails (test below)
    assert list(DynamoExportReader("repmon-test", ddb).items_on("alerts", "acme", T0.date())) == []


def test_ledger_stores_incidents_by_version_and_logs_each_sent_email(ddb):
    ledger, other = DynamoAlertLedger("repmon-test", ddb), DynamoAlertLedger("repmon-test", ddb)
    opened = Incident("acme", incident_id("acme", T0), T0)
    evidence = Evidence("reputation_low", Severity.WARNING, T0, "index 30", ("reputation_low",))
    assert ledger.save_incident(replace(opened, evidence=(evidence,)))
    # A second first incident, or a stale version, loses: the caller re-reads
    assert not other.save_incident(opened)
    stored = ledger.incident("acme")
    assert stored is not None and stored.evidence == (evidence,)
    claimed = claim(stored, "open", T0)
    assert ledger.save_incident(claimed) and not other.save_incident(claim(stored, "open", T0))
    note = IncidentNote(stored.incident_id, "Sun 12:00 UTC", "OPEN")
    email = replace(_alert(email_id(claimed, "open")), kind="alert", incident=note)
    # Recording it sent against a stale version fails as a whole: no log item without the state
    assert not ledger.email_sent(sent(stored, "open", T0), email)
    assert list(DynamoExportReader("repmon-test", ddb).items_on("alerts", "acme", T0.date())) == []
    assert ledger.email_sent(sent(claimed, "open", T0), email)
    after = ledger.incident("acme")
    assert after is not None and after.outbox is None and after.emails_sent == 1
    [logged] = DynamoExportReader("repmon-test", ddb).items_on("alerts", "acme", T0.date())
    assert (logged["alert_id"], logged["incident_id"], logged["kind"]) == (
        email.alert_id,
        stored.incident_id,
        "alert",
    )


def test_watchlist_replace_stores_updates_and_removes(ddb):
    watchlist = DynamoWatchlist("repmon-test", ddb)
    acme = Brand(id="acme", name="Acme", query="acme")
    assert watchlist.replace([acme, Brand(id="globex", name="Globex", query="globex")]) == (2, 0)
    assert watchlist.replace([acme]) == (1, 1)
    assert [b.id for b in watchlist.brands()] == ["acme"]
    assert watchlist.brand("acme") == acme and watchlist.brand("globex") is None


def test_given_dynamodb_leaves_keys_unprocessed_when_saving_then_they_are_retried_and_nothing_is_lost(
    store, monkeypatch
):
    from tests.moto_faults import unprocessed_batches

    store.save([scored(i) for i in range(40)])
    with unprocessed_batches(monkeypatch, failures=3) as faults:
        result = store.save([scored(i) for i in range(60)])
    assert faults.calls >= 4  # three partial answers, then the rest
    assert (result.stored, result.duplicates) == (20, 40)
    [agg] = store.hourly("acme", T0, T0 + timedelta(hours=1))
    assert agg.mentions == 60


def test_given_dynamodb_leaves_writes_unprocessed_when_applying_a_watchlist_then_all_brands_land(
    ddb, monkeypatch
):
    from tests.moto_faults import unprocessed_batches

    brands = [Brand(id=f"b{i}", name=f"B{i}", query=f"b{i}") for i in range(30)]
    with unprocessed_batches(monkeypatch, failures=2) as faults:
        DynamoWatchlist("repmon-test", ddb).replace(brands)
    assert faults.calls >= 4
    assert len(DynamoWatchlist("repmon-test", ddb).brands()) == 30


def test_an_unreadable_stored_brand_is_skipped_and_the_others_still_load(ddb, caplog):
    watchlist = DynamoWatchlist("repmon-test", ddb)
    watchlist.replace([Brand(id="acme", name="Acme", query="acme")])
    for sk, config in (
        ("BRAND#broken", '{"id": "broken", "name": "B", "query": "(b"}'),
        ("BRAND#bare", None),
    ):
        item = {"pk": {"S": "WATCHLIST"}, "sk": {"S": sk}}
        ddb.put_item(TableName="repmon-test", Item=item | ({"config": {"S": config}} if config else {}))
    assert [b.id for b in watchlist.brands()] == ["acme"]
    assert caplog.text.count("skipped unreadable watchlist item") == 2
    # ...yet they are known by id, so applying a watchlist without them removes them
    assert watchlist.brand_ids() == {"acme", "broken", "bare"}
    assert watchlist.replace([Brand(id="acme", name="Acme", query="acme")]) == (1, 2)
    assert watchlist.brand_ids() == {"acme"}


def _limited(store, monkeypatch):
    from tests.moto_faults import dynamodb_limits

    return dynamodb_limits(monkeypatch)


def test_given_a_500_kb_mention_when_saved_then_it_alone_is_rejected_and_counted(store, monkeypatch):
    from dataclasses import replace

    big = scored(2)
    big = replace(big, mention=replace(big.mention, url="https://example.com/" + "a" * 500_000))
    with _limited(store, monkeypatch) as limits:
        result = store.save([scored(1), big, scored(3)])
    assert (result.stored, result.duplicates, result.rejected) == (2, 0, 1)
    assert limits.calls == 1  # refused before any call, not by a failed transaction
    [agg] = store.hourly("acme", T0, T0 + timedelta(hours=1))
    assert agg.mentions == 2


def test_given_mentions_totalling_6_mb_when_saved_then_every_transaction_stays_under_4_mb(store, monkeypatch):
    from dataclasses import replace

    heavy = [replace(sm, mention=replace(sm.mention, text="é" * 30_000)) for sm in map(scored, range(100))]
    with _limited(store, monkeypatch) as limits:
        assert store.save(heavy).stored == 100
    assert limits.refused == 0 and limits.calls == 2
    [agg] = store.hourly("acme", T0, T0 + timedelta(hours=1))
    assert agg.mentions == 100


def test_given_numbers_dynamodb_cannot_hold_when_saved_then_those_mentions_are_rejected(store):
    from dataclasses import replace

    def with_engagement(n, **values):
        sm = scored(n)
        return replace(sm, mention=replace(sm.mention, engagement=Engagement(**values)))

    bad = [
        with_engagement(1, score=10**39 + 7),
        with_engagement(2, votes=10**200),
        replace(scored(3), influence=float("nan")),
    ]
    result = store.save([*bad, scored(4)])
    assert (result.stored, result.rejected) == (1, 3)
    assert [m.key for m in store.mentions_between("acme", T0, T0 + timedelta(minutes=1))] == ["reddit#t3_4"]
