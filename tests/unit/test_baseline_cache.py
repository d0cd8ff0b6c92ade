"""Baselines learnt once an hour (domain.baseline_cache): the cache gives back a summary only for the
very buckets and span it was computed from, and a month of 5-minute snapshots taken with it equals,
field for field and rule for rule, the month taken without it."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from repmon.domain.baseline_cache import BaselineCache
from repmon.domain.brand import Thresholds
from repmon.domain.models import HourlyAggregate
from repmon.domain.reputation import Baseline, history_span, snapshot
from repmon.domain.rules import INDEX_RULES
from tests.unit.test_seasonal import CURVE, _brand

H = timedelta(hours=1)
START = datetime(2026, 10, 5, tzinfo=UTC)  # a Monday
SINCE, UNTIL = START, START + 3 * H


def _bucket(hour: datetime, mentions: int, negative: int = 0, brand: str = "acme") -> HourlyAggregate:
    return HourlyAggregate(
        brand, hour, mentions=mentions, negative=negative, neutral=mentions - negative, weight_sum=mentions
    )


def _three(brand: str = "acme") -> list[HourlyAggregate]:
    return [_bucket(START + i * H, 5 + i, brand=brand) for i in range(3)]


def _counting() -> tuple[BaselineCache[int], list[int]]:
    """A cache of mention sums, and a list that grows by one at every sum computed."""
    return BaselineCache(), []


def _get(cache: BaselineCache[int], calls: list[int], buckets, since=SINCE, until=UNTIL) -> int:
    def compute() -> int:
        calls.append(1)
        return sum(b.mentions for b in buckets)

    return cache.get(buckets, since, until, compute)


def test_the_same_buckets_over_the_same_span_are_computed_once():
    cache, calls = _counting()
    buckets = _three()
    assert _get(cache, calls, buckets) == _get(cache, calls, list(buckets)) == 18
    assert len(calls) == 1 and (cache.hits, cache.misses) == (1, 1)


def test_a_rewritten_bucket_is_a_new_key_even_with_equal_counts():
    # A late mention rewrites an hour's aggregate: a new object, whatever it holds
    cache, calls = _counting()
    buckets = _three()
    _get(cache, calls, buckets)
    later = [buckets[0], replace(buckets[1], mentions=buckets[1].mentions + 1), buckets[2]]
    assert _get(cache, calls, later) == 19
    assert _get(cache, calls, [buckets[0], replace(buckets[1]), buckets[2]]) == 18
    assert len(calls) == 3


def test_another_span_or_one_more_hour_is_a_new_key():
    cache, calls = _counting()
    buckets = _three()
    _get(cache, calls, buckets)
    _get(cache, calls, buckets, until=UNTIL + H)
    _get(cache, calls, buckets, since=SINCE - H, until=UNTIL + H)
    assert _get(cache, calls, [*buckets, _bucket(UNTIL, 4)], until=UNTIL + H) == 22
    assert _get(cache, calls, buckets[1:]) == 13
    assert len(calls) == 5 and cache.hits == 0


def test_each_brand_keeps_its_own_and_no_buckets_are_never_kept():
    cache, calls = _counting()
    acme, globex = _three(), _three("globex")
    for buckets in (acme, globex, acme, globex):
        _get(cache, calls, buckets)
    _get(cache, calls, [])
    _get(cache, calls, [])
    assert len(calls) == 4 and cache.hits == 2


def _month(seed: int = 9) -> dict[datetime, HourlyAggregate]:
    """A month of rhythmic hours (weekends 40%), an outage of complaints, a broken count, a silent day."""
    rng = random.Random(seed)
    hours: dict[datetime, HourlyAggregate] = {}
    for i in range(30 * 24):
        hour = START + i * H
        if 12 * 24 <= i < 13 * 24:
            continue  # a source down for a day: a gap in the history
        usual = CURVE[hour.hour] * (0.4 if hour.weekday() >= 5 else 1.0)
        mentions = max(0, round(rng.gauss(usual, usual**0.5)))
        negative = round(mentions * 0.2)
        if 20 * 24 + 3 <= i < 20 * 24 + 6:
            mentions, negative = mentions + 40, negative + 40
        hours[hour] = _bucket(hour, mentions, negative)
    broken = START + (25 * 24 + 2) * H
    hours[broken] = replace(hours[broken], mentions=10**12)
    return hours


@pytest.mark.slow  # 8,640 snapshots twice, half of them learning their baseline: about 10 s
def test_a_month_of_five_minute_snapshots_with_the_cache_equals_the_month_without():
    # Given a month of hours seen as a store shows them: up to `at`, the current hour growing, and
    # now and then a late mention rewriting an hour already in the baseline
    brand = _brand()
    t: Thresholds = brand.thresholds
    month, rng = _month(), random.Random(3)
    cache: BaselineCache[Baseline] = BaselineCache()
    at, end, compared = START + 5 * timedelta(minutes=1), START + 30 * 24 * H, 0
    while at <= end:
        span = history_span(at, t)
        current = at.replace(minute=0) if at.minute else at - H
        grown = {h: b for h, b in month.items() if span.since <= h < span.until and h < current}
        if current in month:
            part = at.minute / 60 or 1.0
            grown[current] = replace(month[current], mentions=round(month[current].mentions * part))
        if rng.random() < 0.01 and len(grown) > 48:
            old = sorted(grown)[rng.randrange(24)]
            month[old] = replace(month[old], mentions=month[old].mentions + 1)
            grown[old] = month[old]
        buckets = [grown[h] for h in sorted(grown)]
        # When one snapshot is taken with the cache and one without
        cached, fresh = snapshot(buckets, at, t, cache), snapshot(buckets, at, t)
        # Then they are equal in every field, and every rule decides the same
        assert cached == fresh, at
        for name, rule in INDEX_RULES:
            assert rule(brand, cached) == rule(brand, fresh), (at, name)
        compared += 1
        at += 5 * timedelta(minutes=1)
    # And the cache did its work: one baseline learnt per hour, give or take the late mentions
    assert compared == 30 * 24 * 12
    assert cache.misses < 30 * 24 * 1.1 and cache.hits > 30 * 24 * 10
