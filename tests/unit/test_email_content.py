"""What an alert carries for its email: the themes of the complaints, near-identical mentions told
once, the brand's time zone."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from repmon.domain.brand import Brand
from repmon.domain.models import Author, Mention, ScoredMention, Sentiment
from repmon.domain.reputation import Snapshot
from repmon.domain.rules import VOLUME_SPIKE, negative_share, reputation_drop
from repmon.domain.seasonal import WEEKDAY_WEEKEND, Expected
from repmon.services.alert_content import build_alert, top_mentions
from tests.fakes import InMemoryMentionStore

AT = datetime(2026, 11, 3, 4, 0, tzinfo=UTC)
BRAND = Brand.model_validate(
    {"id": "acme-air", "name": "Acme Air", "query": '"acme air"', "timezone": "America/Denver"}
)
SNAP = Snapshot(AT, 36.0, 60.0, 47, 31, 300, 3.5, 34.0, 12, 1, 16)
TEXTS = [
    ("Acme Air flight AA210 cancelled, 4 hours on hold", ("on hold", "cancelled")),
    ("Acme Air flight AA321 cancelled and no hotel", ("cancelled",)),
    ("My Acme Air flight AA432 cancelled at midnight", ("cancelled",)),
    ("Acme Air flight AA543 cancelled, where is my refund", ("cancelled", "refund")),
    ("Acme Air app is down, can't rebook", ("outage",)),
    ("Acme Air app is down again", ("outage",)),
    ("The Acme Air app is down for everyone", ("outage",)),
    ("Acme Air cancelled every early flight out of Dublin, absolute chaos", ("cancelled",)),
    ("Acme Air cancelled every afternoon flight out of Dublin, absolute chaos", ("cancelled",)),
    ("Acme Air cancelled every morning flight out of Dublin, absolute chaos", ("cancelled",)),
]


def _store() -> InMemoryMentionStore:
    store = InMemoryMentionStore()
    mentions = []
    for n, (text, reasons) in enumerate(TEXTS):
        mention = Mention(
            "reddit", f"t{n}", AT - timedelta(minutes=10 + n), text, author=Author(id=f"a{n}", handle=f"u{n}")
        )
        sentiment = Sentiment("negative", -0.7, reasons=reasons)
        mentions.append(ScoredMention(BRAND.id, mention, sentiment, 50.0 + n))
    store.save(mentions)
    return store


def _alert(rule_decision=negative_share):
    decision = rule_decision(BRAND, SNAP)
    top = top_mentions(BRAND, _store(), decision.rule, AT)
    return build_alert(BRAND, AT, SNAP, decision, "id", top)


def test_the_alert_says_what_the_complaints_are_about_on_its_first_line():
    alert = _alert(reputation_drop)
    assert alert.details["themes"] == "cancelled (7 mentions), app down (3)"
    assert alert.summary.endswith(" Complaints: cancelled (7 mentions), app down (3).")


def test_near_identical_mentions_are_listed_once_with_their_count_and_the_list_stays_full():
    alert = _alert()
    keys = [sm.key for sm in alert.top_mentions]
    assert len(keys) == BRAND.notifications.top_mentions == 5
    assert "reddit#t9" in keys and not {"reddit#t8", "reddit#t7"} & set(keys)  # t9: the most influential
    assert json.loads(str(alert.details["similar"])) == {"reddit#t9": 3}


def test_the_brands_time_zone_goes_with_the_alert():
    assert _alert().details["timezone"] == "America/Denver"


def test_the_usual_hour_is_also_told_in_the_brands_local_time():
    # Given a seasonal usual for the hour judged at 04:00 UTC (03:00-04:00: "3 a.m. UTC")
    usual = Expected(3.5, 24.0, WEEKDAY_WEEKEND, "for a weekday at 3 a.m. UTC", 0.1, 24)
    decision = negative_share(BRAND, replace(SNAP, expected=usual))
    alert = build_alert(BRAND, AT, SNAP, decision, "id", [])
    assert "3 a.m. UTC" in str(alert.details["usual_for"])
    # Then the alert carries that hour in Denver, for the email's facts
    assert alert.details["usual_local"] == "8 p.m. MST"


def test_a_volume_spikes_listed_mentions_and_themes_never_hold_the_brands_own_posts():
    # The brand answering a crisis posts a lot, and its account is the most influential of all.
    store = _store()
    for n in range(6):
        answer = Mention(
            "reddit",
            f"own{n}",
            AT - timedelta(minutes=5),
            f"Acme Air: flight AA{n} cancelled, refund on its way",
            author=Author(id="acme", handle="acmeair"),
            own=True,
        )
        store.save([ScoredMention(BRAND.id, answer, Sentiment("negative", -0.3, reasons=("refund",)), 99.0)])
    top = top_mentions(BRAND, store, VOLUME_SPIKE, AT)
    assert top and not [sm.key for sm in top if sm.mention.own]
