"""The demo's X: travellers' posts about Acme Air, and the airline's support account answering some.

Every text, name and number is written for the demo. Posts come from small accounts (under 5,000
followers and modest impressions: influence under the influencer rule's 70), so the crisis weighs on
the index through its volume and tone and no single post alerts alone. @acmeair (the brand's
`own_accounts`) answers a few complaints: its replies are read with the post they answer, stored as
the brand's own and never scored into the index. The demo's bearer token is the fake API's own.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from repmon.localstack.fakes.server import SourceWorld
from repmon.localstack.fakes.x import BEARER, add_x_post

SECRET = {"bearer_token": BEARER}
#: The demo's budget is generous: the whole 40 hours cost a few dollars at the fake's prices.
SETTINGS = {"x": {"enabled": True, "monthly_budget_usd": 50, "own_accounts": ["acmeair"]}}

_POSTS = {
    "calm": (
        "Smooth boarding with Acme Air this morning, right on time",
        "The @acmeair lounge coffee is really good these days",
        "Lovely crew on my Acme Air flight to Austin today",
    ),
    "crisis": (
        "Acme Air just cancelled every flight out of Denver. Zero announcements, zero staff",
        "Three hours on hold with @acmeair and the line drops. Unacceptable",
        "Acme Air app says my flight does not exist. Neither does customer service apparently",
        "Stuck at the gate all night thanks to Acme Air. No hotel, no food, no answers",
        "Worst travel day ever. Acme Air owes hundreds of us an explanation",
    ),
    "recovered": (
        "Acme Air got me home today, late but home",
        "Refund from @acmeair landed faster than expected, fair play",
    ),
}
_ANSWER = "So sorry for the disruption. Please DM us your booking code and we will rebook you today"


def add_x(world: SourceWorld, hour: datetime, crisis: bool, recovered: bool) -> None:
    """The hour's X posts, from a generator of their own (the other platforms' draws stay)."""
    phase = "crisis" if crisis else "recovered" if recovered else "calm"
    rng = random.Random(f"x {hour.isoformat()}")
    for n in range(rng.randint(2, 5) if crisis else int(rng.random() < 0.4)):
        at = hour + timedelta(minutes=rng.randint(0, 50))
        post = add_x_post(
            world,
            text=rng.choice(_POSTS[phase]),
            username=f"flyer_{rng.randint(1, 90)}",
            created=at,
            followers=rng.randint(40, 4800),
            likes=rng.randint(0, 40),
            retweets=rng.randint(0, 8),
            replies=rng.randint(0, 6),
            impressions=rng.randint(200, 6000),
        )
        if crisis and rng.random() < 0.3:  # support answers some complaints, minutes later
            _answer(world, post, at + timedelta(minutes=rng.randint(3, 9)))
        elif crisis and hour.hour == LATE_HOUR and n == 0:
            # ...and one of the outage's first, hours late: past its response-time target (4 h), it
            # is an unanswered complaint until then, and the reply closes it
            _answer(world, post, at + LATE)


#: The crisis hour whose first complaint the support account answers LATE after it was posted.
LATE_HOUR, LATE = 3, timedelta(hours=5, minutes=10)


def _answer(world: SourceWorld, post: str, at: datetime) -> None:
    add_x_post(
        world, text=_ANSWER, username="acmeair", created=at, followers=182_000, verified=True, reply_to=post
    )
