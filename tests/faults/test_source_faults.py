"""Source faults, parametrized over every source (a row of `conftest.DRIVERS` each): the real adapter
against the local fake platform over HTTP, through the real Collector into an in-memory store.

Invariant of every test: each well-formed item the platform serves is eventually stored exactly once
and counted once in its hour; each malformed or impossible one is skipped and counted; the cursor
never moves past an item it has not returned.

Lost mentions, before (the adapters on `http.Watermark` and praw listings) -> after (`domain.cursor`):

| fault                                       | reddit             | hackernews         | appstore           |
|---------------------------------------------|--------------------|--------------------|--------------------|
| 180 waiting, three empty pages while behind | 130 of 180 -> 0    | 130 of 180 -> 0    | 130 of 180 -> 0    |
| one item dated tomorrow, then 20 newer      | 20 of 41 -> 0      | 20 of 41 -> 0      | 0, dated tomorrow  |
| one item dated 1970 third in the listing    | 21 of 23 -> 0      | not served         | 0 -> 0             |
| one absurd id among 40                      | stored as is       | stored as is       | 20 of 40 -> 0      |
| five malformed children, one a page         | job fails (praw)   | job fails (OSError)| 8 of 40 -> 0       |

(Measured by running this file against the adapters of the commit before `domain.cursor`.)

And before -> after the cursor moved on evidence only (issue 11, second review; the commit before it):

| fault                                                | reddit          | hackernews      | appstore        |
|------------------------------------------------------|-----------------|-----------------|-----------------|
| 180 waiting, 5 or 10 empty pages while behind        | 130 of 180 -> 0 | 130 of 180 -> 0 | 0 -> 0          |
| three empty pages while caught up, 30 posted then    | 10 of 30 -> 0   | 10 of 30 -> 0   | 0 -> 0          |
| the resume item deleted while behind, 4 empty pages  | 79 of 179 -> 0  | (no delete)     | (no delete)     |
| one id 9e9 above 20 others, alone (12 digits)        | (not positions) | (not positions) | 20 of 40 -> 0   |

Feeds lost none of these before either (a 12-hour overlap); Bluesky as Reddit in the first two.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from repmon.domain.cursor import SKEW
from repmon.localstack.fakes.server import SourceWorld
from tests.faults.conftest import LIMIT, Driver, Harness


def _add(h: Harness, count: int, *, start_minutes_ago: float, step_seconds: float = 20) -> list[str]:
    start = h.world.now - timedelta(minutes=start_minutes_ago)
    return [
        h.driver.add(h.world, start + timedelta(seconds=step_seconds * i), len(h.world.requests) * 1000 + i)
        for i in range(count)
    ]


def _assert_all_stored_once(h: Harness, expected: list[str]) -> None:
    assert h.stored() == sorted(expected), f"lost: {len(set(expected) - set(h.stored()))} of {len(expected)}"
    assert h.counted() == len(expected)  # each counted once in its hour


@pytest.mark.parametrize("empties", [3, 5, 10])
def test_an_empty_page_while_behind_never_moves_the_cursor_past_the_backlog(
    harness: Harness, empties: int
) -> None:
    # Given 180 items waiting and a per-run limit of 50: the first poll stops at the limit
    ids = _add(harness, 180, start_minutes_ago=120)
    harness.poll()
    assert harness.pages[-1].truncated and len(harness.pages[-1].mentions) == LIMIT
    # When the next polls (15 minutes apart: up to a 150-minute hiccup) get a well-formed, empty page
    harness.world.empty_next(empties, path=harness.driver.path)
    harness.poll(empties)
    # Then the cursor waits and says so at every one of them, and the polls after it read the backlog
    assert all(any("position held" in e for e in p.errors) for p in harness.pages[1:])
    harness.poll(5)
    _assert_all_stored_once(harness, ids)


def test_empty_pages_while_caught_up_do_not_move_the_cursor_past_what_was_posted(harness: Harness) -> None:
    # Given a source read to the end
    harness.poll()
    # When three polls in a row get a well-formed, empty page while items keep being posted
    harness.world.empty_next(3, path=harness.driver.path)
    ids: list[str] = []
    for _ in range(3):
        ids += _add(harness, 10, start_minutes_ago=14, step_seconds=60)
        harness.poll()
    # Then the polls after the hiccup read everything posted during it
    harness.poll(4)
    _assert_all_stored_once(harness, ids)


def test_a_deleted_resume_item_while_behind_loses_nothing(
    delete: Callable[[SourceWorld, str], None], harness: Harness
) -> None:
    ids = _add(harness, 180, start_minutes_ago=120)
    harness.poll()
    # The first item the poll left (where the next one resumes) is deleted, then the listing hiccups
    delete(harness.world, ids[LIMIT])
    del ids[LIMIT]
    harness.poll()
    harness.world.empty_next(4, path=harness.driver.path)
    harness.poll(4)
    harness.poll(5)
    _assert_all_stored_once(harness, ids)


def test_an_item_dated_tomorrow_does_not_carry_the_cursor_past_later_items(harness: Harness) -> None:
    ids = _add(harness, 20, start_minutes_ago=60)
    tomorrow = (harness.world.now + timedelta(days=1)).timestamp()
    ids += [harness.driver.add(harness.world, harness.world.now, 999, reported=tomorrow)]
    first_poll = harness.world.now
    harness.poll()
    later = _add(harness, 20, start_minutes_ago=14, step_seconds=30)
    harness.poll(4)
    _assert_all_stored_once(harness, ids + later)
    # Stored dated no later than the poll that found it plus the documented skew (5 minutes)
    stored = {k.split("#", 1)[1]: sm.mention.created_at for (_, k), sm in harness.store.items.items()}
    assert stored[ids[-1]] <= first_poll + SKEW


def test_an_item_dated_1970_neither_stops_the_scan_nor_is_lost(harness: Harness) -> None:
    ids = _add(harness, 20, start_minutes_ago=60)
    old = harness.driver.add(harness.world, harness.world.now - timedelta(minutes=1), 998, reported=0.0)
    # The newest-first listing: two items newer than the misdated one, which sits third
    newer = _add(harness, 2, start_minutes_ago=0.5, step_seconds=1)
    harness.poll(3)
    expected = ids + newer + ([old] if harness.driver.serves_1970 else [])
    _assert_all_stored_once(harness, expected)


@pytest.fixture
def lone_id(driver: Driver) -> Callable[[int], dict[str, Any]]:
    """Skips, before the fake platform starts, a source whose ids are not its positions."""
    if driver.lone_id is None:
        pytest.skip(f"{driver.name} ids are not its positions")
    return driver.lone_id


@pytest.fixture
def delete(driver: Driver) -> Callable[[SourceWorld, str], None]:
    if driver.delete is None:
        pytest.skip(f"the {driver.name} fake cannot delete an item")
    return driver.delete


@pytest.mark.parametrize("kind", ["absurd", "lone"])
def test_an_absurd_id_is_rejected_and_does_not_stall_the_source(
    request: pytest.FixtureRequest, driver: Driver, kind: str
) -> None:
    # "lone": an id of a real id's size, far above the rest and alone (App Store: 9e9 above)
    make = request.getfixturevalue("lone_id") if kind == "lone" else driver.absurd_id
    harness: Harness = request.getfixturevalue("harness")
    ids = _add(harness, 20, start_minutes_ago=60)
    harness.driver.add(harness.world, harness.world.now, 997, **make(1))
    harness.poll()
    later = _add(harness, 20, start_minutes_ago=14, step_seconds=30)
    harness.poll(4)
    _assert_all_stored_once(harness, ids + later)
    assert harness.skipped >= 1


def test_malformed_children_inside_a_listing_are_skipped_and_the_rest_kept(harness: Harness) -> None:
    ids = _add(harness, 30, start_minutes_ago=60)
    for child in harness.driver.malformed:
        harness.world.malform_next(harness.driver.path, child)
    harness.poll()
    for i in range(len(harness.driver.malformed)):
        ids += _add(harness, 2, start_minutes_ago=10 - i, step_seconds=10)
        harness.poll()
    harness.poll(2)
    _assert_all_stored_once(harness, ids)
    assert harness.skipped == len(harness.driver.malformed)
