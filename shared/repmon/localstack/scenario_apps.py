"""The demo's reviews of Acme Air's own apps on Google Play and the App Store (own texts, names and
ids): two good ones before the demo's first poll, then a 1-star wave during the outage, after its
first alerts (Tue 05:15 on, as the other review sites'), so the alerts the README quotes stay as
they are. Each App Store review is on both routes, the public RSS feed and App Store Connect (with
the developer's response): the two are one mention. The keys in the demo's secrets are made here
and registered with the local fakes, which check the tokens signed with them.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from repmon.localstack.fakes.appstore_connect import add_connect_app, add_connect_review, new_api_key
from repmon.localstack.fakes.google_play import add_play_app, add_play_review, new_service_account
from repmon.localstack.fakes.server import SourceWorld

PACKAGE = "com.acmeair.app"
APP_ID = "1234567890"  # the demo's App Store app (scenario.ACME_APP), read by both routes

#: `sources` settings of the demo's Acme Air for its own apps.
SETTINGS: dict[str, Any] = {
    "google_play": {"package_name": PACKAGE, "app_name": "Acme Air for Android"},
    "appstore_connect": {"app_id": APP_ID, "app_name": "Acme Air for iPhone"},
}

_GOOD = (
    ("Easy rebooking", "Changed my flight in two taps and the seat map finally loads fast.", 5, "skyhopper"),
    ("Handy", "Boarding pass in the wallet, gate changes pushed on time. Nice work.", 4, "gatewatcher"),
)
_BAD = (
    (
        "Useless during the outage",
        "The app shows my flight as on time while the board says cancelled. No rebooking option at all.",
        1,
        "redeye_rita",
    ),
    (
        "Crashes at check-in",
        "Tried twelve times to check in for the replacement flight, crash every time.",
        1,
        "mile_maven",
    ),
    (
        "Refund button does nothing",
        "Tapping refund spins forever. Chat says wait 48 hours. Unacceptable.",
        1,
        "carryon_carl",
    ),
)
_REPLY = "We are sorry. Rebooking is back in version 7.4.1; our team can help at care@acmeair.example."


def app_secrets(world: SourceWorld) -> dict[str, dict[str, str]]:
    """The demo's Google Play and App Store Connect secrets, their keys registered with the fakes."""
    return {
        "repmon/google-play": new_service_account(world, "repmon-demo@acme-air.iam.gserviceaccount.com"),
        "repmon/appstore-connect": new_api_key(world),
    }


def add_app_reviews(world: SourceWorld, hour: datetime, start: datetime, crisis: datetime) -> None:
    """The app reviews created during [hour, hour + 1h) of the demo."""
    if hour == start:
        add_play_app(world, PACKAGE)
        add_connect_app(world, APP_ID)
        for i, review in enumerate(_GOOD):
            _both_stores(world, hour + timedelta(minutes=20 + 20 * i), *review, version="7.3.0")
    for i, review in enumerate(_BAD):
        if hour == crisis + timedelta(hours=2 + i):
            at = hour + timedelta(minutes=25)
            _both_stores(
                world, at, *review, version="7.4.0", reply_at=at + timedelta(minutes=20) if i == 0 else None
            )


def _both_stores(
    world: SourceWorld,
    at: datetime,
    title: str,
    text: str,
    stars: int,
    nickname: str,
    *,
    version: str,
    reply_at: datetime | None = None,
) -> None:
    reply = _REPLY if reply_at else ""
    add_play_review(
        world,
        package=PACKAGE,
        text=f"{title}\t{text}",
        rating=stars,
        author=nickname.replace("_", " ").title(),
        created=at,
        version=version,
        thumbs_up=3 * len(text) % 17,
        reply=reply,
        replied=reply_at,
    )
    # The App Store review on both routes, minutes apart: one mention
    world.add_appstore_review(
        app_id=APP_ID, title=title, content=text, rating=stars, author=nickname, created=at
    )
    add_connect_review(
        world,
        app_id=APP_ID,
        title=title,
        body=text,
        rating=stars,
        nickname=nickname,
        created=at,
        response=reply,
        responded=reply_at,
    )
