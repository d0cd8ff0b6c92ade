"""pydantic's validation errors said in the words of someone editing a file: no library jargon.

Shared by the watchlist (`brands validate`) and the mention lines (`backtest`): each says what the
value should be, and what it was when that helps. Format-specific words (a YAML comment, a brand's
required keys) stay with their caller.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

_BOUNDS = {
    "greater_than_equal": ("ge", "at least"),
    "greater_than": ("gt", "more than"),
    "less_than_equal": ("le", "at most"),
    "less_than": ("lt", "less than"),
}
#: The same bounds on a date: "before 2100-01-01", not "less than".
_DATE_BOUNDS = {"ge": "on or after", "gt": "after", "le": "on or before", "lt": "before"}
_DATETIME = "a date and time like 2026-11-01T12:00:00Z"
_SHAPES = {
    "bool_type": "should be true or false",
    "bool_parsing": "should be true or false",
    "int_type": "should be a whole number",
    "int_parsing": "should be a whole number",
    "int_from_float": "should be a whole number",
    "float_type": "should be a number",
    "float_parsing": "should be a number",
    "finite_number": "should be a finite number",
    "string_too_short": "must not be empty",
    "recursion_loop": "refers to itself (a YAML alias loop)",
    "datetime_type": f"not {_DATETIME}",
    "datetime_parsing": f"not {_DATETIME}",
    "datetime_from_date_parsing": f"not {_DATETIME}",
    "datetime_object_invalid": f"not {_DATETIME}",
    "timezone_aware": "needs a time zone (Z or +01:00)",
}
#: What a quoted value looks like at most in a message: a 1 MB text is named, not echoed.
_SHOWN = 40


def in_words(err: ErrorDetails, mapping: str = "a mapping of keys to values") -> str:
    """One error as words. `mapping` names what a nested object looks like in the caller's format."""
    kind, value = err["type"], err.get("input")
    if kind == "missing":
        return "missing"
    if value is None:
        return "has no value"
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return f"should be {mapping}"
    return _shape(kind, value, err) or err["msg"].removeprefix("Value error, ").replace(
        "Input should be", "should be"
    )


def each_in_words(exc: ValidationError, mapping: str = "a mapping of keys to values") -> str:
    """Every problem of `exc` as "field: words", in field order, joined by "; "."""
    said = []
    for err in exc.errors(include_url=False):
        field = ".".join(str(part) for part in err["loc"]) or "(the whole value)"
        said.append(f"{field}: {in_words(err, mapping=mapping)}")
    return "; ".join(said)


def shown(value: object) -> str:
    """`value` as it was written, cut to a readable length."""
    text = repr(value)
    return text if len(text) <= _SHOWN else text[: _SHOWN - 4] + "...'"


def _shape(kind: str, value: Any, err: ErrorDetails) -> str | None:
    ctx = err.get("ctx") or {}
    if kind in _SHAPES:
        given = isinstance(value, str | int | float) and value != ""
        return _SHAPES[kind] + (f" (got {shown(value)})" if given else "")
    if kind in _BOUNDS:
        name, words = _BOUNDS[kind]
        bound = ctx[name]
        if isinstance(bound, str | date):  # a date bound: pydantic gives it as ISO text
            return f"must be {_DATE_BOUNDS[name]} {str(bound)[:10]} (got {shown(value)})"
        return f"must be {words} {_number(bound)} (got {_number(value)})"
    if kind in ("list_type", "tuple_type"):
        return "should be a list, e.g. [a, b]"
    if kind == "string_type":
        quote = " (put it in quotes)" if isinstance(value, int | float | date) else ""
        return f"should be text, not {_kind(value)}{quote}"
    if kind == "string_too_long":
        return f"must be at most {ctx['max_length']} characters"
    if kind == "enum":
        return f"must be {ctx['expected']} (got {shown(value)})"
    return None


def _number(value: object) -> object:
    """100.0 as 100: the bounds of float fields read as the user wrote them."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _kind(value: object) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, date):
        return "a date"
    return "a list" if isinstance(value, list) else "a mapping" if isinstance(value, dict) else "text"
