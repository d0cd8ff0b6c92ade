"""domain.cursor: the rules every source's cursor follows, on plain numbers (the fault suite drives them
through real adapters in tests/faults)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from repmon.domain.cursor import (
    MAX_STALLS,
    SKEW,
    Candidate,
    Cursor,
    NewestFirstScan,
    TimeCursor,
    by_time,
    clamp_date,
    implausible,
)
from repmon.domain.models import Mention

NOW = datetime(2026, 11, 1, 12, tzinfo=UTC)


def _items(*positions: float) -> list[Candidate]:
    return [Candidate(p, Mention("hackernews", f"id{p:g}", NOW, "x")) for p in positions]


def test_behind_an_empty_page_holds_the_position_until_the_backlog_comes_back():
    first = Cursor(0).advance(_items(*range(1, 11)), limit=4, overlap=0, settled=100)
    assert (first.cursor.at, first.cursor.behind, first.cursor.resume) == (4, True, 5)
    empty = first.cursor.advance([], limit=4, overlap=0, settled=100)
    assert (empty.cursor.at, empty.cursor.behind) == (4, True)  # not 100: the backlog is owed
    back = empty.cursor.advance(_items(*range(1, 11)), limit=4, overlap=0, settled=100)
    assert [m.native_id for m in back.page] == ["id5", "id6", "id7", "id8"]


def test_behind_a_page_that_skips_the_backlog_is_returned_but_does_not_move_the_position():
    behind = Cursor(0).advance(_items(*range(1, 11)), limit=4, overlap=0).cursor
    newest_only = behind.advance(_items(9, 10), limit=4, overlap=0, settled=100)
    assert [m.native_id for m in newest_only.page] == ["id9", "id10"]
    assert (newest_only.cursor.at, newest_only.cursor.behind) == (4, True)
    rest = newest_only.cursor.advance(_items(*range(1, 11)), limit=10, overlap=0)
    assert [m.native_id for m in rest.page] == ["id5", "id6", "id7", "id8"]


def test_a_backlog_missing_for_max_stalls_polls_is_taken_as_deleted():
    cursor = Cursor(0).advance(_items(*range(1, 11)), limit=4, overlap=0).cursor
    for _ in range(MAX_STALLS - 1):
        cursor = cursor.advance([], limit=4, overlap=0).cursor
        assert cursor.behind
    last = cursor.advance([], limit=4, overlap=0)
    assert not last.cursor.behind and last.notes


def test_dates_are_clamped_to_now_plus_skew_and_pre_2000_dates_are_first_seen():
    assert clamp_date(NOW + timedelta(days=1), NOW) == NOW + SKEW
    assert clamp_date(datetime(1970, 1, 1, tzinfo=UTC), NOW) == NOW
    assert clamp_date(NOW - timedelta(hours=1), NOW) == NOW - timedelta(hours=1)
    future = by_time(Mention("reddit", "t3_a", NOW + timedelta(days=1), "x"), NOW)
    assert future.mention.created_at == NOW + SKEW and future.position == (NOW + SKEW).timestamp()


def test_an_id_far_above_the_cursor_and_the_poll_median_is_implausible():
    assert implausible([10_000_000_001, 10**15, 10_000_000_002], 0, 10**10) == {10**15}
    assert implausible([10_000_000_001], 10_000_000_000, 10**10) == set()


def test_a_newest_first_scan_skips_one_old_item_and_stops_after_a_run_of_them():
    scan = NewestFirstScan(floor=100, run=3)
    assert [scan.is_old(p) for p in (150, 140, 0, 130)] == [False, False, True, False]
    assert not scan.done
    for p in (90, 80, 70):
        scan.is_old(p)
    assert scan.done


def test_a_version_1_time_cursor_carries_on_and_garbage_starts_from_the_lookback():
    v1 = json.dumps({"v": 1, "since": "2026-11-01T11:00:00+00:00", "seen": {"a": 1.0}})
    assert TimeCursor.parse(v1, NOW, timedelta(hours=24)).at == (NOW - timedelta(hours=1)).timestamp()
    for garbage in ("{", "[]", '{"at": "x"}', '{"since": "year 99999"}'):
        assert (
            TimeCursor.parse(garbage, NOW, timedelta(hours=24)).at == (NOW - timedelta(hours=24)).timestamp()
        )
    cursor = Cursor(5, {"a": 5}, True, 6, 1)
    assert TimeCursor.parse(TimeCursor.dump(cursor), NOW, timedelta(hours=1)) == cursor
