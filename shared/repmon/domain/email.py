"""Render an Alert for people (subject and plain-text email, readable on a phone in ten seconds)
and for machines (a JSON document with stable keys). Pure: no I/O.
"""

from __future__ import annotations

import json
import re
import unicodedata
from typing import Any

from repmon.domain.brand import Thresholds
from repmon.domain.email_mentions import (
    MAX_EXCERPT,
    MAX_ID,
    author,
    excerpt,
    link,
    listed,
    local_time,
    platform,
    reach,
    shorten,
    similar_counts,
    when,
    zone_of,
)
from repmon.domain.figures import IndexFigures, index_figures
from repmon.domain.models import Alert, IncidentNote, ScoredMention
from repmon.domain.rule_text import (
    RECOVERED,
    ratio_text,
    rule_label,
    share_text,
    span_label,
    usual_for,
    usual_for_local,
    usual_span,
    usual_volume,
    volume_figures,
)
from repmon.domain.rules import (
    INFLUENCER_NEGATIVE,
    NEGATIVE_SHARE,
    REPUTATION_DROP,
    REPUTATION_LOW,
    VOLUME_SPIKE,
)
from repmon.domain.safe_text import safe_field
from repmon.domain.timeutil import iso

__all__ = [
    "MAX_EXCERPT",
    "render_document",
    "render_json",
    "render_subject",
    "render_text",
    "shorten",
    "to_ascii",
]

#: SNS wants an ASCII subject "less than 100 characters"; 99 satisfies every reading of that.
MAX_SUBJECT = 99
MAX_NAME = 40
#: A summary is our sentence around third-party names; it stays one line all the same.
MAX_SUMMARY = 1000
# Typography that NFKD does not reduce to ASCII but has an obvious ASCII spelling.
_ASCII_LOOKALIKES = str.maketrans(
    {"…": "...", "‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-", "−": "-", "ß": "ss"}
)
_SPACES = re.compile(r"\s+")


def to_ascii(text: str) -> str:
    """Transliterate to printable ASCII on one line: accents dropped, control characters become spaces."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_ASCII_LOOKALIKES))
    kept = "".join(ch if ch.isprintable() else " " for ch in decomposed)
    ascii_only = kept.encode("ascii", "ignore").decode("ascii")
    return _SPACES.sub(" ", ascii_only).strip()


def render_subject(alert: Alert) -> str:
    """An incident's email: "[repmon] Acme Air: reputation incident 3f2a9c (opened Tue 03:30 UTC)",
    the same for every email of it so mail clients thread them. Otherwise e.g.
    "[CRITICAL] Acme Air: reputation down 22 to 31 (was 53) - 5 of 40 mentions negative"."""
    name = shorten(to_ascii(alert.brand_name), MAX_NAME) or alert.brand_id
    note = alert.incident
    if note is not None:
        text = f"[repmon] {name}: reputation incident {note.incident_id[:6]} (opened {note.opened})"
    else:
        text = f"[{alert.severity.value.upper()}] {name}: {_headline(alert)}"
    return shorten(to_ascii(text), MAX_SUBJECT)


def _headline(alert: Alert) -> str:
    """How bad, and why when the complaints' themes fit the subject: "reputation down 22 to 31 (was
    53): flight cancelled, app down"; without themes, the counts: "... - 5 of 40 mentions negative"."""
    d, shown = alert.details, figures(alert)
    themes = [t.rpartition(" (")[0] for t in str(d.get("themes", "")).split("), ") if t]
    room = MAX_SUBJECT - len(
        f"[{alert.severity.value.upper()}] {shorten(to_ascii(alert.brand_name), MAX_NAME)}: "
    )
    short = _short_headline(alert) if themes and d.get("status") != RECOVERED else None
    for count in range(len(themes), 0, -1):
        if short and len(text := f"{short}: {', '.join(themes[:count])}") <= room:
            return text
    if d.get("status") == RECOVERED:  # the figures are today's, not the crossing's: say what it was
        since = str(d.get("crossed_at", ""))[11:16]
        return f"recovered: {rule_label(alert.rule)} at {since} UTC (not sent in time)"
    negative = f"{d.get('window_negative', 0)} of {d.get('window_mentions', 0)} mentions negative"
    if alert.rule == REPUTATION_DROP and shown and shown.drop is not None:
        return f"reputation down {shown.drop} to {shown.index} (was {shown.baseline}) - {negative}"
    if alert.rule == REPUTATION_LOW and shown:
        return f"reputation {shown.index}, under {shown.floor} - {negative}"
    if alert.rule == VOLUME_SPIKE:
        return f"about {volume_figures(d)[0]} mentions in the last hour{_versus_usual(d)}"
    if alert.rule == NEGATIVE_SHARE:
        share, usual = share_text(d)
        counts = f"{d.get('value', 0)} of {d.get('scored', 0)} mentions negative"
        return f"{counts} in the last hour ({share}, usually {usual})"
    if alert.rule == INFLUENCER_NEGATIVE:
        return _influencer_headline(alert)
    if "headline" in d:  # the review and response rules say theirs (domain.response_rules)
        return str(d["headline"])
    return alert.rule.replace("_", " ")


