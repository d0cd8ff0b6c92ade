"""The demo's scripted world: two brands, a quiet day, then an airline's outage crisis and recovery.

Every text, name and number here is written for the demo (no recorded third-party posts). A seeded
random generator makes each run identical, so the README can quote what the demo shows.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from repmon.domain.brand import Brand
from repmon.localstack.fakes.bluesky import add_bluesky_post
from repmon.localstack.fakes.feeds import add_feed_entry
from repmon.localstack.fakes.mastodon import add_toot
from repmon.localstack.fakes.server import SourceWorld
from repmon.localstack.scenario_apps import SETTINGS as APP_SITES
from repmon.localstack.scenario_apps import add_app_reviews
from repmon.localstack.scenario_reviews import SETTINGS as REVIEW_SITES
from repmon.localstack.scenario_reviews import add_reviews
from repmon.localstack.scenario_texts import (
    BAD_REVIEW_TITLES,
    CALM_ACME,
    CRISIS_ACME,
    GLOBEX,
    GOOD_REVIEW_TITLES,
    RECOVERED_ACME,
    TextMaker,
)
from repmon.localstack.scenario_x import SETTINGS as X
from repmon.localstack.scenario_x import add_x
from repmon.localstack.scenario_youtube import SETTINGS as YOUTUBE
from repmon.localstack.scenario_youtube import add_youtube

START = datetime(2026, 11, 2, 0, 0, tzinfo=UTC)
CRISIS = START + timedelta(hours=27)  # day two, 03:00
RECOVERY = START + timedelta(hours=33)
#: The demo stops here: half an hour after its outage is announced over, when the digest goes out.
END = START + timedelta(hours=38)
ACME_APP = "1234567890"
#: The Hacker News thread the comments go to: an outage thread from the crisis on.
_HN_THREADS = {True: "Ask HN: Which US airline do you trust?", False: "Acme Air outage grounds flights"}
#: Short windows so a 38-hour demo shows every rule; production defaults are 24 h and 7 days.
_DEMO_THRESHOLDS = {"window_hours": 4, "baseline_hours": 24, "volume_spike_min": 12}


#: The demo's news publishers (own names, reserved .example domains): (name, home page).
_PUBLISHERS = (
    ("Wire Daily", "https://wire.example"),
    ("Flyer Weekly", "https://flyerweekly.example"),
    ("Gate Notes", "https://gatenotes.example"),
)
_NEWS = {
    "calm": (
        "Acme Air adds a second daily flight to Lisbon",
        "Acme Air trials faster boarding at its Denver hub",
        "Acme Air posts steady on-time figures for October",
    ),
    "crisis": (
        "Acme Air grounds flights nationwide after a systems outage",
        "Thousands stranded as Acme Air cancels hundreds of flights",
        "Acme Air passengers sleep at airports as the outage drags on",
        "Regulators ask Acme Air to explain the overnight meltdown",
    ),
    "recovered": (
        "Acme Air restores its schedule and promises refunds",
        "Acme Air apologises and offers vouchers after the outage",
    ),
}


#: The demo's Bluesky posts (own texts); a crisis hour brings several, a calm one one at most.
_SKEETS = {
    "calm": (
        "Smooth Acme Air flight this morning, landed early",
        "Acme Air crew were lovely on my trip home",
    ),
    "crisis": (
        "Stuck at the gate for four hours, Acme Air app says nothing. Awful",
        "Acme Air cancelled my flight and the phone line hangs up on me",
        "Day two of the Acme Air outage and still no refund or hotel. Never again",
        "Acme Air meltdown: families sleeping on the terminal floor, terrible",
    ),
    "recovered": ("Acme Air finally rebooked me, refund arrived today", "Flights back on time at Acme Air"),
}


#: The demo's Mastodon posts (own texts), on the fake instance `toot.example` and others it federates with.
_TOOTS = {
    "calm": (
        "Acme Air lounge in Denver has decent coffee now",
        "Booked Acme Air for the holidays, fingers crossed",
    ),
    "crisis": (
        "Acme Air has cancelled everything out of Denver and nobody at the desk knows anything",
        "Four hours on hold with Acme Air. The outage is a disaster, no refund offered",
        "Acme Air app down, flights down, staff gone. Worst airline night ever",
    ),
    "recovered": (
        "Acme Air refunded my cancelled flight today, credit where due",
        "Acme Air back to normal at my gate",
    ),
}
_TOOT_HOMES = ("toot.example", "fly.example", "social.example")


def demo_brands(feeds_url: str | None = None) -> list[Brand]:
    """The demo's brands; with `feeds_url` (the fake feeds' address) Acme Air also reads a news
    search built from its query and its own status page."""
    acme_sources: dict[str, object] = {"appstore": {"app_id": ACME_APP, "countries": ["us"]}}
    if feeds_url:
        acme_sources["feeds"] = {
            "urls": [
                f"{feeds_url}/rss/search?q={{query}}&hl=en-US&gl=US&ceid=US:en",
                f"{feeds_url}/feeds/acme-status.atom",
            ],
            # Under influencer_min (70): news weighs on the index, each article is not an alert of its own.
            "site_weights": {"wire.example": 60, "flyerweekly.example": 40},
        }
        acme_sources["bluesky"] = {"enabled": True}  # the demo's secret names the fake PDS's account
        # The demo's secret points toot.example at the fake instance; a search and a hashtag timeline.
        acme_sources["mastodon"] = {"instances": ["toot.example"], "hashtags": ["acmeair"]}
        acme_sources |= YOUTUBE  # its channel's comments, and videos found by search
        acme_sources |= APP_SITES  # its own apps: Google Play, App Store Connect
        acme_sources |= X  # recent search, with @acmeair's replies
        acme_sources |= REVIEW_SITES  # Trustpilot, Google (a location and a rival's place), Yelp
    return [
        Brand.model_validate(
            {
                "id": "acme-air",
                "name": "Acme Air",
                "query": '"acme air" OR @acmeair',
                "sources": acme_sources,
                "thresholds": _DEMO_THRESHOLDS,
                "notifications": {"min_severity": "info"},
                # The day's digest at the demo's end (14:00; production's default is 08:00 local)
                "digest": {"hour": 14},
            }
        ),
        Brand.model_validate(
            {
                "id": "globex",
                "name": "Globex Bank",
                "query": "globex AND bank",
                "thresholds": _DEMO_THRESHOLDS,
            }
        ),
    ]


@dataclass
class Scenario:
    """Fills a SourceWorld hour by hour; `world.now` is the simulated clock."""

    world: SourceWorld
    rng: random.Random
    #: Texts draw from their own generator, so timing and volumes are the same whatever the texts.
    texts: TextMaker
    #: News draws from its own generator too, so the other platforms' draws are as before feeds.
    news: random.Random

    @classmethod
    def create(cls, world: SourceWorld, seed: int = 7) -> Scenario:
        world.now = START
        world.add_subreddit("travel", 2_400_000)
        world.add_subreddit("flights", 310_000)
        world.add_subreddit("personalfinance", 1_800_000)
        world.add_reddit_user(
            "frequent_flyer_fran",
            link_karma=412_000,
            comment_karma=96_000,
            created=START - timedelta(days=3650),
        )
        for n in range(40):
            world.add_reddit_user(
                f"traveller{n}",
                link_karma=200 + 90 * n,
                comment_karma=50 * n,
                created=START - timedelta(days=30 + 40 * n),
            )
        world.set_appstore_feed(ACME_APP, "us", dated=True)
        return cls(world, random.Random(seed), TextMaker(random.Random(seed + 1)), random.Random(seed + 2))

    def hours(self) -> Iterator[datetime]:
        hour = START
        while hour < END:
            yield hour
            hour += timedelta(hours=1)

    def fill_hour(self, hour: datetime) -> None:
        """Add the mentions created during [hour, hour + 1h)."""
        crisis = CRISIS <= hour < RECOVERY
        acme_texts = CRISIS_ACME if crisis else RECOVERED_ACME if hour >= RECOVERY else CALM_ACME
        for _ in range(self.rng.randint(18, 26) if crisis else self.rng.randint(2, 4)):
            self._acme(hour, acme_texts)
        for _ in range(self.rng.randint(1, 2)):
            self._reddit(hour, self.texts.draw(GLOBEX), "personalfinance")
        self._news(hour, "crisis" if crisis else "recovered" if hour >= RECOVERY else "calm")
        self._bluesky(hour, "crisis" if crisis else "recovered" if hour >= RECOVERY else "calm")
        self._mastodon(hour, "crisis" if crisis else "recovered" if hour >= RECOVERY else "calm")
        add_youtube(self.world, hour, CRISIS, crisis)
        add_app_reviews(self.world, hour, START, CRISIS)
        add_x(self.world, hour, crisis, hour >= RECOVERY)
        add_reviews(self.world, hour, START, CRISIS)
        if hour == CRISIS + timedelta(hours=1):
            self.world.add_reddit_post(
                title="Acme Air stranded 300 of us in Denver overnight with no hotel and no refund",
                selftext="Cancelled at midnight, no staff, no vouchers. Avoid Acme Air until they fix this.",
                subreddit="travel",
                author="frequent_flyer_fran",
                score=5400,
                num_comments=860,
                created=hour + timedelta(minutes=20),
            )

    def _news(self, hour: datetime, phase: str) -> None:
        """News articles (a few an hour in the crisis, one every few hours otherwise) and the
        airline's status page at the outage's start and end."""
        count = self.news.randint(2, 4) if phase == "crisis" else int(self.news.random() < 0.4)
        for _ in range(count):
            name, home = self.news.choice(_PUBLISHERS)
            title = self.news.choice(_NEWS[phase])
            at = hour + timedelta(minutes=self.news.randint(0, 59))
            # One publisher's same headline is one article (news_identity): a repeat is a later update.
            earlier = sum(
                1
                for e in self.world.stock.get("feeds", [])
                if e.publisher == (name, home) and e.title.startswith(title)
            )
            title = f"{title}: update {earlier + 1}" if earlier else title
            text = f"<p>{title}. <a href='{home}'>{name}</a> reports.</p>"
            add_feed_entry(self.world, title=title, html=text, created=at, publisher=(name, home))
        status = {CRISIS: "Acme Air: flight operations disrupted", RECOVERY: "Acme Air: operations restored"}
        if hour in status:
            add_feed_entry(
                self.world, feed="acme-status", title=status[hour], created=hour + timedelta(minutes=5)
            )

    def _bluesky(self, hour: datetime, phase: str) -> None:
        """Bluesky posts, from a generator of their own per hour: the other platforms' draws stay as
        they were. Small accounts (followers under 3,000): the crisis weighs, no post alone alerts."""
        rng = random.Random(f"bluesky {hour.isoformat()}")
        for _ in range(rng.randint(3, 6) if phase == "crisis" else int(rng.random() < 0.3)):
            add_bluesky_post(
                self.world,
                text=rng.choice(_SKEETS[phase]),
                handle=f"flyer{rng.randint(1, 60)}.bsky.social",
                created=hour + timedelta(minutes=rng.randint(0, 59)),
                followers=rng.randint(40, 3000),
                likes=rng.randint(0, 40),
                reposts=rng.randint(0, 6),
                replies=rng.randint(0, 8),
            )

    def _mastodon(self, hour: datetime, phase: str) -> None:
        """Mastodon posts from a generator of their own per hour (the other draws stay as they were);
        small accounts (followers under 5,000): the crisis weighs, no post alone alerts. Some carry
        the #acmeair tag, some only say the name (found by search), some both (one mention)."""
        rng = random.Random(f"mastodon {hour.isoformat()}")
        for _ in range(rng.randint(2, 4) if phase == "crisis" else rng.randint(0, 1)):
            add_toot(
                self.world,
                html=rng.choice(_TOOTS[phase]),
                author=f"flyer{rng.randint(1, 40)}",
                home=rng.choice(_TOOT_HOMES),
                created=hour + timedelta(minutes=rng.randint(0, 59)),
                tags=("acmeair",) if rng.random() < 0.6 else (),
                followers=rng.randint(30, 5000),
                favourites=rng.randint(0, 40),
                boosts=rng.randint(0, 10),
                replies=rng.randint(0, 8),
            )

    def _at(self, hour: datetime) -> datetime:
        return hour + timedelta(minutes=self.rng.randint(0, 59), seconds=self.rng.randint(0, 59))

    def _acme(self, hour: datetime, templates: tuple[str, ...]) -> None:
        text, roll = self.texts.draw(templates), self.rng.random()
        if roll < 0.6:
            self._reddit(hour, text, self.rng.choice(["travel", "flights"]))
        elif roll < 0.8:
            self.world.add_hn_item(
                kind="comment",
                text=text,
                author=f"hn_user{self.rng.randint(1, 99)}",
                created=self._at(hour),
                story_id=41_000_000 if templates is CALM_ACME else 41_000_001,
                story_title=_HN_THREADS[templates is CALM_ACME],
            )
        else:
            rating = 1 if templates is CRISIS_ACME else self.rng.choice([4, 5])
            self.world.add_appstore_review(
                app_id=ACME_APP,
                title=self.texts.rng.choice(BAD_REVIEW_TITLES if rating == 1 else GOOD_REVIEW_TITLES),
                content=text,
                rating=rating,
                author=f"reviewer{self.rng.randint(1, 999)}",
                created=self._at(hour),
                vote_count=self.rng.randint(0, 30),
            )

    def _reddit(self, hour: datetime, text: str, subreddit: str) -> None:
        self.world.add_reddit_post(
            title=text,
            subreddit=subreddit,
            author=f"traveller{self.rng.randint(0, 39)}",
            score=self.rng.randint(1, 60),
            num_comments=self.rng.randint(0, 12),
            created=self._at(hour),
        )
