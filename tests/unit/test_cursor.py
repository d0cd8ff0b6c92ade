"""domain.cursor: the rules every source's cursor follows, on plain numbers (the fault suite drives them
through real adapters in tests/faults)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from repmon.domain.cursor import (
    MAX_HOLD,
    SKEW,
    Candidate,
    Cursor,
    NewestFirstScan,
    Served,
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


def test_a_backlog_is_held_for_max_hold_whatever_the_number_of_empty_polls_and_said_each_poll():
    hold = MAX_HOLD.total_seconds()
    cursor = Cursor(0).advance(_items(*range(1, 11)), limit=4, overlap=0, now=0).cursor
    for minute in range(0, int(hold) // 60, 15):  # a poll every 15 minutes for 24 hours
        step = cursor.advance([], limit=4, overlap=0, settled=100, now=minute * 60.0)
        cursor = step.cursor
        assert (cursor.at, cursor.behind) == (4, True) and "position held" in step.notes[0]
    last = cursor.advance([], limit=4, overlap=0, now=hold)
    assert not last.cursor.behind and "taken as deleted" in last.notes[0]


def test_a_deleted_resume_item_does_not_hold_the_cursor():
    behind = Cursor(0).advance(_items(*range(1, 11)), limit=4, overlap=0, now=0).cursor
    assert behind.resume == 5
    # 5 is gone; the listing still shows the last item returned (4), so it reaches the backlog
    step = behind.advance(_items(4, 6, 7, 8, 9, 10), limit=4, overlap=0, now=900)
    assert not step.notes and step.cursor.at == 9 and step.cursor.held_since is None


def test_an_empty_page_while_caught_up_does_not_move_the_cursor():
    caught_up = Cursor(50, {"a": 50})
    assert caught_up.advance([], limit=4, overlap=10, settled=1000).cursor.at == 50
    # A quiet stream moves on evidence: to the newest item the listing served, at most `settled`
    quiet = caught_up.advance([], limit=4, overlap=10, settled=1000, served=Served(30, 700))
    assert quiet.cursor.at == 700
    assert caught_up.advance([], limit=4, overlap=10, settled=600, served=Served(30, 700)).cursor.at == 600


def test_dates_are_clamped_to_now_plus_skew_and_pre_2000_dates_are_first_seen():
    assert clamp_date(NOW + timedelta(days=1), NOW) == NOW + SKEW
    assert clamp_date(datetime(1970, 1, 1, tzinfo=UTC), NOW) == NOW
    assert clamp_date(NOW - timedelta(hours=1), NOW) == NOW - timedelta(hours=1)
    future = by_time(Mention("reddit", "t3_a", NOW + timedelta(days=1), "x"), NOW)
    assert future.mention.created_at == NOW + SKEW and future.position == (NOW + SKEW).timestamp()


def test_an_id_the_ids_below_do_not_support_at_the_page_id_rate_is_implausible():
    # Ids about 48 a second (Apple's rate), a review every 10 minutes for 10 hours
    page = [(10_000_000_000 + 48 * 600 * i, 600.0 * i) for i in range(60)]
    end = page[-1]
    assert implausible([*page, (10**15, end[1] + 60)]) == {10**15}
    # 9e9 above (6 years of ids) a minute after the rest: plausible in size, but alone
    assert implausible([*page, (end[0] + 9 * 10**9, end[1] + 60)]) == {end[0] + 9 * 10**9}
    # A real review after three quiet months, and one a minute later: kept
    months = 90 * 86400.0
    real = [(end[0] + 48 * months, end[1] + months), (end[0] + 48 * (months + 60), end[1] + months + 60)]
    assert implausible([*page, *real]) == set()
    # An old review edited today (a late date, a low id) right below a new one does not reject it
    assert implausible([*page[:-1], (page[-1][0], end[1] + months), real[0]]) == set()
    # A poll with one new item is judged against the old ones the scan read past the cursor
    assert implausible([*page[-26:], (end[0] + 9 * 10**9, end[1] + 60)]) == {end[0] + 9 * 10**9}


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
    cursor = Cursor(5, {"a": 5}, True, 6, 1_790_000_000.0)
    assert TimeCursor.parse(TimeCursor.dump(cursor), NOW, timedelta(hours=1)) == cursor
