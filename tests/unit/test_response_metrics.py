"""Reply rate and time to first reply, per source and week, overall and for complaints."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from repmon.domain.models import Reply
from repmon.domain.response_metrics import ResponseRow, nearest_rank, response_metrics
from tests.fakes import scored_mention

MON = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)  # a Monday


def mention(
    n: int, minutes: float | None, *, score: float = -0.6, source: str = "reddit", visible: bool = True
):
    sm = scored_mention("acme", MON + timedelta(hours=n), score, native_id=f"m{n}", source=source)
    reply = Reply(sm.mention.created_at + timedelta(minutes=minutes)) if minutes is not None else None
    return replace(sm, mention=replace(sm.mention, reply=reply, replies_visible=visible))


def test_nearest_rank_is_the_smallest_value_with_that_share_at_or_under_it() -> None:
    assert nearest_rank([], 0.5) is None
    assert nearest_rank([7.0], 0.9) == 7.0
    assert nearest_rank([1.0, 2.0, 3.0, 4.0], 0.5) == 2.0
    assert nearest_rank([float(v) for v in range(1, 11)], 0.9) == 9.0
    assert nearest_rank([float(v) for v in range(1, 12)], 0.9) == 10.0


def test_rate_median_and_p90_per_source_and_scope_leave_unknown_and_own_out() -> None:
    rows = response_metrics(
        [
            mention(0, 30),
            mention(1, 90),
            mention(2, None),  # unanswered complaint
            mention(3, 10, score=0.5),  # a positive mention answered: in "all", not in complaints
            mention(4, None, visible=False),  # reply unknown: not answerable, never lowers the rate
            replace(mention(5, None), mention=replace(mention(5, None).mention, own=True)),
            mention(6, -5, source="hackernews"),  # a reply dated before the post: zero minutes
        ]
    )
    by = {(r.source, r.scope): r for r in rows}
    assert by[("reddit", "complaints")] == ResponseRow(
        "reddit", date(2026, 11, 2), "complaints", 3, 2, 30.0, 90.0
    )
    assert by[("reddit", "all")] == ResponseRow("reddit", date(2026, 11, 2), "all", 4, 3, 30.0, 90.0)
    assert by[("hackernews", "all")].median_minutes == 0.0
    assert by[("all", "all")].mentions == 5 and by[("all", "all")].replied == 4
    assert round(by[("reddit", "complaints")].reply_rate, 4) == 0.6667


def test_weeks_start_on_monday_utc() -> None:
    sunday_night = replace(
        mention(0, 5), mention=replace(mention(0, 5).mention, created_at=MON - timedelta(hours=10))
    )
    weeks = {r.week for r in response_metrics([sunday_night, mention(1, 5)])}
    assert weeks == {date(2026, 10, 26), date(2026, 11, 2)}
