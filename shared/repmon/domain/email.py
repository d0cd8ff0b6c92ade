"""Render an Alert for people (subject and plain-text email, readable on a phone in ten seconds)
and for machines (a JSON document with stable keys). Pure: no I/O.
"""

from __future__ import annotations

import json
import re
import unicodedata
from typing import Any

from repmon.domain.models import Alert, ScoredMention
from repmon.domain.rules import INFLUENCER_NEGATIVE, REPUTATION_DROP, REPUTATION_LOW, VOLUME_SPIKE, span_label
from repmon.domain.timeutil import iso

#: SNS wants an ASCII subject "less than 100 characters"; 99 satisfies every reading of that.
MAX_SUBJECT = 99
MAX_NAME = 40
MAX_EXCERPT = 160
ELLIPSIS = "..."
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


def shorten(text: str, limit: int) -> str:
    """Collapse whitespace and cut to `limit` characters, marking a cut with '...'."""
    flat = _SPACES.sub(" ", text).strip()
    if len(flat) <= limit:
        return flat
    return flat[: max(0, limit - len(ELLIPSIS))].rstrip() + ELLIPSIS


def render_subject(alert: Alert) -> str:
    """E.g. "[CRITICAL] Acme Air: reputation 31 (-22 vs 7-day) - 5 negative mentions"."""
    name = shorten(to_ascii(alert.brand_name), MAX_NAME) or alert.brand_id
    text = f"[{alert.severity.value.upper()}] {name}: {_headline(alert)}"
    return shorten(to_ascii(text), MAX_SUBJECT)


def _headline(alert: Alert) -> str:
    d = alert.details
    negative = _count(d.get("window_negative", 0), "negative mention")
    index = f"{alert.index:.0f}" if alert.index is not None else "n/a"
    if alert.rule == REPUTATION_DROP and alert.change is not None:
        return (
            f"reputation down {-alert.change:.0f} to {index} vs {_span(d.get('baseline_hours'))} - {negative}"
        )
    if alert.rule in (REPUTATION_LOW, REPUTATION_DROP):
        versus = (
            f" ({alert.change:+.0f} vs {_span(d.get('baseline_hours'))})" if alert.change is not None else ""
        )
        return f"reputation {index}{versus} - {negative}"
    if alert.rule == VOLUME_SPIKE:
        ratio = f" ({d['ratio']}x normal)" if "ratio" in d else ""
        return f"{float(d.get('value', 0)):.0f} mentions in the last hour{ratio}"
    if alert.rule == INFLUENCER_NEGATIVE:
        return _influencer_headline(alert)
    return alert.rule.replace("_", " ")


def _influencer_headline(alert: Alert) -> str:
    count = int(alert.details.get("mentions", len(alert.top_mentions)))
    if count == 1 and alert.top_mentions:
        top = alert.top_mentions[0]
        who = f"@{top.mention.author.handle}" if top.mention.author.handle else top.mention.source
        return f"negative mention by {who} (influence {top.influence:.0f})"
    return f"{_count(count, 'negative mention')} by influential authors"


def render_text(alert: Alert) -> str:
    """The email body: what happened, how bad, the top mentions with links, then where it came from."""
    lines = [alert.summary, "", *_facts(alert)]
    if alert.top_mentions:
        lines += ["", "Top mentions:"]
        for rank, mention in enumerate(alert.top_mentions, start=1):
            lines += _mention_lines(rank, mention)
    lines += [
        "",
        "--",
        f"brand: {alert.brand_id} | rule: {alert.rule} | alert: {alert.alert_id}",
        f"evaluated at {iso(alert.fired_at)}",
    ]
    return "\n".join(lines) + "\n"


def _facts(alert: Alert) -> list[str]:
    d = alert.details
    facts = [f"Severity: {alert.severity.value.upper()}"]
    if alert.index is not None:
        versus = ""
        if alert.change is not None and "baseline_index" in d:
            base = float(d["baseline_index"])
            versus = f" ({alert.change:+.1f} vs {_span(d.get('baseline_hours'))} baseline {base:.0f})"
        facts.append(f"Reputation index: {alert.index:.0f}/100{versus}")
    if "window_mentions" in d:
        window = f"last {d.get('window_hours', '?')} h"
        facts.append(f"Mentions ({window}): {d['window_mentions']}, {d.get('window_negative', 0)} negative")
    if alert.rule == VOLUME_SPIKE:
        facts.append(
            f"Last hour: ~{float(d.get('value', 0)):.0f} mentions, usual {d.get('baseline_hourly', 0)}/h"
        )
    if alert.rule == INFLUENCER_NEGATIVE:
        facts.append(f"Influential negative mentions: {d.get('mentions', len(alert.top_mentions))}")
    return facts


def _mention_lines(rank: int, sm: ScoredMention) -> list[str]:
    author = f" by @{sm.mention.author.handle}" if sm.mention.author.handle else ""
    where = f" in {sm.mention.community}" if sm.mention.community else ""
    head = (
        f"{rank}. {sm.mention.source}{where}{author} | sentiment {sm.sentiment.score:+.2f} "
        f"| influence {sm.influence:.0f}"
    )
    lines = [head, f'   "{excerpt(sm)}"']
    if sm.mention.url:
        lines.append(f"   {sm.mention.url}")
    return lines


def excerpt(sm: ScoredMention) -> str:
    return shorten(sm.mention.full_text, MAX_EXCERPT)


def render_document(alert: Alert) -> dict[str, Any]:
    """The machine form. Keys are a public contract: add new ones, never rename or remove."""
    return {
        "alert_id": alert.alert_id,
        "brand": alert.brand_id,
        "brand_name": alert.brand_name,
        "rule": alert.rule,
        "severity": alert.severity.value,
        "fired_at": iso(alert.fired_at),
        "index": _round(alert.index),
        "change": _round(alert.change),
        "summary": alert.summary,
        "top_mentions": [_mention_document(sm) for sm in alert.top_mentions],
        "details": dict(alert.details),
        # The email as sent, for chat and ticketing integrations that relay it as is.
        "subject": render_subject(alert),
        "text": render_text(alert),
    }


def render_json(alert: Alert) -> str:
    return json.dumps(render_document(alert), ensure_ascii=False, sort_keys=True)


def _mention_document(sm: ScoredMention) -> dict[str, Any]:
    return {
        "source": sm.mention.source,
        "id": sm.mention.native_id,
        "url": sm.mention.url,
        "created_at": iso(sm.mention.created_at),
        "sentiment": round(sm.sentiment.score, 4),
        "label": sm.sentiment.label,
        "influence": round(sm.influence, 2),
        "excerpt": excerpt(sm),
    }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def _count(n: object, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _span(hours: object) -> str:
    return span_label(hours) if isinstance(hours, int) and hours > 0 else "trailing"
