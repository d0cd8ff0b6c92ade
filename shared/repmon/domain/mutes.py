"""Mutes: a brand's alerts (or one rule's) held back until a time, set by `repmon alerts mute`. Pure."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

#: Every rule of the brand.
ALL_RULES = "*"
#: Longer than this is not a mute but switching the brand's notifications off (watchlist).
MAX_MUTE = timedelta(days=90)
_PART = re.compile(r"(\d+)([mhdw])")
_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


class BadDuration(ValueError):
    """A mute duration that is not one; the message says what is wanted."""


@dataclass(frozen=True)
class Mute:
    brand_id: str
    rule: str
    until: datetime
    created_at: datetime
    by: str = ""

    def covers(self, rule: str, at: datetime) -> bool:
        return at < self.until and self.rule in (ALL_RULES, rule)

    @property
    def what(self) -> str:
        return "all rules" if self.rule == ALL_RULES else f"rule {self.rule}"


def parse_duration(text: str) -> timedelta:
    """'6h', '90m', '2d', '1w', '1h30m' -> a timedelta from 1 minute to MAX_MUTE."""
    wanted = "a duration such as 30m, 6h, 2d or 1w (m, h, d, w; at most 90d)"
    cleaned = text.strip().lower()
    parts = _PART.findall(cleaned)
    if not cleaned or "".join(n + u for n, u in parts) != cleaned:
        raise BadDuration(f"{text!r} is not {wanted}")
    total = sum((timedelta(**{_UNITS[u]: int(n)}) for n, u in parts), timedelta())
    if total < timedelta(minutes=1):
        raise BadDuration(f"{text!r} is too short: {wanted}")
    if total > MAX_MUTE:
        raise BadDuration(
            f"{text!r} is too long: {wanted}; to stop a brand's emails for good, set "
            "notifications.enabled: false in the watchlist"
        )
    return total


def muted(mutes: Iterable[Mute], rule: str, at: datetime) -> Mute | None:
    """The mute that holds `rule` back at `at`, if any."""
    return next((m for m in mutes if m.covers(rule, at)), None)
