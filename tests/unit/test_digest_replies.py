"""The digest's reply figures and locations block (issues 15 and 16): domain, text and service."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from repmon.adapters.memory_notices import (
    MemoryAlertLog,
    MemoryMuteStore,
    MemoryNoticeLedger,
    MemoryNoticePublisher,
)
from repmon.domain.brand import Brand
from repmon.domain.digest_replies import (
    ALL_SOURCES,
    ReplyGroup,
    ReplyReport,
    duration,
    location_stars,
    reply_report,
)
from repmon.domain.digest_replies_text import reply_lines
from repmon.domain.models import Reply, ScoredMention
from repmon.domain.response_metrics import ReplyFigures
from repmon.services.digests import DigestDeps, send_digests
from tests.fakes import FixedClock, InMemoryMentionStore, scored_mention

README = Path(__file__).resolve().parents[2] / "README.md"
AT = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)
BRAND = Brand.model_validate({"id": "acme", "name": "Acme Air", "query": "acme"})


def post(
    n: int,
    reply_after: float | None = None,
    *,
    score: float = -0.6,
    source: str = "reddit",
    visible: bool = True,
    location: str = "",
    rating: int | None = None,
    tier: str = "",
) -> ScoredMention:
    """A mention posted n hours before AT, answered `reply_after` minutes later (None: not answered)."""
    sm = scored_mention("acme", AT - timedelta(hours=n), score, 10, native_id=f"{source}{n}", source=source)
    reply = Reply(sm.mention.created_at + timedelta(minutes=reply_after)) if reply_after is not None else None
    mention = replace(
        sm.mention,
        reply=reply,
        replies_visible=visible,
        location_id=location.lower().replace(" ", "-"),
        location_name=location,
        rating=rating,
        customer_tier=tier,
    )
    return replace(sm, mention=mention)


def test_durations_read_as_people_say_them() -> None:
    assert [duration(m) for m in (0, 25, 60, 130, 47 * 60 + 59, 50 * 60)] == [
        "0 min",
        "25 min",
        "1 h",
        "2 h 10 min",
        "47 h 59 min",
        "2 days 2 h",
    ]


def test_reply_figures_overall_and_per_source_leave_reply_unknown_out_and_say_so() -> None:
    # Given three answerable Reddit mentions (answered after 30 and 90 min, one not) and a positive
    # answered one, plus Hacker News mentions whose replies the brand cannot see
    report = reply_report(
        BRAND,
        [
            post(1, 30),
            post(2, 90),
            post(3),
            post(4, 10, score=0.5),
            post(5, source="hackernews", visible=False),
            post(6, source="hackernews", visible=False),
        ],
    )
    # Then overall and Reddit count only the answerable ones, complaints apart
    overall, reddit = report.groups
    assert (overall.label, overall.all.mentions, overall.all.replied) == ("All sources", 4, 3)
    assert (overall.all.median_minutes, overall.all.p90_minutes) == (30, 90)
    assert (overall.complaints.mentions, overall.complaints.replied) == (3, 2)
    assert (reddit.label, reddit.all.mentions) == ("Reddit", 4)
    # and Hacker News is "reply unknown", never unanswered
    assert report.unknown == (("hackernews", 2),)


def test_a_review_site_with_several_locations_gets_a_line_per_location() -> None:
    report = reply_report(
        BRAND,
        [
            post(1, 60, source="trustpilot", location="Paris Opera", rating=2),
            post(2, source="trustpilot", location="Paris Opera", rating=1),
            post(3, 120, source="trustpilot", location="Lyon", rating=5, score=0.6),
            post(4, 30, source="appstore", rating=4, score=0.5),
        ],
    )
    labels = [(g.source, g.label, g.all.mentions, g.all.replied) for g in report.groups]
    assert labels == [
        ("", "All sources", 4, 3),
        ("trustpilot", "Trustpilot", 3, 2),
        ("trustpilot", "Paris Opera", 2, 1),
        ("trustpilot", "Lyon", 1, 1),
        ("appstore", "App Store", 1, 1),
    ]


def test_reviews_of_a_place_the_brand_does_not_manage_are_not_its_to_answer() -> None:
    place = "ChIJ2eUgeAK6j4ARbn5u_wAGqWA"
    brand = Brand.model_validate(
        {
            "id": "acme",
            "name": "Acme Air",
            "query": "acme",
            "sources": {"google": {"places": {place: "Zeta Hub"}}},
        }
    )
    theirs = post(1, source="google", location="Zeta Hub", rating=1)
    theirs = replace(theirs, mention=replace(theirs.mention, location_id=place))
    report = reply_report(brand, [theirs, post(2, 5, source="google", location="Acme Hub", rating=2)])
    assert [(g.label, g.all.mentions) for g in report.groups] == [("All sources", 1), ("Google", 1)]
    assert [s.label for s in location_stars(brand, [theirs])] == []


def test_no_answerable_mention_gives_no_figures() -> None:
    report = reply_report(BRAND, [post(1, source="hackernews", visible=False)])
    assert report.groups == () and report.unknown == (("hackernews", 1),)


def test_locations_give_reviews_average_stars_and_low_star_count() -> None:
    stars = location_stars(
        BRAND,
        [
            post(1, source="trustpilot", location="Paris Opera", rating=1),
            post(2, source="trustpilot", location="Paris Opera", rating=2),
            post(3, source="trustpilot", location="Paris Opera", rating=5),
            post(4, source="google", location="Lyon", rating=4),
            post(5, source="reddit"),  # no rating: not a review
            replace(
                own := post(6, source="google", location="Lyon", rating=5),
                mention=replace(own.mention, own=True),
            ),
        ],
    )
    shown = [(s.label, s.reviews, round(s.average, 2), s.low) for s in stars]
    assert shown == [("Trustpilot, Paris Opera", 3, 2.67, 2), ("Google, Lyon", 1, 4.0, 0)]


def _send(brand: Brand, mentions: list[ScoredMention]) -> MemoryNoticePublisher:
    store = InMemoryMentionStore()
    store.save(mentions)
    publisher = MemoryNoticePublisher()
    deps = DigestDeps(
        store, MemoryNoticeLedger(FixedClock(AT)), publisher, MemoryMuteStore([]), MemoryAlertLog([])
    )
    send_digests([brand], AT, deps)
    return publisher


def test_the_digest_shows_replies_locations_and_customer_tiers_read_through_the_store() -> None:
    # Given a day with answered and unanswered reviews at two Trustpilot locations, a VIP's
    # complaint on Bluesky, Hacker News mentions, and a review from before the period
    mentions = [
        post(1, 60, source="trustpilot", location="Paris Opera", rating=2),
        post(2, source="trustpilot", location="Paris Opera", rating=1),
        post(3, 150, source="trustpilot", location="Lyon", rating=5, score=0.6),
        post(4, source="bluesky", tier="vip"),
        post(5, source="hackernews", visible=False),
        post(30, 5, source="trustpilot", location="Lyon", rating=1),
    ]
    [digest] = _send(BRAND, mentions).published
    text = digest.text
    # Then the reply block: overall, per source and per location, complaints apart, unknown noted
    # (the README's sample, verbatim)
    readme = README.read_text(encoding="utf-8").split("From `tests/unit/test_digest_replies.py`'s day:", 1)[1]
    assert "\n" + readme.split("```\n", 2)[1] in text
    assert (
        "\nYour replies (answered of those that can be answered; time to first reply):\n"
        "  All sources: 2 of 4 answered (50%), median 1 h, 90% within 2 h 30 min\n"
        "    complaints: 1 of 3 (33%), median 1 h, 90% within 1 h\n"
        "  Trustpilot: 2 of 3 answered (67%), median 1 h, 90% within 2 h 30 min\n"
        "    complaints: 1 of 2 (50%), median 1 h, 90% within 1 h\n"
        "    Paris Opera: 1 of 2 answered (50%), median 1 h, 90% within 1 h\n"
        "    Lyon: 1 of 1 answered (100%), median 2 h 30 min, 90% within 2 h 30 min\n"
        "  Bluesky: 0 of 1 answered (0%)\n"
        "    complaints: 0 of 1 (0%)\n"
        "  Not counted (your replies cannot be seen there): Hacker News (1)\n"
    ) in text
    # and the locations block
    assert (
        "\nReviews by location:\n"
        "  Trustpilot, Paris Opera: 2 reviews, average 1.5 stars, 2 at 1-2 stars\n"
        "  Trustpilot, Lyon: 1 review, average 5.0 stars, 0 at 1-2 stars\n"
    ) in text
    # and the VIP's tier beside her name in the top complaints
    assert "Bluesky by @someone (VIP customer) | sentiment" in text
    doc = digest.document
    assert doc["replies"]["groups"][0] == {
        "source": "all",
        "location_id": "",
        "location": "",
        "mentions": 4,
        "replied": 2,
        "median_minutes": 60.0,
        "p90_minutes": 150.0,
        "complaints": {"mentions": 3, "replied": 1, "median_minutes": 60.0, "p90_minutes": 60.0},
    }
    assert doc["replies"]["reply_unknown"] == {"hackernews": 1}
    assert doc["locations"][0] == {
        "source": "trustpilot",
        "location_id": "paris-opera",
        "location": "Paris Opera",
        "reviews": 2,
        "average_stars": 1.5,
        "low_stars": 2,
    }
    tiers = {c["id"]: c["customer_tier"] for c in doc["complaints"]}
    assert tiers["bluesky#bluesky4"] == "vip" and tiers["trustpilot#trustpilot2"] is None


def test_a_brand_without_answerable_mentions_or_reviews_gets_neither_block() -> None:
    [digest] = _send(BRAND, [post(1, source="hackernews", visible=False)]).published
    assert "Your replies" not in digest.text and "by location" not in digest.text
    assert digest.document["replies"]["groups"] == [] and digest.document["locations"] == []


def test_an_email_names_a_known_customers_tier_beside_the_author() -> None:
    from repmon.domain.email_mentions import mention_lines

    assert mention_lines(1, post(1, source="bluesky", tier="churn-risk"))[0].startswith(
        "1. Bluesky by @someone (churn-risk customer) | sentiment -0.60"
    )
    assert mention_lines(1, post(1, source="bluesky"))[0].startswith("1. Bluesky by @someone | sentiment")


def test_a_rate_short_of_all_or_above_none_never_rounds_to_100_or_0_percent():
    def line(replied: int, mentions: int) -> str:
        figures = ReplyFigures(mentions, replied, None, None)
        report = ReplyReport((ReplyGroup("", "", ALL_SOURCES, figures, ReplyFigures(0, 0, None, None)),))
        return reply_lines(report)[2]

    # One complaint of 200 left unanswered is not "100%"; one answer of 300 is not "0%"
    assert line(199, 200) == "  All sources: 199 of 200 answered (>99%)"
    assert line(1, 300) == "  All sources: 1 of 300 answered (<1%)"
    assert (line(200, 200), line(0, 300), line(2, 3)) == (
        "  All sources: 200 of 200 answered (100%)",
        "  All sources: 0 of 300 answered (0%)",
        "  All sources: 2 of 3 answered (67%)",
    )


def test_a_source_counted_for_some_mentions_says_the_rest_are_more_not_a_second_count() -> None:
    # Google reviews of the brand's own locations show its replies; those of places it only watches
    # (a competitor's desk) do not. Before: "Google: 1 of 1 answered" above "Not counted: Google (2)".
    mentions = [
        post(1, 60, source="google", location="JFK desk", rating=1),
        post(2, source="google", location="Rival desk", rating=1, visible=False),
        post(3, source="google", location="Rival desk", rating=2, visible=False),
        post(4, source="hackernews", visible=False),
    ]
    text = _send(BRAND, mentions).published[0].text
    assert "  Google: 1 of 1 answered (100%), median 1 h, 90% within 1 h\n" in text
    not_counted = next(line for line in text.splitlines() if line.startswith("  Not counted"))
    assert "Google (2 more)" in not_counted and "Hacker News (1)" in not_counted
