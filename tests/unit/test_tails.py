"""Count tails against brute force: the sums of the probability mass function, term by term."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from repmon.domain.tails import (
    binomial_tail,
    negative_binomial_tail,
    poisson_tail,
    smallest_count,
)


def _close(fast: float, slow: float) -> bool:
    return math.isclose(fast, slow, rel_tol=1e-9, abs_tol=1e-15)


def _brute_poisson(k: int, mean: float) -> float:
    def pmf(j: int) -> float:
        return math.exp(-mean + j * math.log(mean) - math.lgamma(j + 1))

    above = math.fsum(pmf(j) for j in range(k, k + 300))
    return above if above < 0.5 else 1 - math.fsum(pmf(j) for j in range(k))


def _brute_nb(k: int, mean: float, size: float) -> float:
    p, q = size / (size + mean), mean / (size + mean)

    def pmf(j: int) -> float:
        return math.exp(math.lgamma(j + size) - math.lgamma(size) - math.lgamma(j + 1)) * p**size * q**j

    above = math.fsum(pmf(j) for j in range(k, k + 3000))
    return above if above < 0.5 else 1 - math.fsum(pmf(j) for j in range(k))


@given(st.integers(0, 60), st.floats(0.01, 30))
def test_poisson_tail_matches_the_sum_of_its_terms(k, mean):
    assert _close(poisson_tail(k, mean), _brute_poisson(k, mean))


@given(st.integers(0, 40), st.floats(0.01, 20), st.floats(0.2, 50))
def test_negative_binomial_tail_matches_the_sum_of_its_terms(k, mean, size):
    assert _close(negative_binomial_tail(k, mean, size), _brute_nb(k, mean, size))


@given(st.integers(0, 60), st.integers(0, 60), st.floats(0, 1))
def test_binomial_tail_matches_the_sum_of_its_terms(k, n, p):
    exact = math.fsum(math.comb(n, j) * p**j * (1 - p) ** (n - j) for j in range(max(k, 0), n + 1))
    assert _close(binomial_tail(k, n, p), exact)


def test_tails_stay_finite_far_out_where_factorials_overflow():
    # Before (a naive sum of mean**k / k!): OverflowError past k = 170
    assert 0 < poisson_tail(2_000, 1_000.0) < 1e-150
    assert poisson_tail(900, 1_000.0) > 0.99
    assert 0 < negative_binomial_tail(2_000, 1_000.0, 2_000.0) < 1e-60
    assert 0 < binomial_tail(9_000, 10_000, 0.8) < 1e-50


def test_a_large_negative_binomial_tends_to_its_poisson():
    assert math.isclose(negative_binomial_tail(130, 100.0, 1e7), poisson_tail(130, 100.0), rel_tol=1e-3)


@given(st.floats(0.01, 500), st.sampled_from([1e-2, 1e-4, 1e-8]))
def test_smallest_count_is_the_first_count_that_unlikely(mean, probability):
    k = smallest_count(lambda j: poisson_tail(j, mean), probability)
    assert poisson_tail(k, mean) <= probability
    assert k == 0 or poisson_tail(k - 1, mean) > probability


@pytest.mark.parametrize("bad", [math.inf, math.nan, -1.0, 1e12])
def test_an_absurd_mean_is_refused_not_summed_forever(bad):
    with pytest.raises(ValueError):
        poisson_tail(5, bad)
