"""A digest as people and machines read it: subject, plain text, JSON document. Pure."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from repmon.domain.digest import DAILY, DigestFacts
from repmon.domain.digest_replies_text import (
    location_lines,
    locations_document,
    replies_document,
    reply_lines,
)
from repmon.domain.email import to_ascii
from repmon.domain.email_mentions import local_time, mention_lines, shorten
from repmon.domain.notices import DIGEST, Notice, notice_id
from repmon.domain.source_registry import SOURCES
from repmon.domain.themes import Theme, theme_line
from repmon.domain.timeutil import iso

_BARS = "▁▂▃▄▅▆▇█"
_NO_DATA = "·"
_MAX_SUBJECT = 99


def sparkline(points: tuple[float | None, ...]) -> str:
    """One character a point on the index's 0-100 scale; '·' where nothing was scored."""
    last = len(_BARS) - 1
    return "".join(_NO_DATA if p is None else _BARS[min(last, int(p / 100 * len(_BARS)))] for p in points)


def digest_notice(facts: DigestFacts) -> Notice:
    brand, period, text = facts.brand, facts.period, render_digest(facts)
    return Notice(
        notice_id=notice_id(brand.id, period.key),
        kind=DIGEST,
        brand_id=brand.id,
        subject=_subject(facts),
        text=text,
        # The email's text too, as an alert's document carries it: a machine subscriber (a chat
        # relay, a ticket) posts what the manager reads.
        document=digest_document(facts) | {"text": text},
        rule=period.kind,
    )


def _subject(facts: DigestFacts) -> str:
    name = shorten(to_ascii(facts.brand.name), 40) or facts.brand.id
    what = "Daily" if facts.period.kind == DAILY else "Weekly"
    shown = "no scored mentions" if facts.index is None else f"index {facts.index:.0f}"
    text = f"[DIGEST] {name}: {what} digest to {facts.period.label} - {shown}, {facts.mentions} mentions"
    return shorten(to_ascii(text), _MAX_SUBJECT)


def render_digest(facts: DigestFacts) -> str:
    lines = [*_headline(facts), "", *_volume(facts), *_voices(facts), *_complaints(facts)]
    lines += _unanswered(facts)
    lines += reply_lines(facts.replies)
    lines += location_lines(facts.locations, facts.brand.thresholds.low_rating_review.max_stars)
    lines += [*_alerts(facts), *_silent(facts), *_mutes(facts)]
    lines += ["", "--", f"brand: {facts.brand.id} | digest: {facts.period.key}"]
    return "\n".join(lines) + "\n"


def _local(facts: DigestFacts, at: datetime) -> str:
    """'Tue 3 Nov 08:00 CET (07:00 UTC)', as the alert emails write times."""
    return local_time(at, facts.brand.zone)


def _headline(facts: DigestFacts) -> list[str]:
    p = facts.period
    head = f"{facts.brand.name}, {_local(facts, p.start)} to {_local(facts, p.end)}"
    if facts.index is None:
        index = "Reputation index: no scored mentions"
    else:
        was = "" if facts.previous_index is None else f" (previous period {facts.previous_index:.0f})"
        index = f"Reputation index: {facts.index:.0f}{was}"
    days = len(facts.trend)
    lines = [head, "", index, f"Trend, last {days} days: {sparkline(facts.trend)}"]
    if facts.themes:
        lines.append("Top themes: " + theme_line([Theme(t, n) for t, n in facts.themes]))
    return lines


def _volume(facts: DigestFacts) -> list[str]:
    negative = f", {facts.negative} negative" if facts.mentions else ""
    lines = [f"Mentions: {facts.mentions}{negative} (previous period {facts.previous_mentions})"]
    lines += [f"  {_label(s)}: {n}" for s, n in facts.by_source.items()]
    return lines


def _voices(facts: DigestFacts) -> list[str]:
    if len(facts.voices) < 2:
        return []
    total = sum(v.mentions for v in facts.voices)
    lines = ["", "Share of voice:"]
    for v in facts.voices:
        share = f"{100 * v.mentions / total:.0f}%" if total else "-"
        lines.append(f"  {shorten(v.name, 40)}: {share} ({_count(v.mentions, 'mention')})")
    return lines


