"""Use case: send each brand's digests that are due at a scheduled hour, each once.

Per brand and due period: skip it when the ledger says sent; otherwise read the period (aggregates,
competitors' volumes, negative mentions, its mentions for the reply figures and review locations,
the alert log, mutes), build the digest, and deliver it
through `services.notify` (claim, publish, mark sent). One brand failing never stops the others.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from repmon.domain.brand import Brand
from repmon.domain.digest import DigestInputs, Period, Voice, digest_facts, due_periods
from repmon.domain.digest_text import digest_notice
from repmon.domain.notices import Notice
from repmon.notice_ports import AlertLog, MuteStore, NoticeLedger, NoticePublisher
from repmon.ports import MentionStore
from repmon.services.notify import Delivery, OutOfTime, Timing

#: Negative mentions read, most influential first: the first `domain.digest.THEME_SCAN` give the
#: list and the themes; all are checked for an answer past its target (the unanswered list).
COMPLAINT_SCAN = 500


@dataclass(frozen=True)
class DigestDeps:
    store: MentionStore
    ledger: NoticeLedger
    publisher: NoticePublisher
    mutes: MuteStore
    alert_log: AlertLog


@dataclass(frozen=True)
class DigestRun:
    at: datetime
    sent: tuple[Notice, ...] = ()
    #: "brand period-key: what went wrong", for digests not sent this run (a later one sends them).
    errors: tuple[str, ...] = ()
    #: Brands left for the next run for lack of time.
    deferred: tuple[str, ...] = field(default=())


def send_digests(
    brands: Sequence[Brand], at: datetime, deps: DigestDeps, timing: Timing | None = None
) -> DigestRun:
    at = at.astimezone(UTC)
    delivery = Delivery(deps.ledger, deps.publisher, timing or Timing())
    by_id = {b.id: b for b in brands}
    ordered = sorted(brands, key=lambda b: b.id)
    for done, brand in enumerate(ordered):
        try:
            for period in due_periods(brand, at):
                _send(brand, period, by_id, at, deps, delivery)
        except OutOfTime:
            deferred = tuple(b.id for b in ordered[done:])
            return DigestRun(at, tuple(delivery.sent), tuple(delivery.errors), deferred)
        except Exception as exc:  # the boundary of "one failing brand never stops the others"
            delivery.errors.append(f"{brand.id}: {type(exc).__name__}: {exc}")
    return DigestRun(at, tuple(delivery.sent), tuple(delivery.errors))


def _send(
    brand: Brand, period: Period, by_id: dict[str, Brand], at: datetime, deps: DigestDeps, delivery: Delivery
) -> None:
    if deps.ledger.state(brand.id, period.key).sent:
        return
    notice = build_digest(brand, period, by_id, at, deps)
    delivery.deliver(brand.id, period.key, notice, at)


def build_digest(
    brand: Brand, period: Period, by_id: dict[str, Brand], at: datetime, deps: DigestDeps
) -> Notice:
    """The digest of one brand and period, from what the stores hold now."""
    store = deps.store
    inputs = DigestInputs(
        buckets=store.hourly(brand.id, period.history_start, period.end),
        competitors=[
            Voice(c, by_id[c].name, sum(b.mentions for b in store.hourly(c, period.start, period.end)))
            for c in brand.competitors
            if c in by_id
        ],
        complaints=store.most_negative(brand.id, period.start, period.end, 0.0, COMPLAINT_SCAN),
        alerts=deps.alert_log.sent_between(brand.id, period.start, period.end),
        mutes=deps.mutes.active(brand.id, at),
        mentions=store.mentions_between(brand.id, period.start, period.end),
    )
    return digest_notice(digest_facts(brand, period, inputs))
