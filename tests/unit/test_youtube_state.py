"""The YouTube source's held cursor (adapters.sources.youtube_state.hold): position unmoved, new items
remembered, and the memory bounded however long the hold lasts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from repmon.adapters.sources.youtube_state import MAX_SEEN, hold
from repmon.domain.cursor import Candidate, Cursor
from repmon.domain.models import Mention

T0 = datetime(2026, 11, 1, 12, tzinfo=UTC)


def _candidates(first: int, count: int) -> list[Candidate]:
    return [
        Candidate(T0.timestamp() + n, Mention("youtube", f"c{n}", T0 + timedelta(seconds=n), "hi"))
        for n in range(first, first + count)
    ]


def test_a_hold_keeps_the_position_returns_the_oldest_new_items_and_remembers_them():
    cursor = Cursor(T0.timestamp(), {"c0": T0.timestamp()})
    step = hold(cursor, _candidates(0, 5), timedelta(minutes=15), 3, "cut")
    assert step.cursor.at == cursor.at and step.truncated
    assert [m.native_id for m in step.page] == ["c1", "c2", "c3"]
    assert set(step.cursor.seen) == {"c0", "c1", "c2", "c3"}


def test_a_long_hold_remembers_at_most_max_seen_ids_the_newest():
    cursor = Cursor(T0.timestamp())
    for poll in range(30):  # 30 polls held, 200 new items each
        cursor = hold(cursor, _candidates(poll * 200, 200), timedelta(minutes=15), 200, "cut").cursor
    assert len(cursor.seen) == MAX_SEEN and f"c{30 * 200 - 1}" in cursor.seen
