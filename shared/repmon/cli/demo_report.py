"""What `repmon demo` prints: progress per cycle, scored mentions, the index over time, the emails."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, TextIO

from repmon.domain.brand import Brand
from repmon.domain.email import shorten
from repmon.ports import MentionStore

_BARS = " ▁▂▃▄▅▆▇█"
_SOURCES = ("reddit", "hackernews", "appstore")


def _fmt(value: float | None) -> str:
    return "  -  " if value is None else f"{value:5.1f}"


def spark(values: list[float | None]) -> str:
    """One character per value, 0-100 mapped onto eight bar heights (blank where no index)."""
    return "".join(" " if v is None else _BARS[min(8, max(1, round(v / 100 * 8)))] for v in values)


class Printer:
    def __init__(self, out: TextIO) -> None:
        self.out = out

    def line(self, text: str = "") -> None:
        print(text, file=self.out, flush=True)

    def header(self, brands: list[Brand]) -> None:
        self.line(f"  watching: {', '.join(f'{b.name} ({b.query})' for b in brands)}")
        self.line()
        names = "  ".join(f"{b.id:>9}" for b in brands)
        self.line(f"{'simulated time':<17} | {'reddit':>6} {'hn':>4} {'appst':>5} | index {names} | alerts")

    def progress(
        self, at: datetime, polled: dict[str, int], indexes: dict[str, float | None], alerts: int
    ) -> None:
        counts = " ".join(f"{polled.get(s, 0):>{w}}" for s, w in zip(_SOURCES, (6, 4, 5), strict=True))
        values = "  ".join(f"{_fmt(v):>9}" for v in indexes.values())
        flag = f"{alerts} new" if alerts else ""
        self.line(f"{at:%a %H:%M}Z{'':6} | {counts} |       {values} | {flag}")

    def mentions(self, store: MentionStore, brands: list[Brand], since: datetime, until: datetime) -> None:
        self.line("\nScored mentions: the most influential negative ones, then the latest of each brand")
        self.line(f"{'created':<12} {'brand':<9} {'source':<10} {'label':<8} {'score':>6} {'infl':>5}  text")
        for brand in brands:
            rows = store.most_negative(brand.id, since, until, min_influence=0, limit=6)
            rows += store.mentions_between(brand.id, since, until)[-3:]
            for sm in rows:
                m, s = sm.mention, sm.sentiment
                self.line(
                    f"{m.created_at:%a %H:%M}Z  {brand.id[:9]:<9} {m.source:<10} {s.bucket:<8} "
                    f"{s.score:>6.2f} {sm.influence:>5.1f}  {shorten(m.full_text.replace(chr(10), ' '), 70)}"
                )

    def index_history(self, history: dict[str, list[tuple[datetime, float | None]]]) -> None:
        self.line("\nReputation index over time (0-100, one bar per cycle)")
        for brand_id, points in history.items():
            values = [v for _, v in points]
            known = [v for v in values if v is not None]
            low = f"low {min(known):.1f}" if known else "no data"
            self.line(f"  {brand_id:<9} {spark(values)}  {low}, last {_fmt(values[-1]).strip()}")

    def emails(self, envelopes: list[dict[str, Any]]) -> None:
        self.line(f"\nAlert emails as a subscriber received them ({len(envelopes)}):")
        for envelope in envelopes:
            document = json.loads(str(envelope["Message"]))
            attributes = {k: v["Value"] for k, v in dict(envelope.get("MessageAttributes", {})).items()}
            self.line("-" * 78)
            self.line(f"Subject: {envelope.get('Subject')}")
            self.line(f"Attributes: {attributes}")
            self.line(str(document.get("text") or json.dumps(document, indent=2)))
        self.line("-" * 78)
