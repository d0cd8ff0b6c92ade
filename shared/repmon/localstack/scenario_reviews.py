"""The demo's reviews on Trustpilot, Google and Yelp (own texts, names and ids): a few good ones
before the demo's first poll, a few 1-star ones during the outage, after its first alerts.

Dated so the incident's emails stay three: the good reviews fall before the 24-hour baseline of
the outage's first evaluations; the bad ones come in the outage's first half hour, so the opening
email lists them (low_rating_review), and each is answered within the hour (no unanswered
complaint holds the incident open).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from repmon.localstack.fakes.google import add_google_location, add_google_review
from repmon.localstack.fakes.server import SourceWorld
from repmon.localstack.fakes.trustpilot import add_business_unit, add_trustpilot_review
from repmon.localstack.fakes.yelp import add_yelp_business, add_yelp_review

TRUSTPILOT_UNIT = "6d3a9f1c2b4e5a7081920a3b"
GOOGLE_LOCATION = "accounts/4711/locations/1001"
#: A rival's desk at the same airport: read through the Places API (five reviews, by relevance).
GOOGLE_PLACE = "ChIJdemoRivalAirDenverDesk01"
YELP_BUSINESS = "acme-air-lounge-denver"

#: `sources` settings of the demo's Acme Air for the review sites.
SETTINGS: dict[str, Any] = {
    "trustpilot": {"business_units": {TRUSTPILOT_UNIT: "Acme Air (acmeair.example)"}},
    "google": {
        "locations": {GOOGLE_LOCATION: "Acme Air desk, Denver airport"},
        "places": {GOOGLE_PLACE: "Rival Air desk, Denver airport"},
    },
    # Read every poll here (6 hours by default): the demo's outage is short.
    "yelp": {"businesses": {YELP_BUSINESS: "Acme Air lounge, Denver"}, "min_interval_hours": 0},
}
#: The demo's secrets for them: any key will do on the local fakes.
SECRETS: dict[str, dict[str, str]] = {
    "repmon/trustpilot": {"api_key": "demo-trustpilot-key"},
    "repmon/google": {
        "client_id": "demo.apps.googleusercontent.com",
        "client_secret": "demo-client-secret",
        "refresh_token": "1//demo-refresh-token",
        "places_api_key": "demo-places-key",
    },
    "repmon/yelp": {"api_key": "demo-yelp-key-0123456789"},
}

_GOOD = (
    ("Smooth check-in", "Bag drop took two minutes and the crew were lovely. Would fly Acme Air again.", 5),
    ("On time both ways", "Acme Air got me to Lisbon early and back on time. Good value.", 4),
)
_BAD = (
    (
        "Stranded, no help",
        "Flight cancelled at midnight, nobody at the Acme Air desk, no hotel, no refund.",
        1,
    ),
    ("Worst night ever", "Six hours in the terminal, the app said nothing and the phone line hung up.", 1),
    ("Avoid", "Cancelled, rebooked, cancelled again. Acme Air does not care about its passengers.", 1),
)


def add_reviews(world: SourceWorld, hour: datetime, start: datetime, crisis: datetime) -> None:
    """The reviews created during [hour, hour + 1h) of the demo."""
    if hour == start:
        add_business_unit(world, TRUSTPILOT_UNIT, "Acme Air")
        add_google_location(world, GOOGLE_LOCATION)
        add_yelp_business(world, YELP_BUSINESS)
        for i, (title, text, stars) in enumerate(_GOOD):
            _everywhere(world, hour + timedelta(minutes=10 + 20 * i), title, text, stars, i)
        add_google_review(
            world, where=GOOGLE_PLACE, comment="Quick desk, friendly staff.", stars=4, created=hour
        )
        add_google_review(world, where=GOOGLE_PLACE, comment="Long queue, fine.", stars=3, created=hour)
    if hour == crisis:  # read at the outage's first evaluation (03:30): in its opening email
        for i, (title, text, stars) in enumerate(_BAD):
            _everywhere(world, hour + timedelta(minutes=5 + 10 * i), title, text, stars, 10 + i)


def _everywhere(world: SourceWorld, at: datetime, title: str, text: str, stars: int, n: int) -> None:
    reviewer = ("Dana K.", "Omar L.", "Priya S.", "Tom W.", "Lena M.")[n % 5]
    # Acme's care team answers every bad review within the hour (Trustpilot and Google show it).
    reply = "We are sorry, please write to care@acmeair.example" if stars <= 2 else ""
    add_trustpilot_review(
        world,
        unit=TRUSTPILOT_UNIT,
        title=title,
        text=text,
        stars=stars,
        created=at,
        reviewer=reviewer,
        reviewer_reviews=3 + n % 7,
        likes=n % 3,
        reply=reply,
    )
    add_google_review(
        world, where=GOOGLE_LOCATION, comment=text, stars=stars, created=at, reviewer=reviewer, reply=reply
    )
    add_yelp_review(world, business=YELP_BUSINESS, text=text, rating=stars, created=at, user=reviewer)
