"""Engagement re-reads and viral_negative on in-memory fakes: the schedule, reads that go down or jump
absurdly (logged, never stored, never an alarm), influence and the hour's sums moved once whatever
the retries, and a spreading complaint announced once, folded into the brand's incident."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import datetime, timedelta

from repmon.adapters.memory_engagement import MemoryEngagementStore
from repmon.domain.brand import Brand
from repmon.domain.email import render_text
from repmon.domain.engagement import check, due, interactions, percentile
from repmon.domain.models import Author, Engagement, ScoredMention
from repmon.domain.reputation import weight
from repmon.domain.response_rules import VIRAL_NEGATIVE
from repmon.domain.rules import INFLUENCER_NEGATIVE
from repmon.services.rereads import reread
from tests.fakes import scored_mention
from tests.unit.test_evaluate import AT, MIN5, World, fired

H = timedelta(hours=1)


class FakeReader:
    """An EngagementReader serving scripted counts; `calls` records each batch asked."""

    batch = 2

    def __init__(self) -> None:
        self.now: dict[str, Engagement] = {}
        self.calls: list[list[str]] = []

    def refresh(self, native_ids: Sequence[str]) -> dict[str, Engagement]:
        self.calls.append(list(native_ids))
        return {i: self.now[i] for i in native_ids if i in self.now}


def post(at: datetime, nid: str, score: int = 1, influence: float = 5.0) -> ScoredMention:
    sm = scored_mention("acme", at, -0.6, influence, native_id=nid, text=f"acme air lost my bag {nid}")
    m = dataclasses.replace(
        sm.mention, engagement=Engagement(score=score), author=Author("u1", "fran", karma=100)
    )
    return dataclasses.replace(sm, mention=m)


def test_the_schedule_reads_often_at_first_then_less_then_never():
    assert due(AT, None, AT + 5 * H) and due(AT, AT + 5 * H, AT + 5 * H + MIN5)
    assert not due(AT, AT + 7 * H, AT + 7 * H + 30 * MIN5 / 5) and due(AT, AT + 7 * H, AT + 8 * H)
    assert not due(AT, AT + 30 * H, AT + 33 * H) and due(AT, AT + 30 * H, AT + 34 * H)
    assert not due(AT, None, AT + 48 * H)


def test_a_read_that_goes_down_keeps_the_higher_count_and_an_absurd_jump_is_ignored():
    old = Engagement(score=50, comments=10)
    down = check(old, Engagement(score=45, comments=12), 1.0)
    assert down.engagement == Engagement(score=50, comments=12) and down.problem.startswith("went down")
    jump = check(old, Engagement(score=5_000_000), 0.25)
    assert jump.engagement == old and "jumped" in jump.problem and not jump.grew
    negative = check(old, Engagement(score=-3), 1.0)
    assert negative.engagement == old and "implausible" in negative.problem
    assert percentile([1, 2, 3, 4, 100], 99) == 100 and percentile(list(range(1, 101)), 99) == 99


def test_rereads_grow_influence_and_the_hours_sums_once_whatever_the_retries():
    world = World(Brand(id="acme", name="Acme Air", query='"acme air"'), baseline=False)
    world.store.save([post(AT, "p1"), post(AT, "p2"), post(AT, "p3")])
    hour = world.store.aggregates[("acme", AT)]
    kept, reader = MemoryEngagementStore(world.store), FakeReader()
    reader.now = {"p1": Engagement(score=900, comments=300), "p2": Engagement(score=1)}
    # When re-read at 12:30, then the same job retried
    first = reread(world.brand, "reddit", reader, world.store, kept, AT + 30 * MIN5 / 5)
    again = reread(world.brand, "reddit", reader, world.store, kept, AT + 30 * MIN5 / 5)
    # Then two calls of two and one (p3 deleted: absent), p1's influence grown, applied once
    assert [len(c) for c in reader.calls[:2]] == [2, 1] and first.calls == 2
    assert again.updated == 0
    grown = world.store.items[("acme", "reddit#p1")]
    assert grown.mention.engagement.score == 900 and grown.influence > 5.0
    # The hour's sums are those of the mentions as they are now (each counted once, as when stored)
    after, stored = world.store.aggregates[("acme", AT)], list(world.store.items.values())
    assert abs(after.weight_sum - sum(weight(sm.influence) for sm in stored)) < 1e-5
    weighted = sum(weight(sm.influence) * sm.sentiment.score for sm in stored)
    assert abs(after.weighted_sentiment_sum - weighted) < 1e-5 and after.mentions == hour.mentions == 3


def test_a_complaint_spreading_fast_fires_viral_negative_once_and_an_absurd_read_never_does():
    # Given 25 ordinary complaints of the last day (about 1 interaction an hour) and a new one
    world = World(Brand(id="acme", name="Acme Air", query='"acme air"'), baseline=False)
    world.store.save([post(AT - 20 * H + n * MIN5, f"old{n}", score=20) for n in range(25)])
    world.store.save([post(AT - H, "hot"), post(AT - H, "liar")])
    kept, reader = MemoryEngagementStore(world.store), FakeReader()
    reader.now = {"hot": Engagement(score=400, comments=150), "liar": Engagement(score=90_000_000)}
    # When the collector re-reads them and the evaluator runs (retried)
    result = reread(world.brand, "reddit", reader, world.store, kept, AT)
    runs = [world.run(AT), world.run(AT), world.run(AT + MIN5)]
    # Then the absurd read is logged and ignored, the spreading one fires once, folded, linked
    assert any("liar" in p and "jumped" in p for p in result.problems)
    assert fired(*runs) == [VIRAL_NEGATIVE]
    [email] = world.publisher.published
    assert [sm.mention.native_id for sm in email.top_mentions] == ["hot"]
    text = render_text(email)
    assert "is spreading: 550 interactions in 1 h (550 an hour" in text
    assert "https://example.test/reddit/hot" in text and email.incident is not None
    assert interactions(world.store.items[("acme", "reddit#liar")].mention.engagement) == 1


def test_an_update_for_a_post_gone_viral_in_an_earlier_run_leads_with_that_post():
    # Given an incident opened by one influencer's complaint (events alone)
    world = World(Brand(id="acme", name="Acme Air", query='"acme air"'), baseline=False)
    world.store.save([post(AT - 20 * H + n * MIN5, f"old{n}", score=20) for n in range(25)])
    world.store.save([post(AT - 10 * MIN5, "loud", influence=90.0)])
    assert fired(world.run(AT)) == [INFLUENCER_NEGATIVE]
    # When another post goes viral ten minutes later (folded: no email yet, the group interval runs)
    world.store.save([post(AT - H, "hot")])
    kept, reader = MemoryEngagementStore(world.store), FakeReader()
    reader.now = {"hot": Engagement(score=400, comments=150)}
    reread(world.brand, "reddit", reader, world.store, kept, AT + 2 * MIN5)
    assert fired(world.run(AT + 2 * MIN5)) == [VIRAL_NEGATIVE] and len(world.publisher.published) == 1
    world.run(AT + 12 * MIN5)
    # Then the update an hour after the opening email leads with the post spreading, and links it
    opening, update = world.publisher.published
    assert (opening.rule, update.rule, update.kind) == (INFLUENCER_NEGATIVE, VIRAL_NEGATIVE, "update")
    assert [sm.mention.native_id for sm in update.top_mentions] == ["hot"]
    assert "https://example.test/reddit/hot" in render_text(update)
