"""Your own apps' reviews: the Google Play and App Store Connect parsers' reviews per second, and a
typical app's requests per poll (a week of 600 reviews on the first poll, then 15 minutes' worth)."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from repmon.adapters.http import new_session
from repmon.adapters.sources import appstore_connect_parse as asc
from repmon.adapters.sources import google_play_parse as play
from repmon.adapters.sources.apple_token import AppleToken, AppStoreConnectKey
from repmon.adapters.sources.appstore_connect import AppStoreConnectSource
from repmon.adapters.sources.google_play import GooglePlaySource
from repmon.adapters.sources.google_token import GoogleToken, ServiceAccount
from repmon.domain.brand import Brand
from repmon.domain.models import Mention
from repmon.localstack.fakes.appstore_connect import add_connect_review, new_api_key
from repmon.localstack.fakes.google_play import TOKEN_PATH, add_play_review, new_service_account
from repmon.localstack.fakes.server import FakeSources, SourceWorld
from repmon.ports import MentionSource

NOW = datetime(2026, 11, 4, 12, tzinfo=UTC)
PACKAGE, APP = "com.acmeair.app", "1234567890"
TEXT = "Boarding pass\tThe app <b>froze</b> at the gate &amp; I nearly missed my flight, again."


def _rate(parse: Callable[[], tuple[list[Mention], int]], rounds: int = 20) -> float:
    start = time.perf_counter()
    for _ in range(rounds):
        mentions, _ = parse()
    return rounds * len(mentions) / (time.perf_counter() - start)


def _world() -> SourceWorld:
    world = SourceWorld(now=NOW)
    for i in range(600):  # a week: about one review every 17 minutes
        at = NOW - timedelta(minutes=16.8 * i)
        add_play_review(world, package=PACKAGE, text=TEXT, rating=1 + i % 5, created=at, author=f"p{i}")
        add_connect_review(
            world, app_id=APP, title="Froze", body=TEXT, rating=1 + i % 5, nickname=f"a{i}", created=at
        )
    return world


def app_reviews() -> None:
    world = _world()
    with FakeSources(world) as fake:
        session = new_session()
        token = GoogleToken(
            ServiceAccount.model_validate(new_service_account(world)),
            f"{fake.base_url}{TOKEN_PATH}",
            session,
            source="google_play",
        )
        key = AppStoreConnectKey.model_validate(new_api_key(world))
        sources: dict[str, tuple[MentionSource, str]] = {
            "google_play": (GooglePlaySource(token, session, fake.base_url), "/reviews"),
            "appstore_connect": (
                AppStoreConnectSource(AppleToken(key), session, fake.base_url),
                "/customerReviews",
            ),
        }
        headers = {"Authorization": f"Bearer {token.bearer()}"}
        body = session.get(
            f"{fake.base_url}/androidpublisher/v3/applications/{PACKAGE}/reviews",
            params={"maxResults": "100"},
            headers=headers,
        ).json()
        items, _ = play.page_reviews(body)
        rate = _rate(lambda: play.parse_reviews(items, PACKAGE, "Acme", NOW))
        print(f"google play parser: {rate:,.0f} reviews/s")
        body = session.get(
            f"{fake.base_url}/v1/apps/{APP}/customerReviews",
            params={"limit": "200", "include": "response"},
            headers={"Authorization": f"Bearer {AppleToken(key).bearer()}"},
        ).json()
        data, responses, _ = asc.page_items(body)
        rate = _rate(lambda: asc.parse_reviews(data, responses, APP, "Acme", NOW))
        print(f"app store connect parser: {rate:,.0f} reviews/s (a review's identity hashed each time)")
        brand = Brand.model_validate(
            {
                "id": "acme",
                "name": "Acme Air",
                "query": "acme",
                "sources": {
                    "google_play": {"package_name": PACKAGE, "max_items": 1000, "max_pages": 10},
                    "appstore_connect": {"app_id": APP, "max_items": 1000},
                },
            }
        )
        for name, (source, path) in sources.items():
            cursor, now = None, NOW
            for label in ("first poll (the week)", "next poll (15 minutes on)"):
                before = len(world.requests_to(path))
                page = source.fetch(brand, cursor, now)
                asked = len(world.requests_to(path)) - before
                print(f"{name} {label}: {asked} requests, {len(page.mentions)} returned")
                cursor, now = page.cursor, now + timedelta(minutes=15)


if __name__ == "__main__":
    app_reviews()
