"""What `repmon demo` prints: progress per cycle, scored mentions, the index over time, the emails.

Each table's header and rows come from one list of columns, so a header always sits over its data.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any, TextIO

from repmon.domain.brand import Brand
from repmon.domain.email_mentions import shorten
from repmon.domain.models import ScoredMention
from repmon.domain.source_registry import POLLED as SOURCES
from repmon.ports import MentionStore

_BARS = " ▁▂▃▄▅▆▇█"
_SOURCES = tuple(name for name, spec in SOURCES.items() if not spec.mentions_as)
#: The progress table: simulated time, one column per source, then one per brand.
_LAST = 1 + len(_SOURCES)
#: (heading, width, alignment) of the scored mentions table; the excerpt follows, unbounded.
_MENTION_COLUMNS = (
    ("created", 10, "<"),
    ("brand", 9, "<"),
    ("source", 10, "<"),
    ("label", 8, "<"),
    ("score", 6, ">"),
    ("influence", 9, ">"),
)
_EXCERPT = 72


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def spark(values: list[float | None]) -> str:
    """One character per value, 0-100 mapped onto eight bar heights (blank where no index)."""
    return "".join(" " if v is None else _BARS[min(8, max(1, round(v / 100 * 8)))] for v in values)


def cells(values: Sequence[object], columns: Sequence[tuple[str, int, str]]) -> str:
    return " ".join(
        f"{value!s:{align}{width}}" for value, (_, width, align) in zip(values, columns, strict=True)
    )


def attributes_line(envelope: dict[str, Any]) -> str:
    """SNS message attributes as a subscriber filters on them: "brand=acme-air rule=... severity=..."."""
    return " ".join(
        f"{name}={attribute(envelope, name)}" for name in sorted(envelope.get("MessageAttributes", {}))
    )


def attribute(envelope: dict[str, Any], name: str) -> str:
    return str(dict(envelope.get("MessageAttributes", {})).get(name, {}).get("Value", "?"))


class Printer:
    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.progress_columns: list[tuple[str, int, str]] = []

    def line(self, text: str = "") -> None:
        print(text, file=self.out, flush=True)

    def header(self, brands: list[Brand]) -> None:
        self.line(f"  watching: {', '.join(f'{b.name} ({b.query})' for b in brands)}")
        self.line(
            "\nEach cycle: new mentions polled per source | each brand's reputation index (0-100) | alerts"
        )
        polled = [(SOURCES[s].heading, max(len(SOURCES[s].heading), 5), ">") for s in _SOURCES]
        indexes = [(b.id, max(len(b.id), 6), ">") for b in brands]
        self.progress_columns = [("simulated time", 14, "<"), *polled, *indexes]
        heads = [heading for heading, _, _ in self.progress_columns]
        self.line(self._progress_row(heads[0], heads[1:_LAST], heads[_LAST:], "alerts"))

    def _progress_row(
        self, time: str, polled: Sequence[object], indexes: Sequence[object], alerts: str
    ) -> str:
        columns = self.progress_columns
        parts = [cells([time], columns[:1]), cells(polled, columns[1:_LAST]), cells(indexes, columns[_LAST:])]
        return " | ".join([*parts, alerts]).rstrip()

    def progress(
        self, at: datetime, polled: dict[str, int], indexes: dict[str, float | None], alerts: list[str]
    ) -> None:
        counts = [polled.get(s, 0) for s in _SOURCES]
        values = [_fmt(v) for v in indexes.values()]
        flag = f"{len(alerts)} new: {', '.join(alerts)}" if alerts else ""
        self.line(self._progress_row(f"{at:%a %H:%M}Z", counts, values, flag))

    def mentions(self, store: MentionStore, brands: list[Brand], since: datetime, until: datetime) -> None:
        self.line("\nScored mentions: each brand's most influential negative ones, then its latest")
        self.line(cells([h for h, _, _ in _MENTION_COLUMNS], _MENTION_COLUMNS) + " text")
        for brand in brands:
            rows = store.most_negative(brand.id, since, until, min_influence=0, limit=6)
            shown = {sm.key for sm in rows}
            rows += [sm for sm in store.mentions_between(brand.id, since, until)[-3:] if sm.key not in shown]
            for sm in rows:
                self.line(mention_row(sm))

    def index_history(self, history: dict[str, list[tuple[datetime, float | None]]]) -> None:
        self.line("\nReputation index over time (0-100, one bar per cycle)")
        for brand_id, points in history.items():
            values = [v for _, v in points]
            known = [v for v in values if v is not None]
            low = f"low {min(known):.1f}" if known else "no data"
            self.line(f"  {brand_id:<9} {spark(values)}  {low}, last {_fmt(values[-1])}")

    def emails(self, envelopes: list[dict[str, Any]]) -> None:
        self.line(f"\nAlert emails as a subscriber received them ({len(envelopes)}):")
        self._envelopes(envelopes)

    def digests(self, envelopes: list[dict[str, Any]], at: datetime) -> None:
        self.line(f"\nDigests sent at {at:%a %H:%M}Z, as a subscriber received them ({len(envelopes)}):")
        self._envelopes(envelopes)

    def _envelopes(self, envelopes: list[dict[str, Any]]) -> None:
        for envelope in envelopes:
            document = json.loads(str(envelope["Message"]))
            self.line("-" * 78)
            self.line(f"Subject: {envelope.get('Subject')}")
            self.line(f"Attributes: {attributes_line(envelope)}")
            self.line(str(document.get("text") or json.dumps(document, indent=2)))
        self.line("-" * 78)


def mention_row(sm: ScoredMention) -> str:
    m, s = sm.mention, sm.sentiment
    values = [
        f"{m.created_at:%a %H:%M}Z",
        sm.brand_id[:9],
        m.source,
        s.bucket,
        f"{s.score:.2f}",
        f"{sm.influence:.1f}",
    ]
    return f"{cells(values, _MENTION_COLUMNS)} {shorten(m.display_text, _EXCERPT)}"
