"""Use case: check every brand's sources (and the poll dead-letter queues) and announce each problem
once per crossing as an `ops` notice, re-armed when it is over.

Per finding (`domain.ingestion_health`): firing and not yet announced -> claim, publish, mark sent
(`services.notify`; a claimed, unsent one is sent by a later run under the same id); not firing ->
re-arm. One brand failing never stops the others. Brand mutes do not hold ops notices back: they go
to engineers, not to the brand's managers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from repmon.domain.brand import Brand
from repmon.domain.ingestion_health import LOOKBACK, Finding, check_source, dead_letters
from repmon.domain.notices import OPS, Notice, notice_id
from repmon.domain.timeutil import iso
from repmon.notice_ports import GLOBAL, DeadLetters, NoticeLedger, NoticePublisher, PollHealthStore
from repmon.ports import MentionStore
from repmon.services.notify import Delivery, OutOfTime, Timing


@dataclass(frozen=True)
class IngestionDeps:
    store: MentionStore
    health: PollHealthStore
    dead_letters: DeadLetters
    ledger: NoticeLedger
    publisher: NoticePublisher


@dataclass(frozen=True)
class IngestionRun:
    at: datetime
    sent: tuple[Notice, ...] = ()
    rearmed: int = 0
    errors: tuple[str, ...] = ()
    deferred: tuple[str, ...] = ()


def check_ingestion(
    brands: Sequence[Brand], at: datetime, deps: IngestionDeps, timing: Timing | None = None
) -> IngestionRun:
    at = at.astimezone(UTC)
    delivery = Delivery(deps.ledger, deps.publisher, timing or Timing())
    rearmed = done = 0
    ordered = [b for b in sorted(brands, key=lambda b: b.id) if b.ingestion.enabled]
    try:
        rearmed += _queues(deps, at, delivery)
        for brand in ordered:
            try:
                rearmed += _brand(brand, deps, at, delivery)
            except OutOfTime:
                raise
            except Exception as exc:  # one failing brand never stops the others
                delivery.errors.append(f"{brand.id}: {type(exc).__name__}: {exc}")
            done += 1
    except OutOfTime:
        left = tuple(b.id for b in ordered[done:])
        return IngestionRun(at, tuple(delivery.sent), rearmed, tuple(delivery.errors), left)
    return IngestionRun(at, tuple(delivery.sent), rearmed, tuple(delivery.errors))


def _queues(deps: IngestionDeps, at: datetime, delivery: Delivery) -> int:
    try:
        depths = deps.dead_letters.depths()
    except Exception as exc:
        delivery.errors.append(f"dead-letter queues: {type(exc).__name__}: {exc}")
        return 0
    return sum(_apply(GLOBAL, "", dead_letters(q, n), at, deps.ledger, delivery) for q, n in depths.items())


def _brand(brand: Brand, deps: IngestionDeps, at: datetime, delivery: Delivery) -> int:
    buckets = deps.store.hourly(brand.id, at - LOOKBACK, at)
    health = {h.source: h for h in deps.health.of_brand(brand.id)}
    findings = [
        finding
        for source in brand.sources.enabled()
        for finding in check_source(brand, source, at, buckets, health.get(source))
    ]
    return sum(_apply(brand.id, brand.name, f, at, deps.ledger, delivery) for f in findings)


def _apply(
    scope: str, name: str, finding: Finding, at: datetime, ledger: NoticeLedger, delivery: Delivery
) -> int:
    """Announce a firing finding once; re-arm one that is over. Returns 1 when re-armed."""
    state = ledger.state(scope, finding.key)
    if not finding.firing:
        if state.firing:
            ledger.rearm(scope, finding.key, at)
            return 1
        return 0
    if state.firing and state.sent:
        return 0
    the_id = state.notice_id if state.firing and state.notice_id else notice_id(scope, finding.key, iso(at))
    delivery.deliver(scope, finding.key, ops_notice(the_id, scope, name, finding, at), at)
    return 0


def ops_notice(the_id: str, scope: str, name: str, finding: Finding, at: datetime) -> Notice:
    who = f"{name or scope}: " if scope else ""
    headline = {
        "source_silent": f"{finding.source} silent",
        "poll_failing": f"{finding.source} polls failing",
        "cursor_stuck": f"{finding.source} cursor stuck",
        "dead_letters": f"poll jobs in {finding.source}",
    }[finding.rule]
    text = "\n".join(
        [
            f"{who}{finding.text}.",
            "",
            "--",
            f"brand: {scope or '-'} | check: {finding.rule} | source: {finding.source} | notice: {the_id}",
            f"checked at {iso(at)}",
        ]
    )
    document = {"kind": OPS, "brand_id": scope, "rule": finding.rule, "source": finding.source}
    document |= {"text": finding.text, "checked_at": iso(at), "notice_id": the_id}
    return Notice(
        the_id, OPS, scope, f"[OPS] {who}{headline}", text + "\n", document, finding.rule, "warning"
    )
