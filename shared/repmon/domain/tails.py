"""Upper-tail probabilities of counts: Poisson, negative binomial, binomial. Pure Python, no scipy.

``P(X >= k)`` is summed term by term in the direction the terms shrink, starting from ``k`` when
``k`` lies above the mode (the tail itself) and from ``k - 1`` down otherwise (the complement), so
either way the sum needs a few standard deviations of terms, never ``k`` of them, and each term is a
ratio of its neighbour (no factorial overflows: the first term alone is computed in log space).
The sum stops when what is left, bounded by a geometric series of the current ratio, is under
``EPSILON`` of the sum. The three distributions are log-concave here (the negative binomial for
``size >= 1``; under 1 its ratios only approach their limit from below, which the bound uses).

Counts and means are bounded (``MAX_COUNT``): the rules check plausibility before asking.
"""

from __future__ import annotations

import math
from collections.abc import Callable

EPSILON = 1e-17
#: The largest count or mean these functions accept (a plausible hour is far below it).
MAX_COUNT = 10**9


def poisson_tail(k: int, mean: float) -> float:
    """P(X >= k) for X ~ Poisson(mean)."""
    _check(k, mean)
    if k <= 0:
        return 1.0
    if mean <= 0:
        return 0.0
    log_mean = math.log(mean)

    def log_pmf(j: int) -> float:
        return -mean + j * log_mean - math.lgamma(j + 1)

    return _tail(k, math.floor(mean), log_pmf, lambda j: mean / (j + 1), 0.0)


def negative_binomial_tail(k: int, mean: float, size: float) -> float:
    """P(X >= k) for X negative binomial with this mean and `size` (variance mean + mean**2 / size)."""
    _check(k, mean)
    if not size > 0 or not math.isfinite(size):
        raise ValueError(f"size must be positive and finite, got {size}")
    if k <= 0:
        return 1.0
    if mean <= 0:
        return 0.0
    q = mean / (size + mean)
    log_p, log_q, base = math.log(size / (size + mean)), math.log(q), math.lgamma(size)

    def log_pmf(j: int) -> float:
        return math.lgamma(j + size) - base - math.lgamma(j + 1) + size * log_p + j * log_q

    mode = math.floor((size - 1) * mean / size) if size > 1 else 0
    return _tail(k, mode, log_pmf, lambda j: (j + size) / (j + 1) * q, q)


def binomial_tail(k: int, n: int, p: float) -> float:
    """P(X >= k) for X ~ Binomial(n, p)."""
    _check(k, n)
    if not 0 <= p <= 1:
        raise ValueError(f"p must be within 0..1, got {p}")
    if k <= 0:
        return 1.0
    if k > n or p == 0:
        return 0.0
    if p == 1:
        return 1.0
    log_p, log_q, top = math.log(p), math.log1p(-p), math.lgamma(n + 1)

    def log_pmf(j: int) -> float:
        return top - math.lgamma(j + 1) - math.lgamma(n - j + 1) + j * log_p + (n - j) * log_q

    odds = p / (1 - p)
    return _tail(k, math.floor((n + 1) * p), log_pmf, lambda j: (n - j) / (j + 1) * odds, 0.0, top=n)


def smallest_count(tail: Callable[[int], float], probability: float, start: int = 0) -> int:
    """The smallest k >= start with tail(k) <= probability (tail decreasing in k, reaching 0)."""
    low, step = start, 1
    high = start
    while tail(high) > probability:
        low, high, step = high + 1, high + step, step * 2
        if high > MAX_COUNT:
            raise ValueError("no count this large is that unlikely")
    while low < high:  # tail(high) <= probability, tail(k) > probability for every k < low
        middle = (low + high) // 2
        if tail(middle) <= probability:
            high = middle
        else:
            low = middle + 1
    return high


def _check(k: int, bound: float) -> None:
    if not (math.isfinite(bound) and 0 <= bound <= MAX_COUNT and abs(k) <= MAX_COUNT):
        raise ValueError(f"count {k} or mean {bound} out of range 0..{MAX_COUNT}")


def _tail(
    k: int,
    mode: int,
    log_pmf: Callable[[int], float],
    ratio: Callable[[int], float],
    limit: float,
    top: int | None = None,
) -> float:
    """Sum the upper tail from k (k past the mode), or 1 minus the lower part down from k - 1.

    `ratio(j)` is pmf(j + 1) / pmf(j); `limit` is where it tends as j grows (the bound for what is
    left when ratios approach it from below); `top` the largest possible count.
    """
    if k > mode:
        total, term, j = 1.0, 1.0, k
        while top is None or j < top:
            rho = max(ratio(j), limit)
            term *= ratio(j)
            j += 1
            if rho < 1 and term / (1 - rho) < EPSILON * total:
                break
            total += term
        return min(1.0, math.exp(log_pmf(k) + math.log(total)))
    total, term, j = 1.0, 1.0, k - 1
    while j > 0:
        back = 1 / ratio(j - 1)  # pmf(j - 1) / pmf(j), shrinking as j falls (log-concave)
        term *= back
        j -= 1
        if back < 1 and term / (1 - back) < EPSILON * total:
            break
        total += term
    lower = math.exp(log_pmf(k - 1) + math.log(total))
    return max(0.0, 1.0 - lower)
