"""Known customers: the CSV a user uploads (`repmon customers apply`), checked row by row, and which
tier a mention's author has. Pure: hashing under the pseudonym key is the adapter's
(adapters.customers); raw handles never leave this module's callers except as keyed hashes.

The CSV: one row per account, `platform,handle,tier` (a header row with those names is optional);
`handle` is the handle or the account id, as the platform's own-account rule takes it
(domain.sources.handles: case and a leading @ do not matter, Mastodon needs user@instance).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal, get_args

from repmon.domain.models import Mention
from repmon.domain.source_registry import SOURCES
from repmon.domain.sources.handles import NO_AUTHORS, RULES, author_keys

Tier = Literal["vip", "customer", "churn-risk"]
TIERS: tuple[str, ...] = get_args(Tier)
#: When an author matches several rows (handle and id), the tier that asks most of the brand wins.
_PRIORITY = {"vip": 0, "churn-risk": 1, "customer": 2}
#: Platforms whose terms forbid matching their users with off-platform identifiers (README, "Known
#: customers"): a row for them is refused and their authors are never looked up.
NEVER_MATCHED = {
    "reddit": "Reddit's Responsible Builder Policy forbids matching Redditors with off-platform "
    "identifiers: Reddit authors are never matched",
}
#: Platforms whose reviewers are only a display name (no handle or id): many people share one, so a
#: row for "JohnS" would give every JohnS its tier. Refused, and never looked up.
NAMES_ONLY = {
    "google": "Google reviews show only the reviewer's display name, which many people share: "
    "Google reviewers are never matched",
    "google_play": "Google Play reviews show only the reviewer's display name, which many people "
    "share: Google Play reviewers are never matched",
}
MAX_ROWS = 1_000_000


@dataclass(frozen=True, slots=True)
class Customer:
    platform: str
    #: Normalised as the platform compares handles (domain.sources.handles).
    handle: str
    tier: Tier


@dataclass(frozen=True, slots=True)
class BadRow:
    line: int
    #: In the user's words, never quoting the handle (handles are not logged).
    problem: str


def matchable(platform: str) -> bool:
    """Whether authors on `platform` are looked up: not where its terms forbid it, nor where there is
    no handle to match (an App Store nickname, a feed's byline)."""
    rule = SOURCES[platform].settings.handle_rule if platform in SOURCES else ""
    refused = platform in NEVER_MATCHED or platform in NAMES_ONLY
    return platform in SOURCES and not refused and rule not in NO_AUTHORS


def parse_csv(text: str) -> tuple[list[Customer], list[BadRow]]:
    """The good rows, and each bad one with its line; a bad row never stops the others."""
    good: dict[tuple[str, str], Customer] = {}
    bad: list[BadRow] = []
    for line, row in _rows(text):
        outcome = _customer(row)
        if isinstance(outcome, str):
            bad.append(BadRow(line, outcome))
        else:
            good[(outcome.platform, outcome.handle)] = outcome  # a later row for the same account wins
    return list(good.values()), bad


def _rows(text: str) -> Iterable[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    for row in reader:
        cells = [cell.strip() for cell in row]
        if not any(cells) or cells[0].startswith("#"):
            continue
        if [c.lower() for c in cells] == ["platform", "handle", "tier"] and reader.line_num == 1:
            continue
        yield reader.line_num, cells


def _customer(cells: list[str]) -> Customer | str:
    if len(cells) != 3:
        return f"expected 3 columns (platform,handle,tier), found {len(cells)}"
    platform, handle, tier = cells[0].lower(), cells[1], cells[2].lower()
    if (platform not in SOURCES and handle.lower() in SOURCES) or (
        tier not in TIERS and handle.lower() in TIERS
    ):
        # Columns in another order: the cell read as platform or tier is a handle, never echoed.
        return "the columns are platform,handle,tier, in that order (the handle is not shown here)"
    if platform in NEVER_MATCHED or platform in NAMES_ONLY:
        return NEVER_MATCHED.get(platform) or NAMES_ONLY[platform]
    if platform not in SOURCES:
        return f"platform {platform[:30]!r} is not one repmon reads ({', '.join(sorted(SOURCES))})"
    if tier not in TIERS:
        return f"tier {tier[:30]!r} is not one of {', '.join(TIERS)}"
    rule = RULES.get(SOURCES[platform].settings.handle_rule, RULES["any"])
    try:
        normalised = rule(handle).lower()  # as author_keys compares them
    except ValueError:
        label = SOURCES[platform].label
        return f"the handle is not a {label} handle or id (not shown here: handles are never logged)"
    return Customer(platform, normalised, tier)  # type: ignore[arg-type]


def candidates(mention: Mention) -> list[tuple[str, str]]:
    """The (platform, handle) pairs to look up for its author; none on a platform never matched,
    none for the brand's own posts."""
    if mention.own or not matchable(mention.source):
        return []
    return sorted((mention.source, key) for key in author_keys(mention))


def best_tier(tiers: Iterable[str]) -> str:
    """The tier that asks most of the brand among an author's matches; "" for none."""
    return min(tiers, key=lambda t: _PRIORITY.get(t, 9), default="")
