"""pydantic's watchlist errors said in the words of someone editing the file: no library jargon."""

from __future__ import annotations

import difflib
from datetime import date
from typing import Any

from pydantic import BaseModel
from pydantic_core import ErrorDetails

_LIST_EXAMPLES = {"countries": "[us, gb]", "subreddits": "[python, aviation]"}
_BOUNDS = {
    "greater_than_equal": ("ge", "at least"),
    "greater_than": ("gt", "more than"),
    "less_than_equal": ("le", "at most"),
    "less_than": ("lt", "less than"),
}
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
}


def describe(err: ErrorDetails, model: type[BaseModel], line_text: str) -> str:
    """One error of `model` (the brand) as words; `line_text` is the file line it points at."""
    kind, value, loc = err["type"], err.get("input"), err["loc"]
    if kind in ("extra_forbidden", "invalid_key"):
        return unknown_key(str(loc[-1]), _fields_at(model, loc[:-1]))
    if kind == "missing":
        return "missing; every brand needs one"
    if value is None:
        comment = "#" in line_text  # `query: #acme` is a key with a comment and no value
        return "has no value" + (" ('#' starts a YAML comment: quote the value)" if comment else "")
    return _shape(kind, value, loc, err) or err["msg"].removeprefix("Value error, ").replace(
        "Input should be", "should be"
    )


def unknown_key(key: str, known: list[str]) -> str:
    close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
    if close:
        return f"unknown key; did you mean {close[0]!r}?"
    return "unknown key" + (f"; expected one of: {', '.join(known)}" if known else "")


def _shape(kind: str, value: Any, loc: tuple[str | int, ...], err: ErrorDetails) -> str | None:
    ctx = err.get("ctx") or {}
    if kind in _SHAPES:
        return _SHAPES[kind] + (f" (got {value!r})" if isinstance(value, str | int | float) else "")
    if kind in _BOUNDS:
        name, words = _BOUNDS[kind]
        return f"must be {words} {_number(ctx[name])} (got {_number(value)})"
    if kind in ("list_type", "tuple_type"):
        return f"should be a list, e.g. {_LIST_EXAMPLES.get(str(loc[-1]) if loc else '', '[a, b]')}"
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return "should be a mapping of keys to values (key: value)"
    if kind == "string_type":
        quote = "; put it in quotes" if isinstance(value, int | float | date) else ""
        return f"should be text, not {_kind(value)}{quote}"
    if kind == "string_too_long":
        return f"must be at most {ctx['max_length']} characters"
    if kind == "enum":
        return f"must be {ctx['expected']} (got {value!r})"
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


def _fields_at(model: type[BaseModel], path: tuple[str | int, ...]) -> list[str]:
    """The keys allowed where an unknown key was found (the models nest one per settings block)."""
    current: Any = model
    for part in path:
        field = current.model_fields.get(part) if isinstance(part, str) else None
        current = field.annotation if field else None
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return []
    return list(current.model_fields)
