"""The export's `reply_status` and `customer_tier`: analysts never mistake "reply unknown" for unanswered."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from repmon.adapters.dynamo_items import mention_to_item
from repmon.domain import flat
from repmon.domain.models import Mention, Reply, ScoredMention, Sentiment

T0 = datetime(2026, 11, 1, 12, tzinfo=UTC)


@pytest.mark.parametrize(
    ("fields", "status"),
    [
        ({"own": True, "replies_visible": False}, "own"),
        ({"reply": Reply(T0, "https://x.example/r"), "replies_visible": True}, "replied"),
        ({"reply": Reply(T0), "replies_visible": False}, "replied"),  # a review's response: seen
        ({"replies_visible": True}, "unanswered"),
        ({}, "unknown"),
    ],
)
def test_each_stored_mention_exports_its_reply_status(fields: dict[str, object], status: str) -> None:
    mention = Mention("reddit", "t3_a", T0, "acme lost my bag", **fields)  # type: ignore[arg-type]
    item = mention_to_item(ScoredMention("acme", mention, Sentiment("negative", -0.8), 10.0), T0)
    row = flat.mention_row(item)
    assert row["reply_status"] == status
    assert list(row) == list(flat.COLUMNS["mentions"])


def test_the_customer_tier_is_exported_and_absent_is_null() -> None:
    tiered = Mention("bluesky", "at://x", T0, "acme", customer_tier="vip")
    item = mention_to_item(ScoredMention("acme", tiered, Sentiment("neutral", 0.0), 10.0), T0)
    assert flat.mention_row(item)["customer_tier"] == "vip"
    plain = mention_to_item(
        ScoredMention("acme", Mention("bluesky", "at://y", T0, "acme"), Sentiment("neutral", 0.0), 1.0), T0
    )
    assert flat.mention_row(plain)["customer_tier"] is None
