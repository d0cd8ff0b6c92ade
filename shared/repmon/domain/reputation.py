"""The reputation index and the windows it is computed over. Pure: hourly aggregates in, numbers out.

Reputation index (0-100, 50 = neutral), over a set of hourly buckets::

    index = 50 + 50 * (sum(w * s) + K * p) / (sum(w) + K)

- ``s`` is a scored mention's sentiment (-1..1) and ``w = 1 + influence / 25`` its weight
  (1 for an unknown author, 5 for the most influential). The aggregates already hold both sums
  (``weighted_sentiment_sum``, ``weight_sum``), so the index never reads a mention.
- ``K`` (``PRIOR_WEIGHT`` = 40) is a Bayesian prior: K phantom mentions of sentiment ``p`` that every
  window starts with. It holds thin windows near the prior and fades as real mentions accumulate.
- The prior ``p`` is neutral (0) for the baseline, so the baseline index is
  ``50 + 50 * sum(w * s) / (sum(w) + K)``. The window's prior is the brand's own baseline,
  ``p = (baseline index - 50) / 50`` (neutral when there is no baseline): a quiet day then reads
  "as usual", not as a slide toward 50 that a well-liked brand would see as a drop.
- With K = 40, three mentions, whatever their authors and scores, move a neutral index by less
  than 14 points (at most 50 * 15 / 55): neither the default drop (15) nor the default low (35).
  An author influential enough to move it further also triggers influencer_negative.
- Unscored mentions (another language, empty text) count for volume, never for the index.
  A window without a single scored mention has no index (None): no data is not "neutral".

Windows, for an evaluation at time ``at`` (the scheduled time of the run, so a retry sees the same
windows). Buckets are whole UTC hours; the window ends at the end of the hour holding ``at``
(``at`` itself when it falls on the hour, so a run never reads an hour that has not started):

- window:   the last ``window_hours`` buckets, ``[end - window_hours, end)``
- baseline: the ``baseline_hours`` buckets before the window, ``[end - window - baseline, end - window)``
- change = window index - baseline index.
- baseline hourly volume = mentions in the baseline / ``baseline_hours`` (empty hours count as 0).
- last-hour volume, a sliding hour estimated from two buckets:
  ``mentions(current hour) + mentions(previous hour) * (1 - f)`` where ``f`` is the elapsed fraction
  of the current hour (at 12:15, f = 0.25: all of 12:00-12:15 plus three quarters of 11:00-12:00).
- expected: what that sliding hour usually holds, from the same hours of the baseline
  (`domain.seasonal`): ``f * E(current hour) + (1 - f) * E(previous hour)``, with how it was learnt.
  ``hold`` says why the count-aware rules cannot judge (no history, an implausible count).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from repmon.domain.baseline_cache import BaselineCache
from repmon.domain.brand import Thresholds
from repmon.domain.models import HourlyAggregate
from repmon.domain.seasonal import Expected, Learnt, learn, plausible
from repmon.domain.timeutil import floor_hour

HOUR = timedelta(hours=1)
NEUTRAL = 50.0
#: K: the prior weight, in "mentions of an unknown author" (see the module docstring).
PRIOR_WEIGHT = 40.0


@dataclass(frozen=True, slots=True)
class Span:
    """A half-open time range [since, until) of whole hours."""

    since: datetime
    until: datetime

    def holds(self, hour: datetime) -> bool:
        return self.since <= hour < self.until


def weight(influence: float) -> float:
    """A scored mention's weight in the index: 1 for an unknown author, up to 5 for the most influential."""
    return 1.0 + influence / 25.0


def window_end(at: datetime) -> datetime:
    """The end of the hour holding `at`; `at` itself when it falls exactly on the hour."""
    start = floor_hour(at)
    return start if start == at.astimezone(UTC) else start + HOUR


def window_span(at: datetime, thresholds: Thresholds) -> Span:
    end = window_end(at)
    return Span(end - thresholds.window_hours * HOUR, end)


def baseline_span(at: datetime, thresholds: Thresholds) -> Span:
    window = window_span(at, thresholds)
    return Span(window.since - thresholds.baseline_hours * HOUR, window.since)


def history_span(at: datetime, thresholds: Thresholds) -> Span:
    """Baseline and window together: what one evaluation reads from the store, in one query."""
    return Span(baseline_span(at, thresholds).since, window_end(at))


def within(buckets: Iterable[HourlyAggregate], span: Span) -> list[HourlyAggregate]:
    since, until = span.since, span.until  # inline, not span.holds: a backtest calls this millions of times
    return [b for b in buckets if since <= b.hour < until]


def index(
    buckets: Iterable[HourlyAggregate], prior: float = NEUTRAL, prior_weight: float = PRIOR_WEIGHT
) -> float | None:
    """The index of these buckets, shrunk toward the index `prior`; None when nothing was scored."""
    weight = weighted = 0.0
    scored = 0
    for bucket in buckets:
        weight += bucket.weight_sum
        weighted += bucket.weighted_sentiment_sum
        scored += scored_mentions(bucket)
    if scored == 0:
        return None
    prior_sentiment = (prior - NEUTRAL) / NEUTRAL
    raw = NEUTRAL + NEUTRAL * (weighted + prior_weight * prior_sentiment) / (weight + prior_weight)
    return min(100.0, max(0.0, raw))


