"""Figures shown next to thresholds: never on the wrong side of them, one rule for every message."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from repmon.domain.figures import beside, index_figures, number

_SCALE = st.floats(min_value=0, max_value=100, allow_nan=False)
#: Thresholds as people write them in brands.yaml: whole numbers or a few decimals...
_CONFIG = st.decimals(min_value=0, max_value=100, places=2).map(float)
#: ...and any float at all, for the odd 34.999 or a computed bar.
_THRESHOLD = _CONFIG | _SCALE


def _side(a: float, b: float) -> int:
    return (a > b) - (a < b)


@given(value=_SCALE, threshold=_THRESHOLD)
@example(value=34.69, threshold=35.0)
@example(value=34.9999999, threshold=35.0)
@example(value=15.5, threshold=15.0)
@example(value=34.5, threshold=34.5)
def test_a_value_is_shown_on_its_own_side_of_the_shown_threshold(value, threshold):
    shown, limit = beside(value, threshold)
    assert _side(float(shown), float(limit)) == _side(value, threshold)


@given(index=_SCALE, threshold=_THRESHOLD)
def test_any_index_under_a_threshold_is_shown_under_it(index, threshold):
    if index < threshold:
        shown, limit = beside(index, threshold)
        assert float(shown) < float(limit)


@pytest.mark.parametrize(
    ("value", "threshold", "expected"),
    [
        (31.2, 35.0, ("31", "35")),  # whole numbers when they keep the side
        (34.69, 35.0, ("34.7", "35")),  # "35 (alert below 35)" would contradict itself
        (15.5, 15.0, ("16", "15")),  # still over 15
        (15.46, 15.0, ("15.5", "15")),  # "down 15 (alert at a drop of 15)" would hide that it is over
        (34.96, 35.0, ("34.96", "35")),
        (34.999, 35.0, ("34.99", "35")),  # past two decimals: rounded away from the threshold
        (35.0, 35.0, ("35", "35")),
        (34.5, 34.5, ("34.5", "34.5")),
        (36.0, 34.25, ("36", "34.25")),
    ],
)
def test_the_fewest_decimals_that_keep_the_side(value, threshold, expected):
    assert beside(value, threshold) == expected


def test_index_figures_share_the_decimals_the_drop_needs():
    # Given an index of 47.94, 15.46 under its baseline (63.4), against a drop threshold of 15
    shown = index_figures(47.94, -15.46, floor=35.0, drop_threshold=15.0)
    # Then the drop needs one decimal, and the index and baseline use it too, so the sum adds up
    assert (shown.index, shown.baseline, shown.drop, shown.change) == ("47.9", "63.4", "15.5", "-15.5")
    assert (shown.floor, shown.drop_threshold) == ("35", "15")


def test_index_figures_are_whole_numbers_when_nothing_is_near_a_threshold():
    shown = index_figures(31.2, -32.9, floor=35.0, drop_threshold=15.0)
    assert (shown.index, shown.baseline, shown.drop, shown.change) == ("31", "64", "33", "-33")


def test_index_figures_without_a_baseline():
    shown = index_figures(34.69, None, floor=35.0, drop_threshold=15.0)
    assert (shown.index, shown.baseline, shown.drop, shown.change) == ("34.7", None, None, None)


@given(index=_SCALE, baseline=_SCALE, floor=_CONFIG, drop=_CONFIG)
def test_index_figures_keep_both_sides_and_add_up(index, baseline, floor, drop):
    shown = index_figures(index, index - baseline, floor=floor, drop_threshold=drop)
    assert _side(float(shown.index), float(shown.floor)) == _side(index, floor)
    assert shown.drop is not None and shown.baseline is not None
    assert _side(float(shown.drop), float(shown.drop_threshold)) == _side(-(index - baseline), drop)
    # "down 16 to 50 (was 65)" never: the shown index plus the shown drop is the shown baseline
    places = len(shown.baseline.partition(".")[2])
    assert shown.baseline == number(float(shown.index) + float(shown.drop), places)
    assert abs(float(shown.baseline) - baseline) <= 2.5 * 10**-places + 1e-9


def test_index_figures_take_a_decimal_when_whole_numbers_do_not_add_up():
    # Given 49.6, 15.8 under 65.4: whole numbers would read "down 16 to 50 (was 65)"
    shown = index_figures(49.6, -15.8, floor=35.0, drop_threshold=15.0)
    assert (shown.index, shown.drop, shown.baseline) == ("49.6", "15.8", "65.4")


def test_number_rounds_to_the_given_places():
    assert (number(2.9166, 1), number(15.0), number(-0.0)) == ("2.9", "15", "0")


def test_a_rising_index_reads_as_a_positive_change():
    shown = index_figures(60.2, 3.1, floor=35.0, drop_threshold=15.0)
    assert (shown.drop, shown.change) == ("-3", "+3")
    assert index_figures(60.0, 0.0, floor=35.0, drop_threshold=15.0).change == "0"


@pytest.mark.parametrize(
    ("index", "change", "expected"),
    [
        # A hair under the floor and under the drop threshold: neither reads as its threshold
        (34.96, -14.96, ("34.96", "14.96", "49.92")),
        # (rounded away from the thresholds, and the baseline as their sum: 34.99 + 14.99)
        (34.996, -14.996, ("34.99", "14.99", "49.98")),
        # Exactly on them: shown exactly (the rule fires at the threshold)
        (35.0, -15.0, ("35", "15", "50")),
    ],
)
def test_index_figures_never_read_as_a_threshold_they_are_not(index, change, expected):
    shown = index_figures(index, change, floor=35.0, drop_threshold=15.0)
    assert (shown.index, shown.drop, shown.baseline) == expected
