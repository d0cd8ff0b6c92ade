"""An in-memory `QuotaLedger` (adapters.sources.youtube_quota) with the Dynamo one's rules."""

from __future__ import annotations

from dataclasses import dataclass, field

from repmon.adapters.sources.youtube_quota import Spend, Usage


@dataclass
class MemoryQuotaLedger:
    units: dict[str, int] = field(default_factory=dict)
    searches: dict[str, int] = field(default_factory=dict)
    claims: dict[str, set[str]] = field(default_factory=dict)
    brands: dict[str, set[str]] = field(default_factory=dict)

    def enrol(self, day: str, previous: str, brand_id: str) -> int:
        self.brands.setdefault(day, set()).add(brand_id)
        return len(self.brands[day] | self.brands.get(previous, set()))

    def spend(self, day: str, *, units: int, searches: int, caps: Usage, claim: str | None = None) -> Spend:
        if claim is not None and claim in self.claims.get(day, set()):
            return Spend.CLAIMED
        if (
            self.units.get(day, 0) + units > caps.units
            or self.searches.get(day, 0) + searches > caps.searches
        ):
            return Spend.OVER
        self.units[day] = self.units.get(day, 0) + units
        self.searches[day] = self.searches.get(day, 0) + searches
        if claim is not None:
            self.claims.setdefault(day, set()).add(claim)
        return Spend.SPENT

    def usage(self, day: str) -> Usage:
        return Usage(self.units.get(day, 0), self.searches.get(day, 0))
