"""Seasonal, count-aware baselines (issue 12): the usual for the hour being judged, how it was learnt,
and the volume_spike / negative_share rules on it, including bad input (no history, gaps, absurd
counts) where the rules hold and say why."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from repmon.domain.brand import Brand, Thresholds
from repmon.domain.models import HourlyAggregate, Severity
from repmon.domain.reputation import history_span, snapshot
from repmon.domain.rules import Action, negative_share, volume_spike
from repmon.domain.seasonal import FLAT, HOUR_OF_WEEK, PSEUDO_HOURS, WEEKDAY_WEEKEND
from repmon.domain.surprise import spike_bar

H = timedelta(hours=1)
#: A Tuesday, 12:00 UTC.
AT = datetime(2026, 11, 3, 12, 0, tzinfo=UTC)
#: Weekday mentions per hour: 1 at night, 30 at noon; weekends 40% of that.
CURVE = (1, 1, 1, 1, 1, 1, 2, 4, 8, 14, 20, 26, 30, 26, 20, 16, 12, 10, 8, 6, 4, 3, 2, 1)


def _brand(**thresholds: object) -> Brand:
    return Brand(id="acme", name="Acme Air", query="acme", thresholds=Thresholds.model_validate(thresholds))


def _usual(hour: datetime) -> int:
    count = CURVE[hour.hour]
    return round(count * 0.4) if hour.weekday() >= 5 else count


def _bucket(hour: datetime, mentions: int, negative_share: float = 0.2) -> HourlyAggregate:
    negative = round(mentions * negative_share)
    positive = round(mentions * 0.3)
    return HourlyAggregate(
        "acme",
        hour,
        mentions=mentions,
        negative=negative,
        positive=positive,
        neutral=mentions - negative - positive,
        weight_sum=mentions,
    )


def _history(brand: Brand, at: datetime = AT, skip=lambda h: False) -> dict[datetime, HourlyAggregate]:
    span = history_span(at, brand.thresholds)
    hours = [span.since + i * H for i in range(int((span.until - span.since) / H))]
    return {h: _bucket(h, _usual(h)) for h in hours if not skip(h) and h < at - H}


def _snap(brand: Brand, buckets: dict[datetime, HourlyAggregate], at: datetime = AT):
    return snapshot(sorted(buckets.values(), key=lambda b: b.hour), at, brand.thresholds)


def test_the_usual_for_a_busy_weekday_noon_is_its_own_not_the_weeks_flat_mean():
    # Given a week of rhythmic history, and a Tuesday noon as busy as usual (30)
    brand = _brand()
    buckets = _history(brand) | {AT - H: _bucket(AT - H, 26)}
    snap = _snap(brand, buckets, AT + 30 * timedelta(minutes=1) - timedelta(minutes=30))
    # Then the usual is close to the hour's own (26 at 11:00), not the flat mean (about 9)
    assert snap.expected is not None and snap.expected.method == WEEKDAY_WEEKEND
    assert 20 < snap.expected.hourly < 30 and snap.baseline_hourly < 10
    assert snap.expected.label == "for a weekday at 11 a.m. UTC"
    # And the ordinary busy hour is no spike (before: 26 >= max(3 x 8.6, 20) fired)
    assert volume_spike(brand, snap).action is not Action.FIRE


def test_three_weeks_of_history_learn_the_hour_of_the_week():
    brand = _brand(baseline_hours=24 * 28)
    snap = _snap(brand, _history(brand))
    assert snap.expected is not None and snap.expected.method == HOUR_OF_WEEK
    assert snap.expected.label == "for a Tuesday at 11 a.m. UTC"


def test_a_quiet_history_falls_back_to_the_flat_mean_and_says_so():
    brand = _brand()
    span = history_span(AT, brand.thresholds)
    buckets = {span.since + i * 5 * H: _bucket(span.since + i * 5 * H, 1) for i in range(30)}
    snap = _snap(brand, buckets)
    assert snap.expected is not None and snap.expected.method == FLAT
    assert volume_spike(brand, snap).details["usual_method"] == "flat: too little history"


@pytest.mark.parametrize(("count", "fires"), [(5, False), (25, True)])
def test_one_to_five_at_three_am_is_noise_one_to_twenty_five_is_news(count, fires):
    # Given a history where 3 a.m. holds 1 mention, and no minimum to hide behind
    brand = _brand(volume_spike_min=1)
    at = AT.replace(hour=4)
    buckets = _history(brand, at) | {at - H: _bucket(at - H, count)}
    decision = volume_spike(brand, _snap(brand, buckets, at))
    assert (decision.action is Action.FIRE) is fires, decision.details


def test_a_spike_email_says_how_many_times_the_usual_for_that_hour():
    brand = _brand()
    at = AT.replace(hour=4)
    buckets = _history(brand, at) | {at - H: _bucket(at - H, 40, negative_share=0.6)}
    decision = volume_spike(brand, _snap(brand, buckets, at))
    assert decision.action is Action.FIRE
    assert "40 mentions in the last hour, 29.7x the usual 1.4 for a weekday at 3 a.m. UTC" in decision.summary


@given(st.floats(0.0, 5000.0))
def test_on_flat_traffic_the_default_bar_is_the_flat_rules(expected):
    # A week of flat history: n = 168 hours per cell at most, so at least as narrow as this
    t = Thresholds()
    assert spike_bar(t, expected, 168 + PSEUDO_HOURS) == max(3 * expected, 20.0)


def test_complaints_replacing_praise_at_an_ordinary_volume_are_caught():
    # Given a week where 20% of mentions are negative, then a Tuesday 11:00 as busy as usual (26)
    # but 70% negative
    brand = _brand()
    buckets = _history(brand) | {AT - H: _bucket(AT - H, 26, negative_share=0.7)}
    snap = _snap(brand, buckets)
    # Then volume says nothing and negative_share fires
    assert volume_spike(brand, snap).action is not Action.FIRE
    decision = negative_share(brand, snap)
    assert decision.action is Action.FIRE and decision.severity is Severity.WARNING
    assert "18 of the 26 scored mentions" in decision.summary and "against a usual 19%" in decision.summary
    # And an ordinary hour recovers it
    calm = _snap(brand, _history(brand) | {AT - H: _bucket(AT - H, 26)})
    assert negative_share(brand, calm).action is Action.RECOVER


def test_praise_spike_stays_info_and_no_negative_share():
    brand = _brand()
    buckets = _history(brand) | {AT - H: replace(_bucket(AT - H, 120, 0.0), positive=100, neutral=20)}
    snap = _snap(brand, buckets)
    assert volume_spike(brand, snap).severity is Severity.INFO
    assert negative_share(brand, snap).action is not Action.FIRE


def test_no_history_holds_and_says_why():
    brand = _brand()
    snap = _snap(brand, {AT - H: _bucket(AT - H, 500)})
    assert "no mentions in the baseline period" in snap.hold
    for rule in (volume_spike, negative_share):
        decision = rule(brand, snap)
        assert decision.action is Action.HOLD and not decision.measured and snap.hold in decision.summary


def test_under_a_day_of_history_holds():
    brand = _brand()
    base = history_span(AT, brand.thresholds).since + 7 * 24 * H - 10 * H
    buckets = {base + i * H: _bucket(base + i * H, 5) for i in range(10)} | {AT - H: _bucket(AT - H, 500)}
    snap = _snap(brand, buckets)
    assert "10 h of history" in snap.hold and volume_spike(brand, snap).action is Action.HOLD


def test_a_source_outage_in_the_history_is_left_out_not_read_as_quiet():
    # Given a week whose Thursday 08:00-20:00 is missing (a source was down)
    brand = _brand()
    monday = AT - timedelta(days=5)
    down = lambda h: monday.replace(hour=8) <= h < monday.replace(hour=20)  # noqa: E731
    full, gapped = _snap(brand, _history(brand)), _snap(brand, _history(brand, skip=down))
    assert gapped.expected is not None and full.expected is not None
    assert gapped.expected.left_out >= 12
    # (read as 12 quiet hours, the weekday 11:00 would lose a fifth of its usual)
    assert gapped.expected.hourly == pytest.approx(full.expected.hourly, rel=0.05)


@pytest.mark.parametrize(
    "broken",
    [
        {"mentions": -5},
        {"mentions": 10**12},
        {"negative": 90, "mentions": 10},
    ],
)
def test_an_absurd_count_in_the_hour_holds_and_says_why(broken):
    brand = _brand()
    buckets = _history(brand) | {AT - H: replace(_bucket(AT - H, 10), **broken)}
    snap = _snap(brand, buckets)
    assert "implausible" in snap.hold
    assert volume_spike(brand, snap).action is Action.HOLD
    assert negative_share(brand, snap).action is Action.HOLD


def test_an_absurd_count_in_the_history_is_left_out():
    brand = _brand()
    buckets = _history(brand)
    odd = AT - timedelta(days=3)
    buckets[odd] = replace(buckets[odd], mentions=10**15)
    snap = _snap(brand, buckets)
    assert not snap.hold and snap.expected is not None and snap.expected.left_out >= 1
    assert snap.expected.hourly < 40
