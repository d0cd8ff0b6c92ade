"""The bars of the count-aware rules: how many mentions (or negatives) an hour must hold to be news.

- volume_spike's bar is the larger of its guards, ``volume_spike_ratio * E`` and
  ``volume_spike_min``, and the smallest count an ordinary hour holds with a probability of at most
  ``sensitivity``: ``P(X >= count) <= sensitivity`` for X negative binomial with mean E (the usual
  for that hour) and size ``E * (n + a)`` (`domain.seasonal`). With a flat history of a week, that
  count is under ``max(3 E, 20)`` for every E (the Poisson 1-in-10,000 count of a mean of 6.7 is 17),
  so the default guards bind and the rule fires where the flat rule always did.
- negative_share's bar, among the hour's n scored mentions, is the largest of ``negative_share_min``
  negatives, the usual share p plus ``negative_share_rise`` points (``n * (p + rise / 100)``), and
  the smallest k with ``P(Y >= k) <= sensitivity`` for Y ~ Binomial(n, p).

Pure; the tails are `domain.tails`.
"""

from __future__ import annotations

import math

from repmon.domain.brand import Thresholds
from repmon.domain.tails import binomial_tail, negative_binomial_tail, poisson_tail, smallest_count


def spike_tail(count: int, expected: float, hours: float) -> float:
    """P(an ordinary hour holds `count` or more) when it usually holds `expected`, learnt over
    `hours` (the negative binomial's size is expected * hours: thin history, wider spread)."""
    size = expected * hours
    if size <= 0 or not math.isfinite(size):
        return poisson_tail(count, expected)
    return negative_binomial_tail(count, expected, size)


def spike_bar(t: Thresholds, expected: float, hours: float) -> float:
    """The mentions the sliding hour needs for volume_spike to fire."""
    guard = max(t.volume_spike_ratio * expected, float(t.volume_spike_min))
    start = math.ceil(guard)
    if spike_tail(start, expected, hours) <= t.sensitivity:
        return guard  # the guards bind: the flat rule's bar, exactly
    return float(smallest_count(lambda k: spike_tail(k, expected, hours), t.sensitivity, start))


def share_bar(t: Thresholds, scored: int, usual: float) -> int:
    """The negatives among `scored` mentions that negative_share needs (more than `scored`: none do)."""
    guard = max(t.negative_share_min, math.ceil(scored * (usual + t.negative_share_rise / 100) - 1e-9))
    if guard > scored:
        return scored + 1
    return smallest_count(lambda k: binomial_tail(k, scored, usual), t.sensitivity, guard)
