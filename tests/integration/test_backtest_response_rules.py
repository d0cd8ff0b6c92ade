"""`repmon backtest` replays the review and response rules from the input's own fields: a 1-star
`rating` fires low_rating_review; a complaint with no `reply_to` answer for 4 hours fires
unanswered_complaint (so does a review without the owner's response); one answered within the hour
by an `own` post with `reply_to` does not."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from repmon.cli.main import main

START = datetime(2026, 10, 1, 8, tzinfo=UTC)


def _line(nid: str, at: datetime, text: str, **extra: object) -> str:
    when = at.isoformat().replace("+00:00", "Z")
    base = {"source": "reddit", "id": nid, "brand": "acme", "created_at": when, "text": text}
    return json.dumps(base | {"author": {"id": nid, "handle": f"user_{nid}"}} | extra)


def test_reviews_complaints_and_replies_replay(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    lines = [
        _line("t3_late", START, "Acme lost my bag and nobody helps, awful"),
        _line("t3_fast", START + timedelta(minutes=10), "Acme cancelled my flight, terrible service"),
        _line("t1_ans", START + timedelta(minutes=30), "So sorry, DM us", own=True, reply_to="t3_fast"),
        _line(
            "rev1",
            START + timedelta(hours=1),
            "Rude staff, never again",
            source="tripadvisor",
            rating=1,
            location_id="h1",
            location_name="Acme Paris",
        ),
        _line("t3_end", START + timedelta(hours=7), "Acme is fine today"),
    ]
    mentions = tmp_path / "mentions.jsonl"
    mentions.write_text("\n".join(lines) + "\n")
    brands = tmp_path / "brands.yaml"
    brands.write_text(
        "brands:\n  - id: acme\n    name: Acme\n    query: acme\n"
        "    sources: {reddit: {own_accounts: [user_t1_ans]}}\n"
        # The review's incident stays open through the afternoon, so the complaints fold into it (an
        # unanswered complaint with no incident open waits for the digest instead)
        "    incidents: {settle: 6h}\n"
    )
    assert main(["backtest", "--mentions", str(mentions), "--brands", str(brands)]) == 0
    fired = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith("{")]
    rules = [(f["rule"], f["time"]) for f in fired]
    assert ("low_rating_review", "2026-10-01T09:05:00Z") in rules
    # t3_late at 12:00 and the review (no owner response) at 13:00; t3_fast, answered, never
    assert [t for r, t in rules if r == "unanswered_complaint"] == [
        "2026-10-01T12:00:00Z",
        "2026-10-01T13:00:00Z",
    ]
