"""How alert numbers are shown: one rule for the subject, the body and the JSON summary.

Whole numbers where they tell the truth. A value shown next to its threshold sits on the same side
of the shown threshold as the raw value does: an index of 34.69 under a floor of 35 reads "34.7
(alert below 35)", never "35 (alert below 35)". Such a value takes the fewest decimals (0 to 2) that
keep its side; closer than that, it is rounded away from the threshold (34.999 -> "34.99"). A
threshold is shown exactly as configured. Pure: no I/O.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

MAX_PLACES = 2


def number(value: float, places: int = 0) -> str:
    """`value` rounded to `places` decimals, without the "-" of a negative zero."""
    text = f"{value:.{places}f}"
    return text.lstrip("-") if float(text) == 0 else text


def significant_places(value: float, digits: int) -> int:
    """The decimals that show `value` with `digits` significant digits (0 for whole numbers of more)."""
    if not value or not math.isfinite(value):
        return 0
    return max(0, digits - 1 - math.floor(math.log10(abs(value))))


def significant(value: float, digits: int = 2, min_places: int = 0) -> str:
    """`value` with at least `digits` significant digits: 0.4466 -> "0.45", 0.00595 -> "0.0060".

    For a figure that others are computed from: at a fixed one decimal, 0.4466 reads "0.5" and the
    23 mentions beside it at 51.5 times that rate no longer multiply.
    """
    return number(value, max(min_places, significant_places(value, digits)))


def limit(threshold: float) -> str:
    """A threshold as configured: the fewest decimals that show it exactly."""
    for places in range(MAX_PLACES + 1):
        text = number(threshold, places)
        if float(text) == threshold:
            return text
    return repr(threshold)  # exact too: a float's repr reads back as the same float


def beside(value: float, threshold: float, places: int = 0) -> tuple[str, str]:
    """`value` and `threshold` as text for one sentence, with at least `places` decimals."""
    shown_limit = limit(threshold)
    side = _side(value, threshold)
    for p in range(places, MAX_PLACES + 1):
        text = number(value, p)
        if _side(float(text), float(shown_limit)) == side:
            return text, shown_limit
    return _away(value, side, max(places, MAX_PLACES), shown_limit), shown_limit


def _side(value: float, threshold: float) -> int:
    return (value > threshold) - (value < threshold)


def _away(value: float, side: int, places: int, shown_limit: str) -> str:
    """Rounded away from the threshold; the threshold is shown exactly, so the side holds."""
    if side == 0:
        return shown_limit
    step = Decimal(1).scaleb(-places)
    rounded = Decimal(value).quantize(step, rounding=ROUND_FLOOR if side < 0 else ROUND_CEILING)
    return number(float(rounded), places)


def places_of(text: str) -> int:
    return len(text.partition(".")[2])


@dataclass(frozen=True, slots=True)
class IndexFigures:
    """A reputation index with its thresholds, and its drop under the baseline when there is one."""

    index: str
    floor: str
    drop_threshold: str
    baseline: str | None = None
    #: Points under the baseline ("15.5"; negative when the index rose).
    drop: str | None = None
    #: The same, signed as a change: "-15.5", "+3".
    change: str | None = None


def index_figures(index: float, change: float | None, *, floor: float, drop_threshold: float) -> IndexFigures:
    """The index beside the floor and the drop beside its threshold, at the same decimals, with as
    many more (up to MAX_PLACES) as it takes for "index + drop = baseline" to add up as shown."""
    shown, floor_text = beside(index, floor)
    if change is None:
        return IndexFigures(shown, floor_text, limit(drop_threshold))
    places = places_of(shown)
    while True:  # places only grow, up to MAX_PLACES, so the loop ends
        shown, _ = beside(index, floor, places)
        drop, drop_text = beside(-change, drop_threshold, places)
        needed = max(places_of(shown), places_of(drop))
        if needed > places:
            places = needed
            continue
        baseline = number(float(shown) + float(drop), places)
        if baseline == number(index - change, places) or places >= MAX_PLACES:
            break
        places += 1
    return IndexFigures(shown, floor_text, drop_text, baseline, drop, _as_change(drop))


def _as_change(drop: str) -> str:
    """Points under the baseline as a signed change: "15.5" -> "-15.5", "-3" -> "+3", "0" -> "0"."""
    if drop.startswith("-"):
        return f"+{drop[1:]}"
    return f"-{drop}" if float(drop) else drop
