"""Raw items as each API sends them (Reddit via praw, HN Algolia, App Store RSS) for two brands."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

from repmon.domain.brand import Brand

NOW = datetime(2026, 11, 4, 12, 0, tzinfo=UTC)
BRANDS = {
    "acme-air": Brand(id="acme-air", name="Acme Air", query='"acme air" OR @acmeair'),
    "globex": Brand(id="globex", name="Globex Bank", query="globex AND bank"),
}
_NAMES = {"acme-air": ["Acme Air", "@AcmeAir", "acme air"], "globex": ["Globex bank", "Globex Bank"]}

_TITLES = [
    "{b} cancelled my flight and nobody will tell me why",
    "Is {b} worth it for a family of four?",
    "Shout-out to {b} support, sorted my issue in five minutes",
    "{b} app has been down all morning",
    "PSA: {b} changed their refund policy",
    "Honest review of {b} after a year",
]
_BODIES = [
    "Waited {n} minutes on hold, then the call dropped. Third time this week. Absolutely useless.",
    "Booked through the app, seats were fine, crew was friendly. Nothing to complain about really.",
    "They charged me twice for order {n} and the chat bot just loops. Anyone got a real email address?",
    "Great experience overall, quick refund, polite staff. Would use again!!",
    "",
    "Edit: they fixed it after I posted here. Thanks for nothing until then I guess.",
    "Not sure what to think. Prices went up {n}% but the service is the same.",
]
_HN_COMMENTS = [
    "<p>We moved off {b} last year. Their API rate limits were undocumented &amp; support took "
    "weeks.</p><p>Would not recommend.</p>",
    "<p>I&#x27;ve used {b} for {n} months without a single outage. Solid engineering.</p>",
    "<p>Anyone know if {b} publishes a status page? Seeing errors since this morning.</p>",
    '<p>The <a href="https://example.invalid/{n}">postmortem</a> from {b} is refreshingly honest.</p>',
]
_HN_STORIES = ["{b} outage post-mortem", "Show HN: I reverse-engineered the {b} app", "{b} raises fees again"]
_REVIEWS = [
    ("Crashes constantly", "App crashes every time I open my boarding pass. Fix it!", 1),
    ("Love it", "Fast, simple, and the notifications are actually useful.", 5),
    ("Meh", "Does the job but the login expires every day, very annoying.", 2),
    ("Much better", "The new version finally lets me change seats. Thank you", 4),
]


def raw_items(count: int, seed: int = 11) -> list[tuple[str, str, Any]]:
    """(brand id, kind, payload) for `count` items: 45% Reddit, 35% HN, 20% App Store, over 24 hours."""
    rng = random.Random(seed)
    makers: list[tuple[float, str, Callable[[random.Random, int, str], Any]]] = [
        (0.25, "reddit_post", _reddit_post),
        (0.45, "reddit_comment", _reddit_comment),
        (0.80, "hn_hit", _hn_hit),
        (1.00, "appstore_entry", _appstore_entry),
    ]
    out = []
    for n in range(count):
        brand = rng.choice(list(BRANDS))
        name = rng.choice(_NAMES[brand])
        draw = rng.random()
        _, kind, make = next(maker for maker in makers if draw <= maker[0])
        out.append((brand, kind, make(rng, n, name)))
    return out


def _created(rng: random.Random) -> float:
    return float(int((NOW - timedelta(seconds=rng.randint(0, 86_399))).timestamp()))


def _reddit_post(rng: random.Random, n: int, name: str) -> dict[str, Any]:
    """What `vars(submission)` holds after praw parsed a search listing (author/subreddit are objects)."""
    sub = rng.choice(["travel", "personalfinance", "sysadmin", "flights"])
    created = _created(rng)
    return {
        "id": f"p{n:05x}",
        "name": f"t3_p{n:05x}",
        "title": rng.choice(_TITLES).format(b=name),
        "selftext": rng.choice(_BODIES).format(n=n % 90 + 5),
        "author": SimpleNamespace(name=f"user_{rng.randint(1, 400)}"),
        "author_fullname": f"t2_{rng.randint(10**6, 10**7):x}",
        "subreddit": SimpleNamespace(display_name=sub),
        "subreddit_subscribers": rng.choice([12_000, 450_000, 2_300_000]),
        "created": created,
        "created_utc": created,
        "permalink": f"/r/{sub}/comments/p{n:05x}/post/",
        "score": rng.randint(0, 3000),
        "num_comments": rng.randint(0, 400),
        "is_self": True,
        "over_18": False,
    }


def _reddit_comment(rng: random.Random, n: int, name: str) -> dict[str, Any]:
    sub = rng.choice(["travel", "personalfinance", "sysadmin"])
    created = _created(rng)
    body = f"{rng.choice(_BODIES).format(n=n % 90 + 5)} ({name})"
    author = None if rng.random() < 0.03 else SimpleNamespace(name=f"user_{rng.randint(1, 400)}")
    return {
        "id": f"c{n:05x}",
        "name": f"t1_c{n:05x}",
        "body": body,
        "author": author,
        "subreddit": SimpleNamespace(display_name=sub),
        "created_utc": created,
        "permalink": f"/r/{sub}/comments/abc/_/c{n:05x}/",
        "score": rng.randint(-5, 500),
        "link_id": "t3_abc",
        "parent_id": "t3_abc",
    }


def _hn_hit(rng: random.Random, n: int, name: str) -> dict[str, Any]:
    """An Algolia search_by_date hit, current shape (null fields dropped); one in four is a story."""
    created = int(_created(rng))
    author = f"hn_{rng.randint(1, 300)}"
    base = {"objectID": str(40_000_000 + n), "created_at_i": created, "author": author}
    base["created_at"] = datetime.fromtimestamp(created, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if rng.random() < 0.25:
        tags = ["story", f"author_{author}", f"story_{base['objectID']}"]
        story = {"title": rng.choice(_HN_STORIES).format(b=name), "points": rng.randint(1, 900)}
        return {**base, **story, "num_comments": rng.randint(0, 300), "_tags": tags}
    text = rng.choice(_HN_COMMENTS).format(b=name, n=n)
    tags = ["comment", f"author_{author}", "story_39999999"]
    return {**base, "comment_text": text, "story_title": f"Ask HN: {name}?", "_tags": tags, "story_id": 1}


def _appstore_entry(rng: random.Random, n: int, name: str) -> dict[str, Any]:
    """One label-wrapped RSS JSON entry of the brand's app."""
    title, content, rating = rng.choice(_REVIEWS)
    created = datetime.fromtimestamp(_created(rng), tz=UTC)
    return {
        "author": {"uri": {"label": f"https://itunes.apple.com/us/reviews/id{n}"}, "name": {"label": "a"}},
        "im:version": {"label": "4.2"},
        "im:rating": {"label": str(rating)},
        "id": {"label": str(9_000_000_000 + n)},
        "title": {"label": title},
        "content": {"label": content, "attributes": {"type": "text"}},
        "im:voteSum": {"label": str(rng.randint(0, 40))},
        "im:voteCount": {"label": str(rng.randint(0, 60))},
        "updated": {"label": created.isoformat()},
    }
