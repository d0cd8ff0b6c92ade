"""pydantic's watchlist errors said in the words of someone editing the file: no library jargon.

The words for values (types, bounds, dates) are validation_messages', shared with the backtest's
mention lines; what is said only of a watchlist (unknown keys, a brand's required keys, a YAML
comment where a value was meant, list examples) is here.
"""

from __future__ import annotations

import difflib
from typing import Any

from pydantic import BaseModel
from pydantic_core import ErrorDetails

from repmon.adapters.validation_messages import in_words

_LIST_EXAMPLES = {"countries": "[us, gb]", "subreddits": "[python, aviation]"}
#: What the count-aware thresholds mean, said after a bad value (README "The usual for an hour").
_THRESHOLD_MEANINGS = {
    "sensitivity": (
        "the chance an ordinary hour would hold that many mentions (or negatives) for volume_spike "
        "and negative_share to fire; default 0.0001, smaller means fewer alerts"
    ),
    "negative_share_rise": (
        "percentage points the last hour's negative share must rise over its usual for that hour; default 25"
    ),
    "negative_share_min": "negative mentions the last hour needs for negative_share; default 10",
    "volume_spike_ratio": "times the usual for that hour of the day and kind of day; default 3.0",
    "volume_spike_min": "mentions the last hour needs for volume_spike; default 20",
}


def describe(err: ErrorDetails, model: type[BaseModel], line_text: str) -> str:
    """One error of `model` (the brand) as words; `line_text` is the file line it points at."""
    kind, value, loc = err["type"], err.get("input"), err["loc"]
    if kind in ("extra_forbidden", "invalid_key"):
        return unknown_key(str(loc[-1]), _fields_at(model, loc[:-1]))
    if kind == "missing":
        return "missing; every brand needs one"
    if value is None and "#" in line_text:  # `query: #acme` is a key with a comment and no value
        return "has no value ('#' starts a YAML comment: quote the value)"
    if kind in ("list_type", "tuple_type"):
        return f"should be a list, e.g. {_LIST_EXAMPLES.get(str(loc[-1]) if loc else '', '[a, b]')}"
    said = in_words(err, mapping="a mapping of keys to values (key: value)")
    if len(loc) >= 2 and loc[-2] == "thresholds" and loc[-1] in _THRESHOLD_MEANINGS:
        return f"{said} ({_THRESHOLD_MEANINGS[str(loc[-1])]})"
    return said


def unknown_key(key: str, known: list[str]) -> str:
    close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
    if close:
        return f"unknown key; did you mean {close[0]!r}?"
    return "unknown key" + (f"; expected one of: {', '.join(known)}" if known else "")


def _fields_at(model: type[BaseModel], path: tuple[str | int, ...]) -> list[str]:
    """The keys allowed where an unknown key was found (the models nest one per settings block)."""
    current: Any = model
    for part in path:
        field = current.model_fields.get(part) if isinstance(part, str) else None
        current = field.annotation if field else None
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return []
    return list(current.model_fields)
