"""What a brand's hour usually holds: its mentions and its negative share, learnt from the same hour
of the day and kind of day over the baseline period. Pure: the baseline's hourly buckets in.

Cells, finest first: the hour of the week (168 cells, used with 3+ weeks of history), the hour of
the day on a weekday or a weekend day (48 cells, 1+ day), the hour of the day (24), the flat mean
(alone when the history holds under ``FLAT_BELOW`` mentions: "flat: too little history"). Under a
day of history the count-aware rules hold (``Expected.hold``): a partial day has not seen the busy
hours yet.
A cell's expected count is its own mean shrunk toward the next coarser cell, an empirical-Bayes
(Poisson-gamma) blend with ``PSEUDO_HOURS`` = a phantom hours at the coarser rate::

    E(cell) = (S + a * E(parent)) / (n + a)

S is the mentions in the cell's n observed hours of history. With a week of history a weekday
cell has 5 hours and a weekend cell 2: the weekend's noon is (2 noons + 2 phantom "any day" noons)
/ 4. The spike rule judges the count against a negative binomial with mean E and size E * (n + a):
the posterior predictive of that blend (variance E * (1 + 1 / (n + a))), so thin cells need more.

The negative share of a cell is shrunk the same way toward the flat share, with ``SHARE_PSEUDO``
phantom scored mentions: p(cell) = (negatives + b * p_flat) / (scored + b).

History starts at the first hour with a mention in the baseline (a new brand has no past before
it). An hour is left out when its counts are implausible (negative, over ``MAX_HOURLY``, more
scored than mentioned) and when it lies in a run of empty hours that should have held at least
``GAP_EXPECTED`` mentions by the hour-of-day means (a source was down, not a quiet night).
Hours are UTC: a brand has no time zone yet, so no clock change applies.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from repmon.domain.models import HourlyAggregate
from repmon.domain.timeutil import floor_hour

HOUR = timedelta(hours=1)
HOUR_OF_WEEK = "hour-of-week"
WEEKDAY_WEEKEND = "weekday/weekend"
FLAT = "flat: too little history"
#: a: phantom hours at the coarser cell's rate behind every cell.
PSEUDO_HOURS = 2.0
#: b: phantom scored mentions at the flat negative share behind every cell's share.
SHARE_PSEUDO = 20.0
#: Hours of observed history: to judge at all (every hour of the day seen once: a partial day's
#: flat mean would take its first busy hour for a spike), and for the hour of the week.
DAY_HISTORY = 24
WEEKLY_HISTORY = 21 * 24
#: Fewer mentions than this in the whole history (under 2 per hour of the day): too few to learn
#: the hours from, the flat mean stands for every hour.
FLAT_BELOW = 48
#: A run of empty hours expected to hold this many mentions is a gap, not silence (P = e^-10).
GAP_EXPECTED = 10.0
#: More mentions than this in one hour of one brand is a broken count, not an event.
MAX_HOURLY = 1_000_000
_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

#: A cell of a level, from (weekday, hour of the day).
Cell = Callable[[int, int], tuple[int, ...]]
#: The cell levels, coarsest first, each shrunk toward the one before (the first toward the flat mean).
_LEVELS: tuple[Cell, ...] = (
    lambda day, hour: (hour,),
    lambda day, hour: (day >= 5, hour),
    lambda day, hour: (day, hour),
)
_LEVELS_USED = {FLAT: 0, WEEKDAY_WEEKEND: 2, HOUR_OF_WEEK: 3}


@dataclass(frozen=True, slots=True)
class Expected:
    """The usual for the hour being judged, how it was learnt, or why there is none (`hold`)."""

    #: Expected mentions in the sliding last hour.
    hourly: float = 0.0
    #: n + a of the cell behind it: the size of the negative binomial is hourly * hours.
    hours: float = 0.0
    method: str = FLAT
    #: "for a Tuesday at noon UTC", "per hour" (flat).
    label: str = "per hour"
    #: The cell's usual share of negatives among scored mentions; None when nothing was scored.
    negative_share: float | None = None
    history_hours: int = 0
    left_out: int = 0
    #: Why the count-aware rules cannot judge (no history); empty when they can.
    hold: str = ""


def plausible(bucket: HourlyAggregate) -> bool:
    counts = (bucket.mentions, bucket.negative, bucket.neutral, bucket.positive, bucket.unscored)
    scored = bucket.negative + bucket.neutral + bucket.positive
    return min(counts) >= 0 and bucket.mentions <= MAX_HOURLY and scored <= bucket.mentions


def expect(baseline: Iterable[HourlyAggregate], since: datetime, until: datetime, at: datetime) -> Expected:
    """The usual for the sliding hour ending at `at`, from the baseline buckets in [since, until)."""
    return learn(baseline, since, until).expect(at)


def learn(baseline: Iterable[HourlyAggregate], since: datetime, until: datetime) -> Learnt:
    """What the baseline buckets in [since, until) teach, for any hour: the slow part of `expect`."""
    kept, odd = _plausible_hours(baseline)
    first = min((h for h, b in kept.items() if b.mentions > 0 and since <= h < until), default=None)
    if first is None:
        return Learnt(hold="no mentions in the baseline period yet: nothing to compare with")
    history = [first + i * HOUR for i in range(int((until - first) / HOUR))]
    gaps = _gaps(history, kept)
    observed = [h for h in history if h not in odd and h not in gaps]
    if len(observed) < DAY_HISTORY:
        return Learnt(
            history_hours=len(observed),
            hold=f"{len(observed)} h of history; the usual for each hour of the day needs {DAY_HISTORY}",
        )
    method = _method(len(observed), sum(kept[h].mentions for h in observed if h in kept))
    profile = _Profile(observed, kept, _LEVELS_USED[method])
    return Learnt(profile, method, len(observed), len(history) - len(observed))


@dataclass(frozen=True, slots=True)
class Learnt:
    """A baseline's profile and what it left out, or why it has none (`hold`): everything `expect`
    needs but the hour judged, so evaluations within one hour can share it (`domain.baseline_cache`)."""

    profile: _Profile | None = None
    method: str = FLAT
    history_hours: int = 0
    left_out: int = 0
    hold: str = ""

    def expect(self, at: datetime) -> Expected:
        """The usual for the sliding hour ending at `at` (UTC)."""
        profile = self.profile
        if profile is None:
            return Expected(history_hours=self.history_hours, hold=self.hold)
        current = floor_hour(at)
        elapsed = (at - current) / HOUR
        judged = current if elapsed >= 0.5 else current - HOUR
        hourly = elapsed * profile.rate(current) + (1 - elapsed) * profile.rate(current - HOUR)
        return Expected(
            hourly=hourly,
            hours=profile.hours(judged),
            method=self.method,
            label=describe_hour(judged, self.method),
            negative_share=profile.share(judged),
            history_hours=self.history_hours,
            left_out=self.left_out,
        )


def _method(observed: int, mentions: int) -> str:
    if mentions < FLAT_BELOW:
        return FLAT
    return HOUR_OF_WEEK if observed >= WEEKLY_HISTORY else WEEKDAY_WEEKEND


def _plausible_hours(
    buckets: Iterable[HourlyAggregate],
) -> tuple[dict[datetime, HourlyAggregate], set[datetime]]:
    kept: dict[datetime, HourlyAggregate] = {}
    odd: set[datetime] = set()
    for bucket in buckets:
        if plausible(bucket):
            kept[bucket.hour] = bucket
        else:
            odd.add(bucket.hour)
    return kept, odd


def _gaps(history: list[datetime], kept: dict[datetime, HourlyAggregate]) -> set[datetime]:
    """Runs of empty hours that the hour-of-day means say should have held GAP_EXPECTED mentions."""
    sums: dict[int, float] = defaultdict(float)
    counts: dict[int, int] = defaultdict(int)
    for hour in history:
        sums[hour.hour] += kept[hour].mentions if hour in kept else 0
        counts[hour.hour] += 1
    means = {h: sums[h] / counts[h] for h in counts}
    gaps: set[datetime] = set()
    run: list[datetime] = []
    expected = 0.0
    for hour in history:
        if hour not in kept or kept[hour].mentions == 0:
            run.append(hour)
            expected += means[hour.hour]
            continue
        if expected >= GAP_EXPECTED:
            gaps.update(run)
        run, expected = [], 0.0
    if expected >= GAP_EXPECTED:
        gaps.update(run)
    return gaps


class _Profile:
    """Sums per cell at each level, and the shrunk rate and share of the finest level used."""

    def __init__(self, observed: list[datetime], kept: dict[datetime, HourlyAggregate], levels: int) -> None:
        self.levels = _LEVELS[:levels]
        # One pass over the hours into the 168 hours of the week; every coarser cell is a sum of them.
        week: dict[tuple[int, int], list[float]] = defaultdict(_zeros)
        for hour in observed:
            cell = week[(hour.weekday(), hour.hour)]
            cell[0] += 1
            bucket = kept.get(hour)
            if bucket is not None:
                cell[1] += bucket.mentions
                cell[2] += bucket.negative + bucket.neutral + bucket.positive
                cell[3] += bucket.negative
        #: Per level, per cell: [hours, mentions, scored, negative].
        self.sums: list[dict[tuple[int, ...], list[float]]] = []
        for level in self.levels:
            sums: dict[tuple[int, ...], list[float]] = defaultdict(_zeros)
            for (day, hour_of_day), row in week.items():
                _add(sums[level(day, hour_of_day)], row)
            self.sums.append(sums)
        total = _zeros()
        for row in week.values():
            _add(total, row)
        self.total = total
        self.flat_rate = total[1] / total[0] if total[0] else 0.0
        self.flat_share = total[3] / total[2] if total[2] else None

    def _finest(self, hour: datetime) -> list[float]:
        if not self.levels:
            return self.total
        return self.sums[-1].get(self.levels[-1](hour.weekday(), hour.hour)) or _zeros()

    def rate(self, hour: datetime) -> float:
        rate = self.flat_rate
        for sums, cell in zip(self.sums, self.levels, strict=True):
            hours, mentions, _, _ = sums.get(cell(hour.weekday(), hour.hour)) or _zeros()
            rate = (mentions + PSEUDO_HOURS * rate) / (hours + PSEUDO_HOURS)
        return rate

    def hours(self, hour: datetime) -> float:
        return self._finest(hour)[0] + PSEUDO_HOURS

    def share(self, hour: datetime) -> float | None:
        if self.flat_share is None:
            return None
        _, _, scored, negative = self._finest(hour)
        return (negative + SHARE_PSEUDO * self.flat_share) / (scored + SHARE_PSEUDO)


def _zeros() -> list[float]:
    return [0.0, 0.0, 0.0, 0.0]


def _add(into: list[float], row: list[float]) -> None:
    for i, value in enumerate(row):
        into[i] += value


def _counts(bucket: HourlyAggregate) -> tuple[int, int, int]:
    return bucket.mentions, bucket.negative + bucket.neutral + bucket.positive, bucket.negative


def describe_hour(hour: datetime, method: str) -> str:
    """'for a Tuesday at noon UTC', 'for a weekend day at 3 a.m. UTC', 'per hour' (flat)."""
    if method == HOUR_OF_WEEK:
        day = f"a {_DAYS[hour.weekday()]}"
    elif method == WEEKDAY_WEEKEND:
        day = "a weekend day" if hour.weekday() >= 5 else "a weekday"
    else:
        return "per hour"
    return f"for {day} at {clock_hour(hour.hour)} UTC"


def clock_hour(hour: int) -> str:
    if hour in (0, 12):
        return "midnight" if hour == 0 else "noon"
    return f"{hour % 12} {'a.m.' if hour < 12 else 'p.m.'}"
