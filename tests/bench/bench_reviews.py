"""Review sites: each parser's reviews per second on a full page from the local fake, and the calls
a typical brand's poll makes.

A typical brand: 3 Trustpilot business units, 10 Google locations and 2 places, 5 Yelp businesses,
a few reviews a day each. A quiet poll costs one call per unit and location; places and Yelp
businesses only when due (every 24 h and 6 h by default).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from repmon.adapters.http import new_session
from repmon.adapters.sources.google_parse import parse_business_reviews
from repmon.adapters.sources.trustpilot_parse import parse_reviews as parse_trustpilot
from repmon.adapters.sources.yelp_parse import parse_reviews as parse_yelp
from repmon.localstack.fakes.google import add_google_review
from repmon.localstack.fakes.server import FakeSources, SourceWorld
from repmon.localstack.fakes.trustpilot import add_trustpilot_review
from repmon.localstack.fakes.yelp import add_yelp_review

NOW = datetime(2026, 11, 4, 12, tzinfo=UTC)
UNIT, LOCATION, BIZ = "5f1e2d3c4b5a69788796a5b4", "accounts/1/locations/2", "acme-air-lounge"
TEXT = "The Acme Air desk was slow, the crew kind, the bag <b>late</b> by a day. " * 4


def _rate(parse: Callable[[], Any], per_page: int, rounds: int = 50) -> float:
    start = time.perf_counter()
    for _ in range(rounds):
        parse()
    return rounds * per_page / (time.perf_counter() - start)


def reviews() -> None:
    world = SourceWorld(now=NOW)
    for i in range(100):
        at = NOW - timedelta(minutes=7 * i)
        add_trustpilot_review(world, unit=UNIT, title=f"Trip {i}", text=TEXT, stars=1 + i % 5, created=at)
        add_google_review(world, where=LOCATION, comment=TEXT, stars=1 + i % 5, created=at)
        add_yelp_review(world, business=BIZ, text=TEXT, rating=1 + i % 5, created=at)
    with FakeSources(world) as fake:
        session, base = new_session(), fake.base_url
        tp = session.get(
            f"{base}/v1/business-units/{UNIT}/reviews", params={"perPage": 100}, headers={"apikey": "k"}
        ).json()
        g = session.get(
            f"{base}/v4/{LOCATION}/reviews",
            params={"pageSize": 50},
            headers={"Authorization": "Bearer fake-google-1"},
        ).json()
        y = session.get(
            f"{base}/v3/businesses/{BIZ}/reviews",
            params={"limit": 50},
            headers={"Authorization": "Bearer key-0123456789"},
        ).json()
    rates = (
        ("Trustpilot", _rate(lambda: parse_trustpilot(tp, UNIT, "", NOW), 100)),
        ("Google Business Profile", _rate(lambda: parse_business_reviews(g, LOCATION, "", NOW), 50)),
        ("Yelp", _rate(lambda: parse_yelp(y, BIZ, "", NOW), 50)),
    )
    for name, rate in rates:
        print(f"{name} parser: {rate:,.0f} reviews/s")
    quiet = 3 + 10 + 2 / 96 + 5 / 24
    print(f"review sites, a typical brand's quiet poll: {quiet:.1f} calls (the rest when due)")


if __name__ == "__main__":
    reviews()