def _complaints(facts: DigestFacts) -> list[str]:
    if not facts.complaints:
        return ["", "Top complaints: none"]
    lines = ["", "Top complaints by influence:"]
    for rank, (sm, similar) in enumerate(facts.complaints, start=1):
        lines += mention_lines(rank, sm, now=facts.period.end, zone=facts.brand.zone, similar=similar)
    return lines


def _unanswered(facts: DigestFacts) -> list[str]:
    if not facts.unanswered:
        return []
    shown = facts.unanswered[: facts.brand.digest.top_complaints]
    more = len(facts.unanswered) - len(shown)
    head = f"Still unanswered past their response-time target ({len(facts.unanswered)}, oldest first):"
    lines = ["", head]
    for rank, sm in enumerate(shown, start=1):
        lines += mention_lines(rank, sm, now=facts.period.end, zone=facts.brand.zone)
    return lines + ([f"  ...and {more} more"] if more else [])


def _alerts(facts: DigestFacts) -> list[str]:
    if not facts.alerts:
        return ["", "Incidents and alerts: none"]
    incidents = len({a.incident_id for a in facts.alerts if a.incident_id})
    opened = f"{_count(incidents, 'incident')}, " if incidents else ""
    lines = ["", f"Incidents and alerts ({opened}{_count(len(facts.alerts), 'email')}):"]
    for a in facts.alerts:
        what = f"{a.kind} {a.rule}" if a.kind != "alert" else a.rule
        lines.append(f"  {_local(facts, a.fired_at)} [{a.severity}] {what}: {shorten(a.summary, 120)}")
    return lines


def _silent(facts: DigestFacts) -> list[str]:
    if not facts.silent:
        return []
    days = len(facts.trend)
    said = [f"{_label(s)} ({n or 'none'} in the last {days} days)" for s, n in facts.silent]
    return ["", "Silent sources (no mention this period): " + ", ".join(said)]


def _mutes(facts: DigestFacts) -> list[str]:
    if not facts.mutes:
        return []
    lines = ["", "Muted:"]
    for m in facts.mutes:
        by = f", by {shorten(m.by, 40)}" if m.by else ""
        lines.append(f"  {m.what} until {_local(facts, m.until)}{by}")
    return lines


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _label(source: str) -> str:
    spec = SOURCES.get(source)
    return spec.label if spec else source


def digest_document(facts: DigestFacts) -> dict[str, Any]:
    p = facts.period
    return {
        "kind": DIGEST,
        "brand_id": facts.brand.id,
        "period": {"kind": p.kind, "start": iso(p.start), "end": iso(p.end), "label": p.label},
        "index": None if facts.index is None else round(facts.index, 1),
        "previous_index": None if facts.previous_index is None else round(facts.previous_index, 1),
        "trend": [None if t is None else round(t, 1) for t in facts.trend],
        "mentions": facts.mentions,
        "negative": facts.negative,
        "by_source": facts.by_source,
        "share_of_voice": {v.brand_id: v.mentions for v in facts.voices},
        "complaints": [
            {"id": sm.key, "url": sm.mention.url, "influence": round(sm.influence, 1), "similar": similar}
            | {"customer_tier": sm.mention.customer_tier or None}
            for sm, similar in facts.complaints
        ],
        "themes": dict(facts.themes),
        "unanswered": [
            {"id": sm.key, "url": sm.mention.url, "posted": iso(sm.mention.created_at)}
            for sm in facts.unanswered
        ],
        "alerts": [
            {"alert_id": a.alert_id, "rule": a.rule, "fired_at": iso(a.fired_at), "kind": a.kind}
            | ({"incident_id": a.incident_id} if a.incident_id else {})
            for a in facts.alerts
        ],
        "replies": replies_document(facts.replies),
        "locations": locations_document(facts.locations),
        "silent_sources": [s for s, _ in facts.silent],
        "mutes": [{"rule": m.rule, "until": iso(m.until)} for m in facts.mutes],
    }
