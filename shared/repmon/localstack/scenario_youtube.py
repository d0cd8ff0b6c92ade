"""The demo's YouTube: Acme Air's channel, comments on its videos, and a traveller's video of the outage.

Every text, name and number is written for the demo. Comments come from small viewers' channels and
the outage video from a mid-sized travel channel (influence under the influencer rule's 70): the
crisis weighs on the index through its volume and tone, no single comment or video alerts alone.
The demo's API key is any text: the fake Data API checks only that one is sent.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from repmon.localstack.fakes.server import SourceWorld
from repmon.localstack.fakes.youtube import add_channel, add_comment, add_video, channel_id

SECRET = {"api_key": "demo-youtube-api-key"}
ACME_CHANNEL = channel_id("acme air")
#: Acme Air's own channel (its comment threads are read every poll) and its quota-friendly search.
SETTINGS = {"youtube": {"channel_id": ACME_CHANNEL}}

_COMMENTS = {
    "calm": (
        "Nice cabin tour, Acme Air, the new seats look comfy",
        "Flew Acme Air last week, crew were great",
    ),
    "crisis": (
        "Acme Air cancelled my flight and this channel posts ads? Answer your customers",
        "Eight hours at the gate, no food vouchers, no updates. Acme Air is a joke",
        "Still no refund from Acme Air and the hotline hangs up. Disgraceful",
        "Acme Air stranded my kids overnight. Never flying with you again",
    ),
    "recovered": (
        "Acme Air finally refunded me, thanks for sorting it",
        "Flights look normal again, glad Acme Air fixed it",
    ),
}
_UPDATE = "Acme Air: an update on today's disruption"
_VLOG = ("Stranded by the Acme Air outage: 14 hours in Denver", "What Acme Air owes you after a cancellation")


def add_youtube(world: SourceWorld, hour: datetime, crisis_start: datetime, crisis: bool) -> None:
    """The hour's YouTube activity, from a generator of its own (the other platforms' draws stay)."""
    phase = "crisis" if crisis else "recovered" if hour > crisis_start else "calm"
    if hour == crisis_start - timedelta(hours=27):
        add_channel(world, "acme air", 180_000)
        add_video(world, title="Acme Air cabin tour", channel=ACME_CHANNEL, created=hour, views=42_000)
    if hour == crisis_start:
        add_video(
            world, title=_UPDATE, channel=ACME_CHANNEL, created=hour + timedelta(minutes=40), views=9_000
        )
    if hour == crisis_start + timedelta(hours=2):
        vlogger = add_channel(world, "kestrel travels", 21_000)
        add_video(
            world,
            title=_VLOG[0],
            description="Acme Air cancelled every flight out of Denver: what happened & what to ask for",
            channel=vlogger,
            created=hour + timedelta(minutes=10),
            views=38_000,
            likes=900,
            comments=310,
        )
    rng = random.Random(f"youtube {hour.isoformat()}")
    videos = [
        v for v in world.stock.get("youtube:videos", []) if v.channel == ACME_CHANNEL and v.published <= hour
    ]
    if not videos:
        return
    for _ in range(rng.randint(3, 6) if phase == "crisis" else int(rng.random() < 0.4)):
        at = hour + timedelta(minutes=rng.randint(0, 59))
        on = max((v for v in videos if v.published <= at), key=lambda v: v.published, default=videos[0])
        add_comment(
            world,
            text=rng.choice(_COMMENTS[phase]),
            video=on.id,
            author=f"flyer {rng.randint(1, 80)}",
            created=at,
            likes=rng.randint(0, 30),
        )
