"""XRereads: one brand's X engagement re-reads (services.rereads), `GET /2/tweets?ids=`, 100 a call.

`tweet.fields=created_at,public_metrics` and no expansions (an author would be billed as a user read,
and only the counts are wanted); the posts are parsed as the search parses them (`x_parse`), so likes,
replies, retweets + quotes and impressions mean the same at first read and after. A deleted or
protected post is absent from `data` (X lists it in `errors`, still a 200): absent from the result.
429 (waited out until `x-rate-limit-reset`) and 5xx are the shared session's retries (adapters.http).

Every read is paid. Before the call, the posts not yet read today (X bills a post once per UTC day)
are charged to the brand's re-read `Spend` in the ledger (`reread_key`, the ids read today kept
beside it), within what the brand's and the stack's monthly budgets leave and within the re-reads'
share of the brand's (`reread_share`, so the search that finds new mentions is never starved): what
does not fit is skipped, logged and counted (`XReadsSkipped`), never a failure. Charged before, so
a call that fails after X billed it is never missing from the ledger, and a retried job, reading the
same ids the same day, charges nothing again. A re-read of a post the search returned earlier that
day is counted though X does not bill it: the ledger errs high, never low.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from repmon.adapters.item_fields import MalformedPage
from repmon.adapters.sources.x import XSource, over_budget
from repmon.adapters.sources.x_parse import parse_search
from repmon.adapters.sources.x_spend import Budget, Spend, reread_key, shares
from repmon.domain.brand import Brand
from repmon.domain.errors import SourceUnavailable
from repmon.domain.models import Engagement

LOOKUP = "/2/tweets"
FIELDS = "created_at,public_metrics"


class XRereads:
    """`EngagementReader` for one brand's X posts, charged to its spend (`XSource.for_brand`)."""

    def __init__(self, source: XSource, brand: Brand, now: datetime) -> None:
        self.source, self.brand, self.now = source, brand, now
        self.batch = source.batch
        self.budget = Budget(brand.sources.x.monthly_budget_usd, source.stack_budget)

    def refresh(self, native_ids: Sequence[str]) -> dict[str, Engagement]:
        if not self.brand.sources.x.reread_share:
            return {}  # re-reads turned off for the brand: nothing to skip or say
        ids = list(dict.fromkeys(i for i in native_ids[: self.batch] if i.isdigit()))
        chosen = self._charge(ids) if ids else []
        if not chosen:
            return {}
        params = {"ids": ",".join(chosen), "tweet.fields": FIELDS}
        body = self.source.get(self.source.api_url + LOOKUP, params, "post lookup")
        try:
            page = parse_search(body, self.source.log)
        except MalformedPage as exc:
            raise SourceUnavailable(self.source.name, f"post lookup: {exc}") from exc
        return {m.native_id: m.engagement for m in page.mentions if m.native_id in chosen}

    def _charge(self, ids: list[str]) -> list[str]:
        """The ids to read: those already paid today and as many new ones as the budgets allow (none
        once a budget is spent), the new ones charged in the ledger (before the call); the rest
        skipped and said."""
        ledger, key, prices = self.source.ledger, reread_key(self.brand.id), self.source.prices
        spend = Spend.load(ledger.state(f"{self.now:%Y-%m}", key), self.now)
        mine, others = shares(ledger.spent(spend.month), self.brand.id, key)
        share = self.brand.sources.x.reread_share * self.budget.brand - spend.usd
        left = min(self.budget.left(spend, others, mine), share)
        new = spend.new(ids)
        fits = int(left / prices.post + 1e-9) if left > 0 else 0
        paid = set(ids) - set(new)
        chosen = [i for i in ids if i in paid or i in new[:fits]] if left > 0 else []
        if len(chosen) < len(ids):
            # The share is to blame only when it binds before the budgets do
            why = self._share_spent() if share < self.budget.left(spend, others, mine) else None
            self._skipped(spend.usd + mine, others + spend.usd, len(ids) - len(chosen), why)
        if set(chosen) - paid:
            spend.charge(frozenset(chosen), frozenset(), prices)
            ledger.record(spend.month, key, spend.usd, spend.dump())
        return chosen

    def _share_spent(self) -> str:
        share = self.brand.sources.x.reread_share
        return (
            f"re-reads' share of the monthly budget reached ({share:.0%} of ${self.budget.brand:g}: "
            f"${share * self.budget.brand:.2f}); the rest is kept for the search"
        )

    def _skipped(self, brand: float, stack: float, count: int, why: str | None = None) -> None:
        why = why or over_budget(brand, stack, self.budget, "them")
        self.source.count("XReadsSkipped", 1)
        self.source.log.warning(
            "x: re-reads skipped", extra={"brand": self.brand.id, "posts": count, "why": why}
        )
