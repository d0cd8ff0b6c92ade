"""Backtest input may carry `own` and `reply_to`: own posts are replayed as the brand's own (not counted)
and a reply answers its parent in the replay's store, so the reply rules can be replayed."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from repmon.cli import replay
from repmon.cli.backtest_spill import SpillWriter
from repmon.domain.brand import Brand
from repmon.domain.models import Reply
from repmon.domain.replies import status_of
from repmon.runtime.mention_lines import LineError, MentionRecord, read_mention_lines

T0 = datetime(2026, 11, 2, 9, tzinfo=UTC)
BRAND = Brand.model_validate(
    {"id": "acme", "name": "Acme", "query": "acme", "sources": {"hackernews": {"own_accounts": ["AcmeHelp"]}}}
)


def line(n: int, minutes: int, text: str, **extra: object) -> str:
    at = (T0 + timedelta(minutes=minutes)).isoformat().replace("+00:00", "Z")
    return json.dumps(
        {"source": "hackernews", "id": f"t1_{n}", "brand": "acme", "created_at": at, "text": text} | extra
    )


def test_own_and_reply_to_are_read_and_checked() -> None:
    [own, bad] = read_mention_lines(
        [line(1, 0, "sorry!", own=True, reply_to="t3_a"), line(2, 0, "x", own="maybe")]
    )
    assert isinstance(own, MentionRecord) and own.mention.own and own.mention.parent_id == "t3_a"
    assert isinstance(bad, LineError) and bad.message.startswith("own")


def test_a_replayed_reply_answers_its_parent_and_the_own_post_is_not_counted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = [
        line(0, 0, "acme lost my bag, awful"),
        line(1, 45, "So sorry, DM us", reply_to="t1_0", own=True),
        line(2, 50, "acme app is down", author={"handle": "bob"}),
    ]
    writer = SpillWriter(tmp_path)
    for record in read_mention_lines(lines):
        assert isinstance(record, MentionRecord)
        writer.add(record.brand_id, record.mention)
    spill = writer.flush()
    settings: list[replay._Setting] = []
    real = replay._Setting

    def keep(brand: Brand, clock: replay.ManualClock) -> replay._Setting:
        settings.append(real(brand, clock))
        return settings[-1]

    monkeypatch.setattr(replay, "_Setting", keep)
    task = replay.BrandTask(
        "acme", (BRAND.model_dump_json(),), spill, T0, T0 + timedelta(hours=2), timedelta(minutes=15)
    )
    replay.replay_brand(task)
    store = settings[0].store
    parent = store.items[("acme", "hackernews#t1_0")].mention
    assert parent.reply == Reply(T0 + timedelta(minutes=45), "") and status_of(parent) == "replied"
    assert status_of(store.items[("acme", "hackernews#t1_2")].mention) == "unanswered"
    assert status_of(store.items[("acme", "hackernews#t1_1")].mention) == "own"
    assert sum(h.mentions for h in store.hourly("acme", T0, T0 + timedelta(hours=2))) == 2
