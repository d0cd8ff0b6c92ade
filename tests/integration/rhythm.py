"""A month of rhythmic traffic for two brands, as backtest input: strong daily and weekly curves,
a constant sentiment mix, Poisson counts; optionally outages of negative mentions on top.

Every number the backtest proof depends on is here, in the open (tests/integration/
test_backtest_rhythm.py reads them): the curves, the mix, the outages, the seed.
"""

from __future__ import annotations

import json
import math
import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

#: A Monday: the month starts with a full week.
START = datetime(2026, 10, 5, tzinfo=UTC)
DAYS = 30
SEED = 12
#: Mentions per weekday hour, 00:00 to 23:00 UTC. An airline: 1 an hour at 3 a.m., 36 at noon.
AIRLINE = (2, 1, 1, 1, 1, 2, 4, 8, 14, 18, 22, 28, 36, 32, 26, 22, 20, 18, 14, 10, 8, 6, 4, 3)
#: A bank: office hours, 1 an hour at night, 18 at 10:00 and 14:00.
BANK = (1, 1, 1, 1, 1, 1, 2, 4, 10, 16, 18, 16, 14, 16, 18, 16, 12, 8, 5, 3, 2, 2, 1, 1)
#: Saturday and Sunday hold this fraction of a weekday's hour.
WEEKEND = {"acme": 0.6, "globex": 0.3}
CURVES = {"acme": AIRLINE, "globex": BANK}
#: The constant mix: (text, share). 20% positive, 55% neutral, 25% negative.
MIX: dict[str, tuple[tuple[str, float], ...]] = {
    "acme": (
        ("Acme flight was lovely, great crew", 0.20),
        ("Acme flight 212 boards at gate 4", 0.55),
        ("Acme cancelled my flight, no refund, awful service", 0.25),
    ),
    "globex": (
        ("Globex bank app works fine, happy", 0.20),
        ("Globex branch opens at nine", 0.55),
        ("Globex bank app is down again, cannot log in, terrible", 0.25),
    ),
}


@dataclass(frozen=True)
class Outage:
    brand: str
    start: datetime
    hours: int
    #: Extra negative mentions an hour, on top of the usual traffic.
    extra: int
    label: str


#: A quiet hour (Wednesday 03:00 UTC, usually 1 mention) and a busy one (Tuesday 10:00, usually 18).
OUTAGES = (
    Outage("acme", START + timedelta(days=16, hours=3), 3, 30, "acme outage at 3 a.m."),
    Outage("globex", START + timedelta(days=22, hours=10), 3, 25, "globex outage at 10 a.m."),
)


def rate(brand: str, hour: datetime) -> float:
    usual = CURVES[brand][hour.hour]
    return usual * WEEKEND[brand] if hour.weekday() >= 5 else float(usual)


def _poisson(rng: random.Random, mean: float) -> int:
    """Knuth's method: exact, and fast for the means used here (at most 36)."""
    limit, count, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


def _line(brand: str, n: int, at: datetime, text: str) -> str:
    return json.dumps(
        {
            "source": "reddit",
            "id": f"t1_{brand}{n}",
            "brand": brand,
            "created_at": at.isoformat().replace("+00:00", "Z"),
            "text": text,
            "author": {"id": f"u{n % 500}", "handle": f"user{n % 500}", "karma": 300},
            "engagement": {"score": 2, "comments": 0},
        }
    )


def month(outages: tuple[Outage, ...] = ()) -> list[str]:
    """The month's mention lines, hour by hour, brand by brand (same seed: same month)."""
    rng, lines = random.Random(SEED), list[str]()
    for brand in CURVES:
        texts = [text for text, _ in MIX[brand]]
        weights = [share for _, share in MIX[brand]]
        for offset in range(DAYS * 24):
            hour = START + timedelta(hours=offset)
            chosen = rng.choices(texts, weights, k=_poisson(rng, rate(brand, hour)))
            for outage in outages:
                if outage.brand == brand and outage.start <= hour < outage.start + outage.hours * HOUR:
                    chosen += [texts[-1]] * outage.extra
            for text in chosen:
                at = hour + timedelta(seconds=rng.randrange(3600))
                lines.append(_line(brand, len(lines), at, text))
    return lines


HOUR = timedelta(hours=1)


def write(folder: Path, outages: tuple[Outage, ...] = ()) -> tuple[Path, Path, Path]:
    """brands.yaml, mentions.jsonl and events.jsonl for `repmon backtest`."""
    brands = folder / "brands.yaml"
    brands.write_text(
        "brands:\n"
        "  - {id: acme, name: Acme Air, query: acme}\n"
        "  - {id: globex, name: Globex Bank, query: globex}\n"
    )
    mentions = folder / "mentions.jsonl"
    mentions.write_text("\n".join(month(outages)) + "\n")
    events = folder / "events.jsonl"
    events.write_text(
        "".join(
            json.dumps({"brand": o.brand, "start": o.start.isoformat(), "label": o.label}) + "\n"
            for o in OUTAGES
        )
    )
    return brands, mentions, events