def _short_headline(alert: Alert) -> str | None:
    """How bad, in a few words, for a headline that goes on to say why."""
    d, shown = alert.details, figures(alert)
    if alert.rule == REPUTATION_DROP and shown and shown.drop is not None:
        return f"reputation down {shown.drop} to {shown.index} (was {shown.baseline})"
    if alert.rule == REPUTATION_LOW and shown:
        return f"reputation {shown.index}, under {shown.floor}"
    if alert.rule == VOLUME_SPIKE and "ratio" in d:
        return f"about {volume_figures(d)[0]} mentions in the last hour ({ratio_text(d)}x usual)"
    if alert.rule == NEGATIVE_SHARE:
        share, usual = share_text(d)
        return f"{d.get('value', 0)} of {d.get('scored', 0)} mentions negative ({share}, usually {usual})"
    return None


def _versus_usual(d: dict[str, Any]) -> str:
    """' (4.1x usual for a Tuesday noon UTC)'; ' (4.2x normal)' against a flat mean."""
    if "ratio" not in d:
        return ""
    label = usual_for(d)
    if label == "per hour":
        return f" ({ratio_text(d)}x normal)"
    # "for a weekday at 3 a.m. UTC" -> "for a weekday 3 a.m. UTC": a subject has 99 characters.
    return f" ({ratio_text(d)}x usual {label.replace(' at ', ' ', 1)})"


def figures(alert: Alert) -> IndexFigures | None:
    """The index as the rule's summary shows it (same helper, same inputs, same text)."""
    if alert.index is None:
        return None
    d, defaults = alert.details, Thresholds()
    floor = float(d.get("reputation_low", defaults.reputation_low))
    drop = float(d.get("reputation_drop", defaults.reputation_drop))
    return index_figures(alert.index, alert.change, floor=floor, drop_threshold=drop)


def _influencer_headline(alert: Alert) -> str:
    count = int(alert.details.get("mentions", len(alert.top_mentions)))
    if count == 1 and alert.top_mentions:
        top = alert.top_mentions[0]
        who = f"by {author(top.mention)} " if author(top.mention) else ""
        return f"negative mention {who}on {platform(top.mention)} (influence {top.influence:.0f})"
    return f"{_count(count, 'negative mention')} by influential authors"


def render_text(alert: Alert) -> str:
    """The email body: what happened, how bad, the top mentions with links, then where it came from.
    An incident's email starts with its status and severity, and lists the incident after the facts."""
    note = alert.incident
    lines = [] if note is None else [_status_line(alert, note), ""]
    lines += [safe_field(alert.summary, MAX_SUMMARY), "", *_facts(alert)]
    if note is not None and note.lines:
        lines += ["", *(safe_field(line, MAX_SUMMARY) if line else "" for line in note.lines)]
    if alert.top_mentions:
        lines += ["", "Top mentions:"]
        lines += listed(alert)
    footer = f"brand: {alert.brand_id} | rule: {alert.rule} | alert: {alert.alert_id}"
    if note is not None:
        footer += f" | incident: {note.incident_id} | kind: {alert.kind}"
    lines += ["", "--", footer, f"evaluated at {iso(alert.fired_at)}"]
    return "\n".join(lines) + "\n"


def _status_line(alert: Alert, note: IncidentNote) -> str:
    """ "WORSE | CRITICAL | reputation 30, under 35 - 47 of 58 mentions negative"."""
    headline = note.headline or _headline(alert)
    return f"{note.status} | {alert.severity.value.upper()} | {safe_field(headline, MAX_SUMMARY)}"


