"""`repmon backtest` at scale, on its default (in-memory) path: mentions/s, minutes, memory, scorer share.

    .venv/bin/python -m tests.bench.bench_backtest            # 14 days of 2 brands; 50 brands, 30 days, 1 M
    .venv/bin/python -m tests.bench.bench_backtest --quick    # the same month at 1/10 of the mentions

Input is generated (seeded), streamed to a temporary .jsonl and never held in memory: steady traffic
with a daily rhythm and, per brand, one crisis (a negative burst) and a few influential authors, so
every rule has work. Each case runs the command end to end (reading and checking the input, scoring,
storing, evaluating every 5 minutes, the summary) on every core; the 1 M case takes about 8 minutes.
The scorer's share is its part of the replay's CPU time (reading the input is on top). Peak memory is
the largest resident set of this process and of any worker (getrusage).
"""

from __future__ import annotations

import io
import json
import random
import resource
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from repmon.cli import backtest_fast
from repmon.cli.backtest import Options, run

START = datetime(2026, 9, 1, tzinfo=UTC)
_CALM = (
    "Flew {b} to {c} today, crew were friendly and we landed early",
    "{b} app worked fine for check-in, boarding was smooth",
    "Anyone know if {b} still does free seat selection on {c} routes?",
    "Decent value on {b}, nothing special but got me to {c} on time",
    "Really impressed with {b} customer service, sorted my booking in minutes",
)
_BAD = (
    "{b} cancelled my flight to {c} and nobody at the desk will help, no refund, awful",
    "Stuck at the gate for 4 hours, {b} staff gave zero updates. Never again",
    "{b} lost my bag on the {c} flight and the claim line hangs up on me",
    "Worst experience with {b}, the app crashed and they charged me twice",
)
_CITIES = ("Denver", "Boston", "Lisbon", "Osaka", "Lagos", "Lima", "Oslo", "Perth")


def mention_lines(mentions: int, brands: int, days: int, seed: int = 11) -> Iterator[str]:
    """`mentions` lines over `days` for `brands` brands, hour by hour: a stream, never a list."""
    rng = random.Random(seed)
    hours = days * 24
    crises = {b: rng.randrange(48, hours - 12) for b in range(brands)}
    per_hour, n = mentions / hours, 0
    for hour in range(hours):
        at = START + timedelta(hours=hour)
        rhythm = 0.6 + 0.8 * abs(12 - at.hour) / 12  # busier in the evening UTC
        quota = round(per_hour * rhythm) if hour < hours - 1 else mentions - n
        for _ in range(min(quota, mentions - n)):
            brand = rng.randrange(brands)
            crisis = 0 <= hour - crises[brand] < 6
            yield json.dumps(_line(rng, n, brand, at, crisis))
            n += 1
        for b, start in crises.items():  # the burst itself: 20-30 extra negative mentions an hour
            if 0 <= hour - start < 4:
                for _ in range(rng.randint(20, 30)):
                    yield json.dumps(_line(rng, n, b, at, True))
                    n += 1


def _line(rng: random.Random, n: int, brand: int, hour: datetime, crisis: bool) -> dict[str, Any]:
    name = f"Brand{brand:02d}"
    template = rng.choice(_BAD if crisis or rng.random() < 0.12 else _CALM)
    famous = rng.random() < 0.002
    return {
        "source": rng.choice(("reddit", "reddit", "hackernews")),
        "id": f"m{n}",
        "brand": f"b{brand:02d}",
        "created_at": (hour + timedelta(seconds=rng.randrange(3600))).isoformat().replace("+00:00", "Z"),
        "text": template.format(b=name, c=rng.choice(_CITIES)),
        "author": {"id": f"u{rng.randrange(50_000)}", "karma": 800_000 if famous else rng.randrange(20_000)},
        "engagement": {"score": 5000 if famous else rng.randrange(200), "comments": rng.randrange(50)},
    }


def watchlist(path: Path, brands: int) -> Path:
    path.write_text(
        "brands:\n"
        + "".join(f"  - {{id: b{b:02d}, name: Brand{b:02d}, query: brand{b:02d}}}\n" for b in range(brands))
    )
    return path


def peak_mib() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, workers) / 1024  # Linux reports KiB


def case(label: str, mentions: int, brands: int, days: int, workdir: Path) -> dict[str, float]:
    """One end-to-end backtest; returns its figures and prints them."""
    source = workdir / "mentions.jsonl"
    with source.open("w") as out:
        written = sum(out.write(line + "\n") > 0 for line in mention_lines(mentions, brands, days))
    captured: list[Any] = []
    original = backtest_fast.replay_all

    def keep(*args: Any, **kwargs: Any) -> Any:
        captured.extend(original(*args, **kwargs))
        return captured

    backtest_fast.replay_all = keep  # type: ignore[assignment]
    started = time.perf_counter()
    try:
        run(Options(watchlist(workdir / "brands.yaml", brands), (str(source),)), io.StringIO(), io.StringIO())
    finally:
        backtest_fast.replay_all = original  # type: ignore[assignment]
    seconds = time.perf_counter() - started
    scoring = sum(o.score_seconds for o in captured)
    replaying = sum(o.seconds for o in captured)
    source.unlink()
    figures = {"mentions": written, "seconds": seconds, "scoring": scoring, "replaying": replaying}
    print(
        f"{label:<34} {written:>9,} mentions  {seconds:7.1f} s ({seconds / 60:4.1f} min)  "
        f"{written / seconds:8,.0f} mentions/s  scorer {scoring / replaying:4.0%} of replay CPU  "
        f"peak {peak_mib():5.0f} MiB",
        flush=True,
    )
    return figures


def main() -> None:
    scale = 0.1 if "--quick" in sys.argv[1:] else 1.0
    with tempfile.TemporaryDirectory(prefix="bench-backtest-") as tmp:
        workdir = Path(tmp)
        small = case("14 days, 2 brands", 2_700, 2, 14, workdir)
        print(f"  target: under 20 s -> {'ok' if small['seconds'] < 20 else 'MISSED'}")
        label = "30 days, 50 brands" + ("" if scale == 1 else f", {scale:g} of 1 M")
        big = case(label, round(1_000_000 * scale), 50, 30, workdir)
        if scale == 1:
            print(f"  target: at most 10 min -> {'ok' if big['seconds'] <= 600 else 'MISSED'}")


if __name__ == "__main__":
    main()
