"""Digests: which periods are due at a local hour, what one says, and that each goes out once."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest

from repmon.adapters.memory_notices import (
    MemoryAlertLog,
    MemoryMuteStore,
    MemoryNoticeLedger,
    MemoryNoticePublisher,
)
from repmon.domain.brand import Brand
from repmon.domain.digest import DAILY, WEEKLY, due_periods
from repmon.domain.digest_text import sparkline
from repmon.domain.models import Reply, ScoredMention
from repmon.domain.mutes import Mute
from repmon.domain.notices import DIGEST, LoggedAlert
from repmon.services.digests import DigestDeps, send_digests
from tests.fakes import FixedClock, InMemoryMentionStore, scored_mention


def _brand(brand_id: str = "acme", **extra: object) -> Brand:
    return Brand.model_validate(
        {"id": brand_id, "name": brand_id.title() + " Air", "query": brand_id, **extra}
    )


PARIS = _brand(timezone="Europe/Paris", digest={"hour": 8, "weekly": True, "weekday": "monday"})


def test_given_a_paris_brand_when_its_local_hour_comes_then_the_24_hours_before_it_are_due():
    # 2026-11-02 is a Monday; 08:00 in Paris is 07:00 UTC in winter
    at = datetime(2026, 11, 2, 7, 0, tzinfo=UTC)
    daily, weekly = due_periods(PARIS, at)
    assert (daily.kind, daily.start, daily.end) == (DAILY, at - timedelta(days=1), at)
    assert daily.key == "digest#daily#2026-11-02"
    assert (weekly.kind, weekly.start, weekly.end) == (WEEKLY, at - timedelta(days=7), at)


def test_given_an_hour_before_or_long_after_the_local_hour_then_nothing_is_due():
    assert due_periods(PARIS, datetime(2026, 11, 2, 6, 59, tzinfo=UTC)) == []
    # still due while a failed run can be made up (12 hours), then not
    assert [p.kind for p in due_periods(PARIS, datetime(2026, 11, 2, 18, 59, tzinfo=UTC))] == [DAILY, WEEKLY]
    assert due_periods(PARIS, datetime(2026, 11, 2, 19, 0, tzinfo=UTC)) == []
    # Tuesday: the weekly one is Monday's only
    assert [p.kind for p in due_periods(PARIS, datetime(2026, 11, 3, 7, 0, tzinfo=UTC))] == [DAILY]


def test_given_the_day_clocks_go_forward_then_the_daily_period_has_23_hours():
    # Europe/Paris moves from +1 to +2 on 2026-03-29: 08:00 local is 06:00 UTC that day
    (daily, *_) = due_periods(PARIS, datetime(2026, 3, 29, 6, 0, tzinfo=UTC))
    assert daily.end == datetime(2026, 3, 29, 6, 0, tzinfo=UTC)
    assert daily.end - daily.start == timedelta(hours=23)


def test_sparkline_draws_the_0_to_100_scale_with_a_dot_for_a_day_with_nothing_scored():
    assert sparkline((0.0, 50.0, None, 100.0)) == "▁▅·█"


AT = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)


def _world(
    brands: list[Brand],
) -> tuple[InMemoryMentionStore, DigestDeps, MemoryNoticePublisher, MemoryNoticeLedger]:
    store = InMemoryMentionStore()
    publisher, ledger = MemoryNoticePublisher(), MemoryNoticeLedger(FixedClock(AT))
    alerts = MemoryAlertLog(
        [LoggedAlert("a1", "acme", "reputation_drop", "critical", AT - timedelta(hours=5), "index down 22")]
    )
    mute = Mute("acme", "volume_spike", AT + timedelta(hours=3), AT - timedelta(hours=1), by="ana")
    deps = DigestDeps(store, ledger, publisher, MemoryMuteStore([mute]), alerts)
    return store, deps, publisher, ledger


def test_given_a_day_of_mentions_when_the_digest_is_due_then_it_says_everything_once():
    acme = _brand(competitors=["zeta"], sources={"appstore": {"app_id": "123456789"}})
    zeta = _brand("zeta")
    store, deps, publisher, _ = _world([acme, zeta])
    angry = [
        scored_mention(
            "acme", AT - timedelta(hours=3), -0.8, 90 - n, text="flight cancelled, awful", handle=who
        )
        for n, who in enumerate(("ann", "bob", "cy"))
    ]
    mentions = [
        scored_mention("acme", AT - timedelta(hours=2), 0.5, 10, source="hackernews", text="great crew"),
        scored_mention("acme", AT - timedelta(days=3), 0.5, 10, source="appstore", text="great app"),
        *(scored_mention("zeta", AT - timedelta(hours=4), 0.5, 10, native_id=f"z{i}") for i in range(3)),
    ]
    store.save(mentions + angry)

    run = send_digests([acme, zeta], AT, deps)

    assert [n.brand_id for n in run.sent] == ["acme", "zeta"]
    digest = publisher.published[0]
    assert digest.kind == DIGEST and digest.rule == DAILY
    assert digest.subject.startswith("[DIGEST] Acme Air: Daily digest to 2026-11-02 - index ")
    text = digest.text
    assert "Mentions: 4, 3 negative (previous period 0)" in text
    assert "  Reddit: 3" in text and "  Hacker News: 1" in text
    assert "Share of voice:\n  Acme Air: 57% (4 mentions)\n  Zeta Air: 43% (3 mentions)" in text
    # the three identical complaints told once, under the most influential
    assert "Top complaints by influence:\n1. Reddit by u/ann | sentiment -0.80 | influence 90" in text
    assert "   posted 3 h ago, Mon 2 Nov 05:00 UTC | x3 similar" in text
    assert "u/bob" not in text
    assert "https://example.test/reddit/" in text
    assert "Top themes: flight cancelled (3 mentions)" in text
    assert "[critical] reputation_drop: index down 22" in text
    assert "Silent sources (no mention this period): App Store (1 in the last 7 days)" in text
    assert "rule volume_spike until Mon 2 Nov 11:00 UTC, by ana" in text
    assert "Trend, last 7 days: " in text
    assert digest.document["share_of_voice"] == {"acme": 4, "zeta": 3}


def test_given_a_retry_of_the_same_run_or_the_next_hour_then_no_digest_goes_out_twice():
    brand = _brand()
    _, deps, publisher, _ = _world([brand])
    send_digests([brand], AT, deps)
    send_digests([brand], AT, deps)
    send_digests([brand], AT + timedelta(hours=1), deps)
    assert len(publisher.published) == 1


def test_given_a_failed_publish_then_the_next_run_sends_it_under_the_same_id():
    brand = _brand()
    _, deps, publisher, ledger = _world([brand])
    publisher.fail_next = 1
    first = send_digests([brand], AT, deps)
    assert first.sent == () and "publish failed" in first.errors[0]
    assert ledger.state("acme", "digest#daily#2026-11-02").firing  # claimed, unsent

    later = send_digests([brand], AT + timedelta(hours=1), deps)
    assert [n.notice_id for n in later.sent] == [n.notice_id for n in publisher.published]
    assert len(publisher.published) == 1 and ledger.state("acme", "digest#daily#2026-11-02").sent


def test_given_a_live_claim_by_an_overlapping_run_then_this_run_does_not_send():
    brand = _brand()
    _, deps, publisher, ledger = _world([brand])
    ledger.lease = timedelta(minutes=6)
    publisher.fail_next = 1
    send_digests([brand], AT, deps)  # claimed at AT, publish failed: the claim is held for the lease
    assert send_digests([brand], AT, deps).sent == ()
    assert publisher.published == []


def test_given_one_brand_whose_reads_fail_then_the_others_still_get_their_digest():
    good, bad = _brand("good"), _brand("bad")
    store, deps, publisher, _ = _world([good, bad])

    def broken(brand_id: str, since: datetime, until: datetime) -> list:
        if brand_id == "bad":
            raise RuntimeError("throttled")
        return []

    store.hourly = broken  # type: ignore[method-assign]
    run = send_digests([bad, good], AT, deps)
    assert [n.brand_id for n in publisher.published] == ["good"]
    assert run.errors == ("bad: RuntimeError: throttled",)


@pytest.mark.parametrize("digest", [{"daily": False}, {"hour": 9}])
def test_given_no_daily_digest_or_another_hour_then_nothing_is_sent(digest):
    brand = _brand(digest=digest)
    _, deps, publisher, _ = _world([brand])
    send_digests([brand], AT, deps)
    assert publisher.published == []


def test_given_complaints_past_their_target_without_an_answer_then_the_digest_lists_them_oldest_first():
    # Given complaints on a source that shows the brand's replies: one answered, one unanswered for
    # 6 h (target 4 h), one for 2 h (not due yet), and one whose replies the source cannot show
    acme = _brand()
    store, deps, publisher, _ = _world([acme])

    def complaint(hours: float, nid: str, visible: bool = True, reply: Reply | None = None) -> ScoredMention:
        sm = scored_mention("acme", AT - timedelta(hours=hours), -0.7, 5, native_id=nid, text=f"no bag {nid}")
        mention = dataclasses.replace(sm.mention, replies_visible=visible, reply=reply)
        return dataclasses.replace(sm, mention=mention)

    store.save(
        [
            complaint(6, "late"),
            complaint(7, "answered", reply=Reply(AT - timedelta(hours=5))),
            complaint(2, "fresh"),
            complaint(9, "unknown", visible=False),
        ]
    )
    send_digests([acme], AT, deps)
    [digest] = publisher.published
    # Then only the one past its target is listed, with its link
    assert "Still unanswered past their response-time target (1, oldest first):" in digest.text
    assert "https://example.test/reddit/late" in digest.text
    assert [u["id"] for u in digest.document["unanswered"]] == ["reddit#late"]


def test_app_store_connect_is_not_silent_when_the_feed_stored_the_reviews_it_also_read():
    app = {"app_id": "123456789"}
    acme = _brand(sources={"appstore": app, "appstore_connect": app})
    store, deps, publisher, _ = _world([acme])
    # Every review of the day came first through the RSS feed (App Store Connect read the same ones)
    store.save([scored_mention("acme", AT - timedelta(hours=h), 0.5, source="appstore") for h in (2, 3)])
    send_digests([acme], AT, deps)
    [silent] = [line for line in publisher.published[0].text.splitlines() if line.startswith("Silent")]
    assert "Hacker News" in silent and "App Store" not in silent  # silent: only those truly so
