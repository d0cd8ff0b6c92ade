"""The backtest's input, partitioned by brand and sorted by time on disk: memory bounded by a block.

While the input streams in, valid mentions go to a buffer per brand; whenever the buffers hold
`flush_every` mentions in all, each buffer is sorted and appended to its brand's file as one run
(pickled blocks of `BLOCK` mentions). A brand's mentions in time order are then a merge of its runs,
which holds one block per run in memory, whatever the size of the input. Ties keep input order.
"""

from __future__ import annotations

import heapq
import pickle
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from repmon.domain.models import Mention

BLOCK = 512
FLUSH_EVERY = 50_000

#: (created_at, input order, mention): the sort key first.
Entry = tuple[datetime, int, Mention]


@dataclass(frozen=True)
class Run:
    offset: int
    count: int


@dataclass
class Spill:
    """Per-brand runs in `directory`; picklable, so a worker process can read its brand's runs."""

    directory: Path
    runs: dict[str, list[Run]] = field(default_factory=dict)
    counts: Counter[str] = field(default_factory=Counter)
    first: datetime | None = None
    last: datetime | None = None

    def path(self, brand_id: str) -> Path:
        return self.directory / f"{brand_id}.runs"

    @property
    def total(self) -> int:
        return sum(self.counts.values())


class SpillWriter:
    """Collects (brand, mention) in input order and writes the sorted runs."""

    def __init__(self, directory: Path, flush_every: int = FLUSH_EVERY) -> None:
        self.spill = Spill(directory)
        self.flush_every = flush_every
        self._buffers: dict[str, list[Entry]] = {}
        self._buffered = 0

    def add(self, brand_id: str, mention: Mention) -> None:
        spill = self.spill
        at = mention.created_at
        spill.first = at if spill.first is None or at < spill.first else spill.first
        spill.last = at if spill.last is None or at > spill.last else spill.last
        self._buffers.setdefault(brand_id, []).append((at, spill.total, mention))
        spill.counts[brand_id] += 1
        self._buffered += 1
        if self._buffered >= self.flush_every:
            self.flush()

    def flush(self) -> Spill:
        for brand_id, entries in self._buffers.items():
            entries.sort(key=lambda e: (e[0], e[1]))
            with self.spill.path(brand_id).open("ab") as out:
                offset = out.tell()
                for start in range(0, len(entries), BLOCK):
                    pickle.dump(entries[start : start + BLOCK], out, protocol=pickle.HIGHEST_PROTOCOL)
            self.spill.runs.setdefault(brand_id, []).append(Run(offset, len(entries)))
        self._buffers, self._buffered = {}, 0
        return self.spill


def _read_run(path: Path, run: Run) -> Iterator[Entry]:
    with path.open("rb") as source:
        source.seek(run.offset)
        left = run.count
        while left > 0:
            block: list[Entry] = pickle.load(source)
            left -= len(block)
            yield from block


def entries(spill: Spill, brand_id: str) -> Iterator[Entry]:
    """The brand's mentions in time order (input order among equal times), with their sort key."""
    runs = [_read_run(spill.path(brand_id), run) for run in spill.runs.get(brand_id, [])]
    return heapq.merge(*runs, key=lambda e: (e[0], e[1]))


def merged(spill: Spill, brand_id: str) -> Iterator[Mention]:
    return (mention for _, _, mention in entries(spill, brand_id))


def merged_all(spill: Spill) -> Iterator[tuple[str, Mention]]:
    """Every brand's mentions in one time order, input order among equal times."""
    streams = [_tagged(spill, b) for b in sorted(spill.runs)]
    for _, _, brand_id, mention in heapq.merge(*streams, key=lambda e: (e[0], e[1])):
        yield brand_id, mention


def _tagged(spill: Spill, brand_id: str) -> Iterator[tuple[datetime, int, str, Mention]]:
    for at, seq, mention in entries(spill, brand_id):
        yield at, seq, brand_id, mention