def scored_mentions(bucket: HourlyAggregate) -> int:
    return bucket.negative + bucket.neutral + bucket.positive


def hourly_mean(buckets: Iterable[HourlyAggregate], span: Span) -> float:
    """Mean mentions per hour over `span`, empty (absent) hours counting as 0."""
    hours = (span.until - span.since) / HOUR
    return sum(b.mentions for b in within(buckets, span)) / hours if hours > 0 else 0.0


def last_hour(buckets: Sequence[HourlyAggregate], at: datetime) -> tuple[float, int, int]:
    """The sliding last hour before `at`: (estimated mentions, negative, positive), each prorated."""
    current = floor_hour(at)
    elapsed = (at.astimezone(UTC) - current) / HOUR
    shares = {current: 1.0 if elapsed > 0 else 0.0, current - HOUR: 1.0 - elapsed}
    mentions = negative = positive = 0.0
    for bucket in buckets:
        share = shares.get(bucket.hour, 0.0)
        mentions += bucket.mentions * share
        negative += bucket.negative * share
        positive += bucket.positive * share
    return mentions, round(negative), round(positive)


def last_hour_scored(buckets: Sequence[HourlyAggregate], at: datetime) -> int:
    """Scored mentions in the sliding last hour, prorated as `last_hour` prorates the others."""
    current = floor_hour(at)
    elapsed = (at.astimezone(UTC) - current) / HOUR
    shares = {current: 1.0 if elapsed > 0 else 0.0, current - HOUR: 1.0 - elapsed}
    return round(sum(scored_mentions(b) * shares.get(b.hour, 0.0) for b in buckets))


def judged_hold(buckets: Sequence[HourlyAggregate], at: datetime) -> str:
    """Why the last hour cannot be judged: a count no hour can hold (a broken aggregate)."""
    current = floor_hour(at)
    for bucket in buckets:
        if bucket.hour in (current, current - HOUR) and not plausible(bucket):
            return f"the count for {bucket.hour:%H}:00 UTC is implausible ({bucket.mentions} mentions)"
    return ""


@dataclass(frozen=True, slots=True)
class Snapshot:
    """Everything the rules need about one brand at one evaluation time."""

    at: datetime
    window_index: float | None
    baseline_index: float | None
    window_mentions: int
    window_negative: int
    baseline_scored: int
    baseline_hourly: float
    last_hour: float
    last_hour_negative: int
    last_hour_positive: int
    #: Scored mentions in the sliding last hour (the negative share's denominator).
    last_hour_scored: int = 0
    #: What the sliding last hour usually holds; None: the flat baseline_hourly stands for it.
    expected: Expected | None = None
    #: Why the count-aware rules (volume_spike, negative_share) cannot judge; empty when they can.
    hold: str = ""

    @property
    def change(self) -> float | None:
        if self.window_index is None or self.baseline_index is None:
            return None
        return self.window_index - self.baseline_index


@dataclass(frozen=True, slots=True)
class Baseline:
    """What a snapshot reads from the baseline buckets, whatever the minute of `at`: the same for
    every evaluation within one hour (`domain.baseline_cache`)."""

    index: float | None
    scored: int
    hourly: float
    learnt: Learnt


def baseline(buckets: Sequence[HourlyAggregate], span: Span) -> Baseline:
    """The baseline's index, scored mentions, hourly mean and seasonal profile (`buckets` within `span`)."""
    return Baseline(
        index(buckets),
        sum(scored_mentions(b) for b in buckets),
        hourly_mean(buckets, span),
        learn(buckets, span.since, span.until),
    )


def snapshot(
    buckets: Sequence[HourlyAggregate],
    at: datetime,
    thresholds: Thresholds,
    baselines: BaselineCache[Baseline] | None = None,
) -> Snapshot:
    """Compute the window, the baseline and the last hour from the buckets of `history_span`.

    `baselines` keeps each brand's baseline summary for the next evaluations of the same hour (a
    backtest's); without it the summary is computed, as with it, from the buckets."""
    window = within(buckets, window_span(at, thresholds))
    base_span = baseline_span(at, thresholds)
    in_baseline = within(buckets, base_span)
    if baselines is None:
        base = baseline(in_baseline, base_span)
    else:
        since, until = base_span.since, base_span.until
        base = baselines.get(in_baseline, since, until, lambda: baseline(in_baseline, base_span))
    # The last hour reads two buckets: find them once, not in every bucket of the history three times.
    current = floor_hour(at)
    recent = within(buckets, Span(current - HOUR, current + HOUR))
    volume, negative, positive = last_hour(recent, at)
    usual = base.learnt.expect(at.astimezone(UTC))
    return Snapshot(
        at=at,
        window_index=index(window, prior=NEUTRAL if base.index is None else base.index),
        baseline_index=base.index,
        window_mentions=sum(b.mentions for b in window),
        window_negative=sum(b.negative for b in window),
        baseline_scored=base.scored,
        baseline_hourly=base.hourly,
        last_hour=volume,
        last_hour_negative=negative,
        last_hour_positive=positive,
        last_hour_scored=last_hour_scored(recent, at),
        expected=usual,
        hold=judged_hold(recent, at) or usual.hold,
    )
