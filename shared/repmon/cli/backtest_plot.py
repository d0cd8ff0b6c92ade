"""`--plot FILE.png|.svg`: each brand's index and hourly volume over the replay, alerts and events marked.

One panel per brand: the window index (the line the rules read) and its baseline, the reputation_low
floor, the hourly mentions as bars on a second axis, a vertical line per alert (coloured by rule) and a
shaded span per known event. matplotlib is the optional extra `repmon[plot]`: imported here only, so
neither the Lambda layer nor a backtest without --plot needs it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any

from repmon.cli.backtest_events import Event
from repmon.cli.replay import BrandOutcome
from repmon.domain.brand import Brand
from repmon.domain.errors import InvalidConfig
from repmon.domain.rules import RULES
from repmon.domain.timeutil import parse_iso

_COLOURS = dict(zip(RULES, ("#c0392b", "#e67e22", "#8e44ad", "#d35400", "#2c3e50"), strict=True))


def plot(
    path: Path,
    brands: Sequence[Brand],
    outcomes: Sequence[BrandOutcome],
    alerts: Sequence[dict[str, Any]],
    events: Sequence[Event],
) -> None:
    try:
        import matplotlib

        matplotlib.use("Agg")  # files only: no display needed
        import matplotlib.pyplot as plt
    except ImportError:
        raise InvalidConfig("--plot needs matplotlib: pip install 'repmon[plot]'") from None
    shown = [(b, o) for b, o in zip(_by_id(brands, outcomes), outcomes, strict=True) if o.series]
    if not shown:
        raise InvalidConfig(f"--plot {path}: nothing to draw (no brand had mentions)")
    figure, axes = plt.subplots(len(shown), 1, figsize=(12, 3.2 * len(shown)), squeeze=False, sharex=True)
    for axis, (brand, outcome) in zip(axes[:, 0], shown, strict=True):
        _panel(axis, brand, outcome, [a for a in alerts if a["brand"] == brand.id], events)
    figure.autofmt_xdate()
    figure.tight_layout()
    try:
        figure.savefig(path, dpi=110)
    except OSError as exc:
        raise InvalidConfig(f"--plot {path}: cannot write: {exc.strerror or exc}") from None
    finally:
        plt.close(figure)


def _by_id(brands: Sequence[Brand], outcomes: Sequence[BrandOutcome]) -> list[Brand]:
    known = {b.id: b for b in brands}
    return [known[o.brand_id] for o in outcomes]


def _panel(
    axis: Any, brand: Brand, outcome: BrandOutcome, alerts: list[dict[str, Any]], events: Sequence[Event]
) -> None:
    hours = [parse_iso(h) for h, _, _, _ in outcome.series]
    # The index an hour ends with (its last evaluation), drawn where that hour ends.
    ends = [h + timedelta(hours=1) for h in hours]
    volume = axis.twinx()
    volume.bar(
        hours,
        [v for *_, v in outcome.series],
        width=1 / 24,
        color="#bdc3c7",
        alpha=0.6,
        label="mentions/hour",
    )
    volume.set_ylabel("mentions per hour")
    axis.set_zorder(volume.get_zorder() + 1)
    axis.patch.set_visible(False)
    axis.plot(ends, [w for _, w, _, _ in outcome.series], color="#2980b9", label="index (window)")
    axis.plot(ends, [b for _, _, b, _ in outcome.series], color="#7f8c8d", linestyle="--", label="baseline")
    floor = brand.thresholds.reputation_low
    axis.axhline(floor, color="#c0392b", linestyle=":", linewidth=1, label=f"reputation_low {floor:g}")
    for event in (e for e in events if e.brand == brand.id):
        axis.axvspan(event.start, min(event.end, ends[-1]), color="#f1c40f", alpha=0.15)
        axis.annotate(event.label, (event.start, 98), fontsize=8, va="top")
    for rule in RULES:
        times = [parse_iso(a["time"]) for a in alerts if a["rule"] == rule]
        for n, at in enumerate(times):
            axis.axvline(at, color=_COLOURS[rule], linewidth=1.2, label=rule if n == 0 else None)
    axis.set_ylim(0, 100)
    axis.set_ylabel("reputation index")
    axis.set_title(f"{brand.name} ({brand.id}): {len(alerts)} alert(s)", loc="left", fontsize=10)
    axis.legend(loc="lower left", fontsize=7, ncol=4)
