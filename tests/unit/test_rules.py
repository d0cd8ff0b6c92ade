"""The four alert rules: fire / hold / recover, hysteresis and severity."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from repmon.domain.brand import Brand, Thresholds
from repmon.domain.models import ScoredMention, Severity
from repmon.domain.reputation import Snapshot
from repmon.domain.rules import (
    Action,
    influencer_negative,
    influencer_severity,
    is_influencer_negative,
    reputation_drop,
    reputation_low,
    volume_spike,
)
from tests.fakes import scored_mention

AT = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
BRAND = Brand(id="acme", name="Acme Air", query='"acme air"')
CALM = Snapshot(
    at=AT,
    window_index=55.0,
    baseline_index=55.0,
    window_mentions=48,
    window_negative=5,
    baseline_scored=300,
    baseline_hourly=2.0,
    last_hour=2.0,
    last_hour_negative=0,
    last_hour_positive=1,
)


@pytest.mark.parametrize(
    ("value", "action", "severity"),
    [
        (34.9, Action.FIRE, Severity.WARNING),
        (25.0, Action.FIRE, Severity.CRITICAL),
        (35.0, Action.HOLD, Severity.WARNING),
        (39.9, Action.HOLD, Severity.WARNING),
        (40.0, Action.RECOVER, Severity.WARNING),
    ],
)
def test_reputation_low(value, action, severity):
    # Given the default threshold 35 and margin 5 / When the window index is `value`
    decision = reputation_low(BRAND, replace(CALM, window_index=value))
    # Then below fires, 10+ below is critical, recovery needs 40
    assert (decision.action, decision.severity) == (action, severity)


def test_reputation_low_without_data_holds_unmeasured():
    decision = reputation_low(BRAND, replace(CALM, window_index=None))
    assert decision.action is Action.HOLD and not decision.measured


@pytest.mark.parametrize(
    ("window", "action", "severity"),
    [
        (40.0, Action.FIRE, Severity.WARNING),  # exactly 15 under the baseline of 55
        (30.0, Action.FIRE, Severity.CRITICAL),  # 25 under: 10 past the threshold
        (41.0, Action.HOLD, Severity.WARNING),
        (45.0, Action.RECOVER, Severity.WARNING),  # drop 10 = threshold - margin
    ],
)
def test_reputation_drop(window, action, severity):
    decision = reputation_drop(BRAND, replace(CALM, window_index=window))
    assert (decision.action, decision.severity) == (action, severity)
    assert "under a usual week's 55" in decision.summary


def test_reputation_drop_needs_enough_baseline():
    # Given a deep drop against a baseline of 5 scored mentions / Then it holds, unmeasured
    decision = reputation_drop(BRAND, replace(CALM, window_index=20.0, baseline_scored=5))
    assert decision.action is Action.HOLD and not decision.measured


@pytest.mark.parametrize(
    ("last_hour", "baseline_hourly", "action"),
    [
        (20.0, 2.0, Action.FIRE),  # the minimum count decides: max(3 * 2, 20)
        (19.0, 2.0, Action.HOLD),
        (14.9, 2.0, Action.RECOVER),  # under 75% of the bar
        (30.0, 10.0, Action.FIRE),  # the ratio decides: max(3 * 10, 20)
        (29.0, 10.0, Action.HOLD),
        (25.0, 0.0, Action.FIRE),  # no baseline: the minimum alone
    ],
)
def test_volume_spike_needs_ratio_and_minimum(last_hour, baseline_hourly, action):
    snap = replace(CALM, last_hour=last_hour, baseline_hourly=baseline_hourly, last_hour_negative=3)
    assert volume_spike(BRAND, snap).action is action


def test_volume_spike_severity_follows_the_mood_of_the_hour():
    spike = replace(CALM, last_hour=30.0, baseline_hourly=2.0)
    # A mostly positive hour is news, not an incident
    assert (
        volume_spike(BRAND, replace(spike, last_hour_positive=20, last_hour_negative=2)).severity
        is Severity.INFO
    )
    assert (
        volume_spike(BRAND, replace(spike, last_hour_positive=2, last_hour_negative=20)).severity
        is Severity.WARNING
    )
    # Twice the bar and mostly negative is critical
    storm = replace(spike, last_hour=45.0, last_hour_positive=2, last_hour_negative=30)
    decision = volume_spike(BRAND, storm)
    assert decision.severity is Severity.CRITICAL and decision.details["ratio"] == 22.5


def test_influencer_negative_selects_influential_negative_scored_mentions():
    t = Thresholds()
    assert is_influencer_negative(scored_mention("acme", AT, -0.6, 75), t)
    assert not is_influencer_negative(scored_mention("acme", AT, -0.6, 65), t)  # not influential enough
    assert not is_influencer_negative(scored_mention("acme", AT, -0.4, 95), t)  # not negative enough
    assert not is_influencer_negative(scored_mention("acme", AT, -0.9, 95, scored=False), t)


def test_influencer_severity_is_critical_far_past_both_thresholds():
    t = Thresholds()
    assert influencer_severity(scored_mention("acme", AT, -0.8, 90), t) is Severity.CRITICAL
    assert influencer_severity(scored_mention("acme", AT, -0.6, 90), t) is Severity.WARNING
    assert influencer_severity(scored_mention("acme", AT, -0.9, 75), t) is Severity.WARNING


def test_influencer_decision_names_the_most_influential_and_counts_all():
    mentions = [
        scored_mention("acme", AT, -0.6, 75, handle="small"),
        scored_mention("acme", AT, -0.9, 95, handle="loud"),
        scored_mention("acme", AT, -0.2, 99, handle="mild"),
    ]
    decision = influencer_negative(BRAND, mentions)
    assert decision.action is Action.FIRE and decision.severity is Severity.CRITICAL
    assert decision.details["mentions"] == 2 and "u/loud" in decision.summary
    assert influencer_negative(BRAND, mentions[2:]).action is Action.HOLD


@given(st.lists(st.floats(min_value=30.01, max_value=39.99), min_size=1, max_size=50))
def test_an_index_hovering_at_the_threshold_never_recovers(values):
    # Given the index fell below 35 once, then wanders anywhere short of the recovery level 40
    actions = [reputation_low(BRAND, replace(CALM, window_index=v)).action for v in [30.0, *values]]
    # Then the rule never re-arms, so it can never fire a second time
    assert Action.RECOVER not in actions


def test_a_summary_never_contradicts_its_own_threshold():
    # Given an index of 34.69 under the floor of 35 / Then it is not rounded up to the floor
    low = reputation_low(BRAND, replace(CALM, window_index=34.69, baseline_index=40.0))
    assert low.action is Action.FIRE
    assert "is 34.7 over the last 24 h (alert below 35)" in low.summary
    # Given a drop of 15.46 against a threshold of 15 / Then index, drop and baseline share a decimal
    drop = reputation_drop(BRAND, replace(CALM, window_index=47.94, baseline_index=63.4))
    assert "is 47.9, 15.5 points under a usual week's 63.4 (alert at a drop of 15)" in drop.summary
    # Given 20.4 mentions against a bar of 20 / Then the volume is not shown at the bar
    spike = volume_spike(BRAND, replace(CALM, last_hour=20.4, baseline_hourly=2.0))
    assert "about 20.4 mentions in the last hour, 10.2x the usual 2.0 per hour (alert at 20)" in spike.summary


_VOLUME = re.compile(r"about ([\d.]+) mentions in the last hour, ([\d.]+)x the usual ([\d.]+) per hour")


def _unit(text: str) -> float:
    """One unit of the last decimal shown: "0.45" -> 0.01, "23" -> 1."""
    return 10.0 ** -len(text.partition(".")[2])


@given(
    st.floats(min_value=0.0, max_value=5_000.0),
    st.integers(min_value=1, max_value=200_000).map(lambda mentions: mentions / 672),  # baseline span
)
def test_the_volume_figures_shown_multiply_within_their_rounding(last_hour, baseline_hourly):
    # Given any last hour and any usual rate a baseline of whole mentions can give
    spike = volume_spike(BRAND, replace(CALM, last_hour=last_hour, baseline_hourly=baseline_hourly))
    found = _VOLUME.search(spike.summary)
    assert found, spike.summary
    count, ratio, usual = found.groups()
    # Then some true values within each shown figure's rounding multiply: count = ratio x usual.
    # Rounding: the count up to one unit of its last decimal (it may be rounded away from the bar),
    # the ratio half a unit plus the 0.005 it is stored to, the usual half a unit plus its storage's.
    c, r, u = float(count), float(ratio), float(usual)
    c_err, r_err, u_err = _unit(count), 0.05 + 0.005, 0.55 * _unit(usual)
    low, high = max(c - c_err, 0) / (u + u_err), (c + c_err) / (u - u_err)
    assert low <= r + r_err and r - r_err <= high, spike.summary


def test_a_usual_rate_under_one_keeps_two_significant_digits():
    # Given 23 mentions against a usual 0.4466 an hour (51.5x): "0.5" would read as 46x
    spike = volume_spike(BRAND, replace(CALM, last_hour=23.0, baseline_hourly=23 / 51.5))
    assert "about 23 mentions in the last hour, 51.5x the usual 0.45 per hour (alert at 20)" in spike.summary
    # Given one mention in the 7-day baseline: its rate is not "0.0" (nor the stored 0.01)
    spike = volume_spike(BRAND, replace(CALM, last_hour=25.0, baseline_hourly=1 / 168))
    assert "25 mentions in the last hour, 4200.0x the usual 0.0060 per hour" in spike.summary


def test_one_influencer_negative_says_who_where_and_how_far_it_carries():
    loud = scored_mention("acme", AT, -0.96, 87.2, handle="fran")
    loud = replace(loud, mention=replace(loud.mention, author=replace(loud.mention.author, karma=508_000)))
    decision = influencer_negative(BRAND, [loud])
    assert decision.summary == (
        "A negative mention of Acme Air by u/fran on Reddit (sentiment -0.96), from an influential "
        "author: influence 87 (karma 508k)."
    )


def test_an_influencer_summary_keeps_a_hostile_handle_on_one_line():
    # Given an influential author whose handle carries a forged line and a bidi override
    loud = scored_mention("acme", AT, -0.9, 95, handle="bob\nURGENT: reset your password\u202e")
    # When the rule summarises it / Then the handle stays inside the sentence, stripped of controls
    summary = influencer_negative(BRAND, [loud]).summary
    assert "\n" not in summary and "\u202e" not in summary
    assert "u/bob URGENT: reset your password on Reddit" in summary


def _tiered(sm: ScoredMention, tier: str) -> ScoredMention:
    return replace(sm, mention=replace(sm.mention, customer_tier=tier))


def test_a_customer_tier_lowers_the_influencer_bar_for_its_authors_only():
    # Given influencer_min 70 and a VIP bar of 20
    t = Thresholds.model_validate({"by_tier": {"vip": {"influencer_min": 20}}})
    complaint = scored_mention("acme", AT, -0.6, 30)
    # Then a VIP's complaint at influence 30 is an influencer negative; the same from anyone else is not
    assert is_influencer_negative(_tiered(complaint, "vip"), t)
    assert not is_influencer_negative(complaint, t)
    assert not is_influencer_negative(_tiered(complaint, "customer"), t)
    # and its severity is judged against the tier's bar (critical halfway from 20 to 100)
    assert influencer_severity(_tiered(scored_mention("acme", AT, -0.9, 65), "vip"), t) is Severity.CRITICAL
