"""The reputation index, its windows and the volume helpers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from repmon.domain.brand import Thresholds
from repmon.domain.models import HourlyAggregate
from repmon.domain.reputation import (
    PRIOR_WEIGHT,
    Span,
    baseline_span,
    history_span,
    hourly_mean,
    index,
    last_hour,
    snapshot,
    window_end,
    window_span,
)
from tests.fakes import InMemoryMentionStore, scored_mention

AT = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
H = timedelta(hours=1)


def _buckets(*mentions):
    store = InMemoryMentionStore()
    store.save(list(mentions))
    return store.hourly("acme", AT - 1000 * H, AT + 1000 * H)


def test_no_buckets_or_only_unscored_mentions_have_no_index():
    # Given only unscored mentions / When indexed / Then there is no index (no data is not neutral)
    assert index([]) is None
    assert index(_buckets(scored_mention("acme", AT - H, 0.0, scored=False))) is None


def test_index_follows_the_documented_formula():
    # Given a bucket with weights 10 and weighted sentiment -5
    bucket = HourlyAggregate(
        "acme", AT, mentions=10, negative=10, weight_sum=10.0, weighted_sentiment_sum=-5.0
    )
    # Then index = 50 + 50 * sum(w*s) / (sum(w) + K)
    assert index([bucket]) == pytest.approx(50 + 50 * -5 / (10 + PRIOR_WEIGHT))
    # And with a prior index of 70 (sentiment 0.4), the K phantom mentions score 0.4
    assert index([bucket], prior=70.0) == pytest.approx(
        50 + 50 * (-5 + PRIOR_WEIGHT * 0.4) / (10 + PRIOR_WEIGHT)
    )


def test_a_quiet_window_reads_as_the_baseline_not_as_neutral():
    # Given a well-liked week, then a day with two mentions as positive as usual
    week = [scored_mention("acme", AT - (30 + i) * H, 0.5, native_id=f"w{i}") for i in range(300)]
    day = [scored_mention("acme", AT - (2 + i) * H, 0.5, native_id=f"d{i}") for i in range(2)]
    snap = snapshot(_buckets(*week, *day), AT, Thresholds())
    # Then the day is not a drop
    assert snap.change is not None and abs(snap.change) < 1


def test_influential_authors_weigh_more():
    # Given the same negative score from an unknown author and from an influential one
    plain = index(_buckets(scored_mention("acme", AT - H, -0.8, influence=0)))
    loud = index(_buckets(scored_mention("acme", AT - H, -0.8, influence=100)))
    # Then the influential one moves the index further
    assert plain is not None and loud is not None and loud < plain < 50


def test_many_negative_mentions_pull_the_index_down_far():
    # Given 200 clearly negative mentions
    many = [scored_mention("acme", AT - H, -0.8, native_id=f"n{i}") for i in range(200)]
    # Then the prior no longer holds the index up
    assert index(_buckets(*many)) == pytest.approx(50 - 50 * 160 / 240)


@given(
    st.lists(
        st.tuples(st.floats(-1, 1), st.floats(0, 100)),
        min_size=3,
        max_size=3,
    )
)
def test_three_mentions_cannot_swing_the_index(mentions):
    # Given any three mentions, whatever their scores and authors
    built = [scored_mention("acme", AT - H, s, i, native_id=f"m{n}") for n, (s, i) in enumerate(mentions)]
    value = index(_buckets(*built))
    # Then it stays within 14 points of neutral: under the default drop (15), above the default low (35)
    assert value is not None and abs(value - 50) < 14


@given(st.lists(st.tuples(st.floats(-1, 1), st.floats(0, 100)), min_size=1, max_size=40))
def test_index_is_always_between_0_and_100(mentions):
    built = [scored_mention("acme", AT - H, s, i, native_id=f"m{n}") for n, (s, i) in enumerate(mentions)]
    value = index(_buckets(*built))
    assert value is not None and 0 <= value <= 100


def test_unscored_mentions_count_for_volume_not_for_the_index():
    # Given one scored mention, then the same plus five unscored ones
    scored = scored_mention("acme", AT - H, -0.5, native_id="s")
    unscored = [scored_mention("acme", AT - H, 0.0, native_id=f"u{i}", scored=False) for i in range(5)]
    alone = snapshot(_buckets(scored), AT, Thresholds())
    mixed = snapshot(_buckets(scored, *unscored), AT, Thresholds())
    # Then volume counts all six, the index only the scored one
    assert (alone.window_mentions, mixed.window_mentions) == (1, 6)
    assert mixed.window_index == alone.window_index


def test_window_ends_on_the_hour_or_at_the_end_of_the_current_hour():
    assert window_end(AT) == AT
    assert window_end(AT + timedelta(minutes=5)) == AT + H
    t = Thresholds(window_hours=24, baseline_hours=168)
    assert window_span(AT, t) == Span(AT - 24 * H, AT)
    assert baseline_span(AT, t) == Span(AT - 192 * H, AT - 24 * H)
    assert history_span(AT, t) == Span(AT - 192 * H, AT)


def test_hourly_mean_counts_empty_hours_as_zero():
    # Given 48 mentions in one hour of a 24-hour span
    bucket = HourlyAggregate("acme", AT - 3 * H, mentions=48)
    # Then the mean is 2 per hour, not 48
    assert hourly_mean([bucket], Span(AT - 24 * H, AT)) == 2.0


def test_last_hour_prorates_the_previous_bucket():
    # Given 40 mentions in 11:00-12:00 and 10 so far in 12:00-13:00
    buckets = [
        HourlyAggregate("acme", AT - H, mentions=40, negative=40),
        HourlyAggregate("acme", AT, mentions=10, positive=10),
    ]
    # When evaluated at 12:15 / Then 10 + 40 * 0.75
    assert last_hour(buckets, AT + timedelta(minutes=15)) == (40.0, 30, 10)
    # And on the hour, the last full hour only (12:00 has not started)
    assert last_hour(buckets, AT) == (40.0, 40, 0)


def test_snapshot_compares_window_with_baseline():
    # Given a positive week and a negative day
    week = [scored_mention("acme", AT - (30 + i) * H, 0.4, native_id=f"w{i}") for i in range(100)]
    day = [scored_mention("acme", AT - (2 + i % 20) * H, -0.6, native_id=f"d{i}") for i in range(40)]
    snap = snapshot(_buckets(*week, *day), AT, Thresholds())
    # Then the change is the window index minus the baseline index, and volume per baseline hour
    assert snap.baseline_scored == 100 and snap.window_mentions == 40
    assert snap.change is not None and snap.window_index is not None and snap.baseline_index is not None
    assert snap.change == pytest.approx(snap.window_index - snap.baseline_index)
    assert snap.change < -15
    assert snap.baseline_hourly == pytest.approx(100 / 168)
