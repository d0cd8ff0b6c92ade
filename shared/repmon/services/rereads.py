"""Use case: read the engagement of a brand's recent negative mentions on one source again, so the
influence of a complaint grows with its reach and `viral_negative` sees it spread (domain.engagement).

Run by the collector after each poll of a source whose adapter can `refresh`: the mentions due
(`domain.engagement.due`), at most MAX_PER_RUN, in the API's batches. A read that went down or jumped
absurdly is logged and never stored as is (`check`); a failed call stops this run's re-reads and is
reported, never failing the poll.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from repmon.domain.brand import Brand
from repmon.domain.engagement import REREAD_FOR, check, due
from repmon.domain.models import Engagement, ScoredMention
from repmon.domain.source_registry import influence
from repmon.engagement_ports import BrandScoped, EngagementReader, EngagementStore
from repmon.ports import MentionStore

#: Negatives looked at per run (most influential first) and re-read at most per run: a bound on the
#: API calls (e.g. 4 Reddit calls of 100) whatever a storm brings.
SCAN = 2000
MAX_PER_RUN = 400


@dataclass(frozen=True)
class RereadResult:
    due: int = 0
    calls: int = 0
    updated: int = 0
    #: Reads that went down or jumped absurdly (logged, not stored as read), and a failed call.
    problems: tuple[str, ...] = ()


def reread(
    brand: Brand,
    source: str,
    reader: EngagementReader,
    store: MentionStore,
    kept: EngagementStore,
    now: datetime,
    log: Callable[[str], None] = lambda _: None,
) -> RereadResult:
    if isinstance(reader, BrandScoped):  # reads charged to the brand (X)
        reader = reader.for_brand(brand, now)
    # The brand's own posts are never in the negatives (NegativeByInfluence leaves them out).
    mine = store.most_negative(brand.id, now - REREAD_FOR, now, 0.0, SCAN, source=source)
    last = kept.last_reads(brand.id, [sm.key for sm in mine]) if mine else {}
    wanted = [sm for sm in mine if due(sm.mention.created_at, last.get(sm.key), now)][:MAX_PER_RUN]
    calls, updated, problems = 0, 0, []
    for start in range(0, len(wanted), reader.batch):
        batch = wanted[start : start + reader.batch]
        try:
            found = reader.refresh([sm.mention.native_id for sm in batch])
        except Exception as exc:  # the poll is done: re-reads wait for the next one
            problems.append(f"refresh failed: {type(exc).__name__}: {exc}"[:300])
            break
        calls += 1
        for sm in batch:
            if (engagement := found.get(sm.mention.native_id)) is not None:
                since = last.get(sm.key) or sm.mention.created_at
                changed, problem = _apply(sm, engagement, kept, now, now - since)
                updated += changed
                if problem:
                    log(f"{sm.key}: {problem}")
                    problems.append(f"{sm.key}: {problem}")
    return RereadResult(len(wanted), calls, updated, tuple(problems))


def _apply(
    sm: ScoredMention, read: Engagement, kept: EngagementStore, now: datetime, since: timedelta
) -> tuple[bool, str]:
    checked = check(sm.mention.engagement, read, since / timedelta(hours=1))
    if not checked.grew:
        return False, checked.problem
    grown = replace(sm.mention, engagement=checked.engagement)
    # Influence only grows with reach (a read that went down keeps the higher counts anyway).
    reach = max(sm.influence, influence(grown, now))
    return kept.record(sm, checked.engagement, reach, now), checked.problem