def _facts(alert: Alert) -> list[str]:
    d, shown = alert.details, figures(alert)
    facts = [
        f"Severity: {alert.severity.value.upper()}",
        f"When: {local_time(alert.fired_at, zone_of(alert))}",
    ]
    if shown:
        versus = f" ({shown.change} vs the usual {usual_span(d.get('baseline_hours'))}, {shown.baseline})"
        facts.append(f"Reputation index: {shown.index}/100{versus if shown.change else ''}")
    if "window_mentions" in d:
        window = f"last {d.get('window_hours', '?')} h"
        facts.append(f"Mentions ({window}): {d['window_mentions']}, {d.get('window_negative', 0)} negative")
    if alert.rule == VOLUME_SPIKE:
        volume, bar = volume_figures(d)
        facts.append(
            f"Last hour: about {volume} mentions, usually {usual_volume(d)} {usual_for_local(d)} "
            f"(alert at {bar})"
        )
        if "usual_method" in d:
            facts.append(f"Usual learnt from: {d['usual_method']}, {d.get('history_hours', 0)} h of history")
    if alert.rule == NEGATIVE_SHARE:
        share, usual = share_text(d)
        facts.append(
            f"Last hour: {d.get('value', 0)} of {d.get('scored', 0)} scored mentions negative ({share}), "
            f"usually {usual} {usual_for_local(d)} (alert at {d.get('threshold', 0)})"
        )
    if alert.rule == INFLUENCER_NEGATIVE:
        facts.append(f"Influential negative mentions: {d.get('mentions', len(alert.top_mentions))}")
    return facts


def render_document(alert: Alert) -> dict[str, Any]:
    """The machine form. Keys are a public contract: add new ones, never rename or remove."""
    return {
        "alert_id": alert.alert_id,
        "brand": alert.brand_id,
        "brand_name": safe_field(alert.brand_name, MAX_SUMMARY),
        "rule": alert.rule,
        "severity": alert.severity.value,
        "fired_at": iso(alert.fired_at),
        "index": _round(alert.index),
        "change": _round(alert.change),
        "summary": safe_field(alert.summary, MAX_SUMMARY),
        # "recovered": a crossing whose alert could not be delivered before its rule recovered.
        "status": str(alert.details.get("status", "firing")),
        "top_mentions": [_mention_document(sm, alert) for sm in alert.top_mentions],
        "details": dict(alert.details),
        # The email as sent, for chat and ticketing integrations that relay it as is.
        "subject": render_subject(alert),
        "text": render_text(alert),
        # alert, update, resolved (an incident's steps), digest, ops: as the SNS `kind` attribute.
        "kind": alert.kind,
        "incident_id": alert.incident.incident_id if alert.incident else None,
        # OPEN, WORSE, REMINDER, RESOLVED, HELD (the quiet-hours summary); None outside an incident.
        "incident_status": alert.incident.status if alert.incident else None,
    }


def render_json(alert: Alert) -> str:
    return json.dumps(render_document(alert), ensure_ascii=False, sort_keys=True)


def _mention_document(sm: ScoredMention, alert: Alert | None = None) -> dict[str, Any]:
    zone = zone_of(alert) if alert else None
    return {
        "source": sm.mention.source,
        "id": safe_field(sm.mention.native_id, MAX_ID),
        "url": link(sm.mention),
        "created_at": iso(sm.mention.created_at),
        "sentiment": round(sm.sentiment.score, 4),
        "label": sm.sentiment.label,
        "influence": round(sm.influence, 2),
        "excerpt": excerpt(sm),
        "author": author(sm.mention),
        # The platform's own numbers behind the influence score, as the email shows them.
        "reach": reach(sm.mention),
        "posted": when(sm.mention.created_at, zone, alert.fired_at) if alert and zone else None,
        # How many near-identical mentions this one stands for (itself included).
        "similar": _similar_count(alert, sm),
    }


def _similar_count(alert: Alert | None, sm: ScoredMention) -> int:
    return similar_counts(alert).get(sm.key, 1) if alert else 1


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def _count(n: object, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _span(hours: object) -> str:
    return span_label(hours) if isinstance(hours, int) and hours > 0 else "trailing"
