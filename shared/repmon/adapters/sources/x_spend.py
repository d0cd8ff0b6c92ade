"""X's pay-per-use spend: what a brand has read this month, and what a page may still cost. Pure.

X bills every post and every user a response returns (authors included through `expansions`), once
per resource per UTC day ("a soft guarantee"). `Spend` counts the same way: it remembers the ids read
today (`read`, at most `MAX_REMEMBERED`; beyond that a re-read is counted again, which can only
stop a poll early, never let it overspend) and adds each new one's price to the month's total.

It is stored with the brand's cursor, which the collector writes only after the mentions are stored:
a job that fails and is retried starts again from the same spend and the same ids read, so its
reads are counted once. The stack's total is the sum of every brand's month (`SpendLedger`), each
brand's written whole (a put, not an add), so a retried job rewrites its own figure, never adds to it.

A brand's engagement re-reads (`x_rereads`) have their own `Spend` and figure in the ledger
(`reread_key`, its state kept beside it): the brand's budget is its searches' and its re-reads'
figures together, the stack's every figure.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

#: Ids of today's reads kept with the cursor: 3,000 at about 20 bytes is well under an item's 400 KB.
MAX_REMEMBERED = 3000
#: X serves at least 10 posts a page (`max_results` 10-100).
MIN_PAGE = 10


@dataclass(frozen=True)
class Prices:
    """US dollars per resource read (X's developer console lists the current ones)."""

    post: float = 0.005
    user: float = 0.010

    def worst(self, posts: int) -> float:
        """The most a page of `posts` can cost: every post new today, each by a new author."""
        return posts * (self.post + self.user)


@dataclass
class Spend:
    """One brand's X spend this month (UTC) and the resources it read today."""

    month: str
    usd: float = 0.0
    day: str = ""
    read: set[str] = field(default_factory=set)

    @classmethod
    def load(cls, data: Any, now: datetime) -> Spend:
        """The stored spend; a new month starts at 0 and a new day forgets what was read."""
        month, day = f"{now:%Y-%m}", f"{now:%Y-%m-%d}"
        try:
            assert isinstance(data, dict) and data.get("month") == month
            usd = float(data["usd"])
            assert usd >= 0 and usd == usd
            read = {str(i) for i in data.get("read") or []} if data.get("day") == day else set()
            return cls(month, usd, day, read)
        except (AssertionError, KeyError, TypeError, ValueError):
            return cls(month, 0.0, day)

    def new(self, ids: list[str]) -> list[str]:
        """The posts of `ids` not yet read today (what X would bill)."""
        return [i for i in ids if f"p{i}" not in self.read]

    def charge(self, posts: frozenset[str], users: frozenset[str], prices: Prices) -> float:
        """Count a page's reads: each post and user not already read today, at its price."""
        new_posts = {f"p{i}" for i in posts} - self.read
        new_users = {f"u{i}" for i in users} - self.read
        cost = len(new_posts) * prices.post + len(new_users) * prices.user
        self.usd += cost
        room = MAX_REMEMBERED - len(self.read)
        self.read |= set(sorted(new_posts | new_users)[: max(room, 0)])
        return cost

    def dump(self) -> dict[str, object]:
        return {"month": self.month, "usd": round(self.usd, 6), "day": self.day, "read": sorted(self.read)}


@dataclass(frozen=True)
class Budget:
    """Dollars a month: the brand's (watchlist) and the stack's (every brand's X reads together)."""

    brand: float
    stack: float

    def left(self, spend: Spend, others: float, mine: float = 0.0) -> float:
        """What the brand may still spend this month; `others`: every other figure of the month, the
        brand's other ones (`mine`: its re-reads for a search, its searches for re-reads) included."""
        return min(self.brand - spend.usd - mine, self.stack - others - spend.usd)

    def page_size(self, left: float, wanted: int, prices: Prices) -> int:
        """The largest page (at most `wanted`) whose worst cost fits in `left`; 0 when not even X's
        smallest page (`MIN_PAGE`) does."""
        fits = int(left / prices.worst(1) + 1e-9) if left > 0 else 0
        size = min(wanted, fits)
        return size if size >= MIN_PAGE else 0


def reread_key(brand_id: str) -> str:
    """The ledger's key for a brand's re-reads ('#' is never in a brand id)."""
    return f"{brand_id}#rereads"


def shares(spent: dict[str, float], brand_id: str, key: str) -> tuple[float, float]:
    """(the brand's figures other than `key`, every figure other than `key`) of a month's ledger."""
    mine = sum(usd for k, usd in spent.items() if k != key and k.split("#")[0] == brand_id)
    return mine, sum(usd for k, usd in spent.items() if k != key)


class SpendLedger(Protocol):
    """Every brand's X spend a month, for the stack's budget."""

    def spent(self, month: str) -> dict[str, float]:
        """{brand id (or `reread_key`): US dollars} for `month` ("2026-11")."""
        ...

    def record(self, month: str, brand_id: str, usd: float, state: dict[str, object] | None = None) -> None:
        """Set (not add to) the figure for `month`, with `state` (a `Spend.dump()`) beside it if given."""
        ...

    def state(self, month: str, key: str) -> dict[str, object] | None:
        """The state recorded with `key`'s figure for `month`; None when none."""
        ...


class MemorySpendLedger:
    """A `SpendLedger` in memory (tests, one-process runs)."""

    def __init__(self) -> None:
        self.months: dict[str, dict[str, float]] = {}
        self.states: dict[tuple[str, str], dict[str, object]] = {}

    def spent(self, month: str) -> dict[str, float]:
        return dict(self.months.get(month, {}))

    def record(self, month: str, brand_id: str, usd: float, state: dict[str, object] | None = None) -> None:
        self.months.setdefault(month, {})[brand_id] = usd
        if state is not None:
            self.states[(month, brand_id)] = dict(state)

    def state(self, month: str, key: str) -> dict[str, object] | None:
        return self.states.get((month, key))
