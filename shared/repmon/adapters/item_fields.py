"""Field readers the source parsers share: each returns a sane value or raises one of `ITEM_ERRORS`.

A parser that raised anything else would fail the whole poll, and since the cursor moves only after
a successful poll, one absurd item would stop the brand's source for good. So every reader checks
ranges itself (a timestamp of -2^63 raises OSError inside `datetime`, a number of 40 digits is more
than DynamoDB stores) and the adapters skip, log and count an item on any of `ITEM_ERRORS`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any, Protocol, TypeVar
from urllib.parse import quote

from repmon.domain.errors import InvalidConfig

#: What parsing one item may raise; the adapters skip the item on these and only these.
ITEM_ERRORS = (KeyError, TypeError, ValueError, AttributeError, ArithmeticError, OSError, RecursionError)

T = TypeVar("T")


class _Warns(Protocol):
    def warning(self, msg: str, *args: Any, **kwargs: Any) -> Any: ...


def each_item(
    items: Iterable[Any], convert: Callable[[Any], T], log: _Warns, what: str, **context: object
) -> tuple[list[T], int]:
    """Each item converted on its own: one that raises `ITEM_ERRORS` is skipped, logged as "skipped
    malformed <what>" (with `context`) and counted; the rest are kept. Every source's parser uses it."""
    kept: list[T] = []
    skipped = 0
    for item in items:
        try:
            kept.append(convert(item))
        except ITEM_ERRORS as exc:
            skipped += 1
            log.warning(f"skipped malformed {what}", extra={**context, "error": repr(exc)[:300]})
    return kept, skipped


#: Counts beyond this are clamped: DynamoDB numbers hold 38 digits, and no real count comes near.
MAX_COUNT = 10**12
#: Epoch seconds within years 1 to 9999 convert; outside, `datetime` raises OverflowError or OSError.
_EPOCH_MIN, _EPOCH_MAX = -62_135_596_800, 253_402_300_799


class MalformedPage(ValueError):
    """The response is not a page of the expected shape at all (not one bad item in a good page)."""


def epoch_date(value: Any) -> datetime:
    """Epoch seconds (number or numeric text) as an aware UTC datetime; ValueError when out of range."""
    if isinstance(value, bool):
        raise TypeError("a boolean is not a timestamp")
    seconds = float(value)
    if not (math.isfinite(seconds) and _EPOCH_MIN <= seconds <= _EPOCH_MAX):
        raise ValueError(f"timestamp {value!r} out of range")
    return datetime.fromtimestamp(seconds, tz=UTC)


def iso_date(value: Any) -> datetime:
    """An ISO 8601 date as aware UTC; a date without a zone is taken as UTC, not the host's zone."""
    moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def count(value: Any) -> int:
    """A count (score, comments, votes): missing is 0, garbage raises, huge is clamped to ±MAX_COUNT."""
    if value is None or value == "":
        return 0
    if isinstance(value, bool):
        raise TypeError("a boolean is not a count")
    number = int(value) if not isinstance(value, str) else int(value.strip())
    return max(-MAX_COUNT, min(MAX_COUNT, number))


def text(value: Any, limit: int = 200) -> str:
    """A short identifier-like field (author, subreddit) as text; long ones are not real."""
    if value is None:
        return ""
    if not isinstance(value, str | int) or isinstance(value, bool):
        raise TypeError(f"expected text, got {type(value).__name__}")
    result = str(value)
    if len(result) > limit:
        raise ValueError("identifier too long")
    return result


def path_segment(value: str, shape: re.Pattern[str], what: str) -> str:
    """`value` checked against `shape` and percent-encoded, ready to put in a URL path.

    Checked again here although the watchlist is validated when applied: a stored watchlist can be
    edited by hand, and one name like `../../api/v1/me` would send the app's token elsewhere.
    """
    if not (value.isascii() and shape.fullmatch(value)):
        raise InvalidConfig(f"{what} {value[:60]!r} is not valid; fix the watchlist")
    return quote(value, safe="")
