"""The demo's GDELT articles: regional outlets' coverage of the outage, and some of the news search's
own articles seen again through GDELT (stored once: one news identity, README "GDELT").

Each hour draws from a generator of its own, so the other platforms' draws stay as they were.
All texts are written for the demo.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from repmon.localstack.fakes.feeds import FeedEntry
from repmon.localstack.fakes.gdelt import add_gdelt_article
from repmon.localstack.fakes.world import SourceWorld

#: The watchlist's `sources.gdelt` for Acme Air (site weights are feeds').
SETTINGS: dict[str, object] = {"gdelt": {"enabled": True, "languages": ["english"]}}

_OUTLETS = ("harbourtimes.example", "mountainpost.example", "coastalherald.example")
_CRISIS = (
    "Travellers sleep at Denver gates as Acme Air cancels night flights",
    "Acme Air booking outage leaves families without hotel vouchers",
    "Regional airports report long queues at Acme Air desks",
    "Acme Air apologises as its check-in system stays down",
    "Stranded Acme Air passengers describe a night without updates",
    "Consumer groups ask Acme Air to refund missed connections",
)
_AFTER = (
    "Acme Air says its systems are back and promises compensation",
    "Acme Air flights leave on time again after the outage",
)
_CALM = (
    "Acme Air opens a new lounge at its Lisbon base",
    "Acme Air adds winter flights to the mountains",
    "Acme Air crews train on a new tablet system",
)


def add_gdelt(world: SourceWorld, hour: datetime, crisis: datetime, recovery: datetime) -> None:
    """This hour's GDELT articles: 2-3 regional ones in the crisis (one now and then otherwise),
    and every other news search article of the hour seen again by GDELT a few minutes later."""
    rng = random.Random(f"gdelt {hour.isoformat()}")
    in_crisis = crisis <= hour < recovery
    texts = _CRISIS if in_crisis else _AFTER if hour >= recovery else _CALM
    count = rng.randint(2, 3) if in_crisis else int(rng.random() < 0.15)
    for n in range(count):
        # Each (outlet, headline) once: the same headline from one outlet is one article.
        k = int((hour - crisis).total_seconds() // 3600) * 3 + n if in_crisis else 0
        title, outlet = texts[k % len(texts)], _OUTLETS[(k // len(texts)) % len(_OUTLETS)]
        if not in_crisis:
            outlet = rng.choice(_OUTLETS)
        at = hour + timedelta(minutes=rng.randint(0, 59))
        add_gdelt_article(world, title=title, domain=outlet, seen=at)
    for i, entry in enumerate(_news_search_entries(world, hour)):
        if i % 2 == 0 and entry.publisher:
            host = (urlsplit(entry.publisher[1]).hostname or "").removeprefix("www.")
            add_gdelt_article(
                world, title=entry.title, domain=host, seen=entry.created + timedelta(minutes=7)
            )


def _news_search_entries(world: SourceWorld, hour: datetime) -> list[FeedEntry]:
    end = hour + timedelta(hours=1)
    return [e for e in world.stock.get("feeds", []) if e.publisher and hour <= e.created < end]
