"""The review and response rules through the evaluator, on in-memory fakes: each review or complaint
announced once whatever the retries, folded into the brand's incident; a reply closes a complaint;
a rating drop fires once per crossing and re-arms on recovery."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta

from repmon.domain.brand import Brand
from repmon.domain.email import render_subject, render_text
from repmon.domain.models import Reply, ScoredMention
from repmon.domain.replies import ReplyLink
from repmon.domain.response_rules import LOW_RATING_REVIEW, RATING_DROP, UNANSWERED_COMPLAINT
from tests.fakes import scored_mention
from tests.unit.test_evaluate import AT, MIN5, World, fired

H = timedelta(hours=1)


def _brand(**thresholds: object) -> Brand:
    return Brand.model_validate(
        {"id": "acme", "name": "Acme Air", "query": '"acme air"', "thresholds": thresholds}
    )


def review(
    at: datetime, stars: int, nid: str, *, text: str = "late again", loc: str = "paris"
) -> ScoredMention:
    sm = scored_mention("acme", at, -0.6 if stars <= 2 else 0.5, 10, native_id=nid, source="trustpilot")
    m = dataclasses.replace(
        sm.mention, rating=stars, text=text, location_id=loc, location_name=f"Acme {loc.title()}"
    )
    return dataclasses.replace(sm, mention=m)


def complaint(at: datetime, nid: str, influence: float = 10.0) -> ScoredMention:
    sm = scored_mention("acme", at, -0.6, influence, native_id=nid, text=f"acme air lost my bag {nid}")
    return dataclasses.replace(sm, mention=dataclasses.replace(sm.mention, replies_visible=True))


def test_a_one_star_review_is_emailed_once_with_site_location_and_link_whatever_the_retries():
    # Given a 1-star review and a 4-star one of the brand's Paris location
    world = World(_brand(), baseline=False)
    world.store.save([review(AT - MIN5, 1, "r1"), review(AT - MIN5, 4, "r2")])
    # When the evaluator runs, is retried at the same time, and runs again later
    runs = [world.run(AT), world.run(AT), world.run(AT + MIN5)]
    # Then one firing, one email (the incident's opening) naming site, location, stars and link
    assert fired(*runs) == [LOW_RATING_REVIEW]
    [email] = world.publisher.published
    text = render_text(email)
    assert email.rule == LOW_RATING_REVIEW and email.incident and email.incident.status == "OPEN"
    assert text.startswith("OPEN | WARNING | 1-star review on Trustpilot, Acme Paris\n")
    assert 'A 1-star review of Acme Air on Trustpilot, Acme Paris by someone: "late again"\n' in text
    assert "https://example.test/trustpilot/r1" in text
    assert render_subject(email).startswith("[repmon] Acme Air: reputation incident")


def test_a_publish_failure_sends_the_review_email_on_the_next_run_under_the_same_id():
    world = World(_brand(), baseline=False)
    world.store.save([review(AT - MIN5, 2, "r1")])
    world.publisher.fail_next = 1
    first = world.run(AT)
    assert first.errors and world.publisher.published == []
    world.run(AT + MIN5)
    world.run(AT + 2 * MIN5)
    assert [e.rule for e in world.publisher.published] == [LOW_RATING_REVIEW]


def test_low_rating_review_options_text_only_and_locations():
    world = World(_brand(low_rating_review={"with_text_only": True, "locations": ["lyon"]}), baseline=False)
    world.store.save(
        [
            review(AT - MIN5, 1, "paris", loc="paris"),
            review(AT - MIN5, 1, "lyon-empty", loc="lyon", text=""),
            review(AT - MIN5, 2, "lyon", loc="lyon"),
            review(AT - MIN5, 3, "lyon-3", loc="lyon"),
        ]
    )
    world.run(AT)
    [email] = world.publisher.published
    assert [sm.mention.native_id for sm in email.top_mentions] == ["lyon"]


def test_an_old_review_read_late_is_not_instant_news():
    world = World(_brand(), baseline=False)
    world.store.save([review(AT - 3 * 24 * H, 1, "old")])
    assert fired(world.run(AT)) == []


def test_an_unanswered_complaint_with_no_incident_open_is_left_for_the_digest_not_emailed():
    # Given a complaint at 12:00 on a source that shows the brand's replies (target 4 h), and no
    # incident open: a late answer is the brand's routine, not an alarm (issue 16: "listed in the
    # digest otherwise")
    world = World(_brand(), baseline=False)
    world.store.save([complaint(AT, "c1")])
    # When the evaluator runs every 5 minutes until 16:30, retried each time
    runs = []
    for n in range(0, 55):
        runs += [world.run(AT + n * MIN5), world.run(AT + n * MIN5)]
    # Then nothing is emailed or claimed: the key stays armed, so an incident opening later folds it
    assert fired(*runs) == [] and world.publisher.published == []
    assert world.ledger.state("acme", f"{UNANSWERED_COMPLAINT}#reddit#c1").firing is False


def test_an_unanswered_complaint_folds_once_into_the_open_incident_and_a_reply_closes_it():
    # Given an incident open on the index under its floor, and a complaint at 12:00 (target 4 h)
    world = World(_brand(), baseline=False)
    world.set_index(AT, 30.0)
    world.store.save([complaint(AT, "c1")])
    # When the evaluator runs every 5 minutes until 16:30, retried each time
    runs = []
    for n in range(0, 55):
        runs += [world.run(AT + n * MIN5), world.run(AT + n * MIN5)]
    # Then the complaint is folded in once, at 16:00, riding along (no update email of its own)
    assert fired(*runs).count(UNANSWERED_COMPLAINT) == 1
    incident = world.ledger.incident("acme")
    assert incident is not None and incident.counts()[UNANSWERED_COMPLAINT] == 1
    assert [e.kind for e in world.publisher.published] == ["alert"]
    # When the brand replies at 16:40 and the index recovers for good
    world.store.record_replies([ReplyLink("acme", "reddit", "c1", Reply(AT + 4 * H + 40 * MIN5 / 5))])
    world.set_index(AT + 5 * H, 45.0)
    for n in range(60, 60 + 30):
        world.run(AT + n * MIN5)
    # Then the complaint is closed (its key re-armed, never announced again) and the resolution
    # says it was answered
    assert world.ledger.state("acme", f"{UNANSWERED_COMPLAINT}#reddit#c1").firing is False
    kinds = [(e.kind, e.incident and e.incident.status) for e in world.publisher.published]
    assert kinds == [("alert", "OPEN"), ("resolved", "RESOLVED")]
    resolved = render_text(world.publisher.published[1])
    assert "complaint without an answer (1, 1 answered since)" in resolved


def test_an_influential_author_gets_the_short_target_and_reply_unknown_never_fires():
    # Given an incident open, a loud complaint (influence 60: 1 h target), one whose replies the
    # source cannot show, one answered, and the brand's own post
    world = World(_brand(), baseline=False)
    world.set_index(AT, 30.0)
    loud = complaint(AT, "loud", influence=60)
    unknown = dataclasses.replace(
        loud, mention=dataclasses.replace(loud.mention, native_id="unknown", replies_visible=False)
    )
    answered = complaint(AT, "answered")
    answered = dataclasses.replace(
        answered, mention=dataclasses.replace(answered.mention, reply=Reply(AT + 10 * MIN5))
    )
    own = dataclasses.replace(loud, mention=dataclasses.replace(loud.mention, native_id="own", own=True))
    world.store.save([loud, unknown, answered, own])
    runs = []
    for n in range(0, 13):
        runs.append(world.run(AT + n * MIN5))
    # Then only the loud one is folded in, after one hour
    assert fired(*runs).count(UNANSWERED_COMPLAINT) == 1
    incident = world.ledger.incident("acme")
    assert incident is not None
    [evidence] = [e for e in incident.evidence if e.rule == UNANSWERED_COMPLAINT]
    assert evidence.at == AT + H and evidence.keys == (f"{UNANSWERED_COMPLAINT}#reddit#loud",)


def _ratings(world: World, start: datetime, days: int, stars: int, per_day: int, tag: str) -> None:
    world.store.save(
        [
            review(start + d * 24 * H + n * H, stars, f"{tag}{d}-{n}")
            for d in range(days)
            for n in range(per_day)
        ]
    )


def test_a_rating_drop_fires_once_per_crossing_and_rearms_on_recovery():
    # Given 28 days of 4-star reviews, then a week of 3-star ones (a 1-star drop, 14 reviews)
    world = World(_brand(low_rating_review={"enabled": False}), baseline=False)
    _ratings(world, AT - 35 * 24 * H, 28, 4, 2, "base")
    _ratings(world, AT - 7 * 24 * H, 7, 3, 2, "bad")
    # When the evaluator runs twice at the same time, and again later
    runs = [world.run(AT), world.run(AT), world.run(AT + MIN5)]
    # Then one firing for the site (one location: judged once), critical (twice the 0.5 drop)
    assert fired(*runs) == [RATING_DROP]
    [email] = world.publisher.published
    assert "average rating on Trustpilot down 1.00 to 3.00 stars" in render_text(email)
    assert world.ledger.state("acme", f"{RATING_DROP}#trustpilot").firing
    # When the week fills with 5-star reviews, it recovers and re-arms
    _ratings(world, AT, 7, 5, 4, "good")
    world.run(AT + 7 * 24 * H)
    assert not world.ledger.state("acme", f"{RATING_DROP}#trustpilot").firing


def test_a_competitors_place_is_never_the_brands_review_complaint_or_rating():
    # Given the brand watches a rival's Google place, whose 1-star reviews pile up
    brand = Brand.model_validate(
        {
            "id": "acme",
            "name": "Acme Air",
            "query": '"acme air"',
            "sources": {"google": {"places": {"ChIJrival0000000000000001": "Rival Air desk"}}},
        }
    )
    world = World(brand, baseline=False)
    rival = [review(AT - 5 * H + n * MIN5, 1, f"p{n}", loc="ChIJrival0000000000000001") for n in range(12)]
    world.store.save(
        [
            dataclasses.replace(
                sm, mention=dataclasses.replace(sm.mention, source="google", replies_visible=True)
            )
            for sm in rival
        ]
    )
    # When the evaluator runs: no low-rating, unanswered or rating alert
    assert fired(world.run(AT)) == []


def test_complaints_in_an_open_incident_ride_with_its_next_email_and_never_call_for_one():
    # Given an incident open on a 1-star review, and complaints going unanswered every half hour
    world = World(_brand(), baseline=False)
    world.store.save([review(AT - MIN5, 1, "r1")])
    world.store.save([complaint(AT - 4 * H + n * 30 * MIN5 / 5, f"c{n}") for n in range(6)])
    # When the evaluator runs every five minutes for three hours
    for n in range(0, 36):
        world.run(AT + n * MIN5)
    # Then the opening email lists the first and no update goes out for the others; the review's
    # incident (events only) closes after its settle hour without an email, and the complaints
    # that come due after that wait for the digest (no incident open)
    emails = world.publisher.published
    assert [(e.kind, e.incident and e.incident.status) for e in emails] == [("alert", "OPEN")]
    incident = world.ledger.incident("acme")
    assert incident is not None and incident.closed
    assert incident.counts()[UNANSWERED_COMPLAINT] == 3


def test_reviews_in_an_open_incident_ride_along_but_a_review_alone_opens_one():
    world = World(_brand(), baseline=False)
    world.store.save([complaint(AT - 4 * H, "c0")])
    world.run(AT)
    world.store.save([review(AT + 10 * MIN5, 1, "r1"), review(AT + 20 * MIN5, 2, "r2")])
    for n in range(1, 30):
        world.run(AT + n * MIN5)
    assert [e.kind for e in world.publisher.published] == ["alert"]
    incident = world.ledger.incident("acme")
    assert incident is not None and incident.counts()[LOW_RATING_REVIEW] == 2


def test_a_known_customers_review_or_complaint_is_critical_from_the_tiers_influence_bar():
    from repmon.domain.models import Severity
    from repmon.domain.response_rules import low_rating_review, unanswered_complaint

    # Given a brand whose VIPs have influence bar 0, and a quiet VIP's 1-star review and complaint
    brand = _brand(by_tier={"vip": {"influencer_min": 0}})

    def vip(sm: ScoredMention) -> ScoredMention:
        return dataclasses.replace(sm, mention=dataclasses.replace(sm.mention, customer_tier="vip"))

    quiet_review, quiet_complaint = review(AT, 1, "r1"), complaint(AT - 5 * H, "c1")
    # Then each is critical from the VIP, a warning from anyone else
    assert low_rating_review(brand, [vip(quiet_review)]).severity is Severity.CRITICAL
    assert low_rating_review(brand, [quiet_review]).severity is Severity.WARNING
    assert unanswered_complaint(brand, [vip(quiet_complaint)], AT).severity is Severity.CRITICAL
    assert unanswered_complaint(brand, [quiet_complaint], AT).severity is Severity.WARNING
