"""The sources repmon listens to, in one table: adding a source is a row here plus its own files.

A row names what the rest of the system needs to know about a source, and every consumer reads it:
the watchlist's `sources:` section (`SourceSettings`, so `brands validate` knows its keys), plan_polls
(which queue), the collector's wiring (the adapter factory, its secret), the collector (whether the
brand query applies), influence (its formula), alerts (its label), the local stack and the demo (its
fake endpoint), the backtest and the export (its `source` value).

Adapters and fakes are named as "module:function" and imported by whoever builds them, so the domain
stays free of HTTP clients and a collector that only sees one source imports only that one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from repmon.domain import influence as formulas
from repmon.domain.models import Mention, Source
from repmon.domain.sources import SourceOptions, Strict
from repmon.domain.sources.appstore import AppStoreSettings
from repmon.domain.sources.appstore_connect import AppStoreConnectSettings
from repmon.domain.sources.bluesky import BlueskySettings
from repmon.domain.sources.feeds import FeedSettings
from repmon.domain.sources.gdelt import GdeltSettings
from repmon.domain.sources.google import GoogleSettings
from repmon.domain.sources.google_play import GooglePlaySettings
from repmon.domain.sources.hackernews import HackerNewsSettings
from repmon.domain.sources.mastodon import MastodonSettings
from repmon.domain.sources.reddit import RedditSettings
from repmon.domain.sources.trustpilot import TrustpilotSettings
from repmon.domain.sources.x import XSettings
from repmon.domain.sources.yelp import YelpSettings
from repmon.domain.sources.youtube import YouTubeSettings


class Queue(StrEnum):
    """The poll-job queues (template.yaml): Reddit's concurrency is capped per client id."""

    SHARED = "shared"
    REDDIT = "reddit"


class Replies(StrEnum):
    """Whether and how a source shows the brand's replies (README, "Replies")."""

    #: It cannot: its mentions are "reply unknown", never "unanswered" (App Store RSS, feeds).
    NONE = "none"
    #: Through the brand's own posts that answer a mention (`parent_id`): seen when the brand lists
    #: its accounts there (`own_accounts`). Only for a source whose adapter reads those accounts'
    #: posts whatever they say (a search for the brand's terms misses "Sorry, DM us").
    OWN_POSTS = "own_posts"
    #: The item itself carries the brand's response (a review's developer or owner response).
    FIELD = "field"


@dataclass(frozen=True)
class SourceSpec:
    name: Source
    #: As people read it: alert emails, the demo's tables.
    label: str
    settings: type[SourceOptions]
    influence: Callable[[Mention, datetime], float]
    queue: Queue = Queue.SHARED
    #: The CollectSettings field holding its Secrets Manager secret's name; None: needs no secret.
    secret: str | None = None
    #: Whether the brand query filters its items (App Store reviews are of the brand's own app).
    filtered: bool = True
    #: How it shows the brand's replies; NONE leaves its mentions "reply unknown".
    replies: Replies = Replies.NONE
    #: Its column heading in narrow tables (the demo's progress), when its name is too long.
    short: str = ""
    #: False: never polled (no adapter, fake nor watchlist key); its mentions only come imported
    #: (the backtest/import input), and count in the export and digests like any other.
    polled: bool = True
    #: Its mentions are stored as this source's (App Store Connect's are App Store reviews); the hourly
    #: count (export column `mentions_<name>`) still counts under it those its polls stored first.
    mentions_as: str = ""

    @property
    def heading(self) -> str:
        return self.short or self.name.value

    @property
    def adapter(self) -> str:
        """ "module:function" building its `MentionSource` from (CollectSettings, session, logger)."""
        return f"repmon.adapters.sources.{self.name.value}:build_source"

    @property
    def fake(self) -> str:
        """ "module:function" answering its requests on the local fake server (`localstack.fakes`)."""
        return f"repmon.localstack.fakes.{self.name.value}:route"


SOURCES: dict[str, SourceSpec] = {
    spec.name.value: spec
    for spec in (
        SourceSpec(
            Source.REDDIT,
            "Reddit",
            RedditSettings,
            influence=formulas.reddit,
            queue=Queue.REDDIT,
            secret="reddit_secret_name",
            replies=Replies.OWN_POSTS,  # each own account's comments (/user/<name>/comments)
        ),
        SourceSpec(
            Source.HACKERNEWS,
            "Hacker News",
            HackerNewsSettings,
            influence=formulas.hackernews,
            short="hn",
            replies=Replies.OWN_POSTS,
        ),
        SourceSpec(
            Source.APPSTORE, "App Store", AppStoreSettings, influence=formulas.appstore, filtered=False
        ),
        SourceSpec(Source.FEEDS, "News and feeds", FeedSettings, influence=formulas.feeds),
        # Its articles are `feeds` mentions (one news identity with a news search feed's entries).
        SourceSpec(
            Source.GDELT,
            "GDELT news",
            GdeltSettings,
            influence=formulas.feeds,
            mentions_as=Source.FEEDS.value,
        ),
        SourceSpec(
            Source.BLUESKY,
            "Bluesky",
            BlueskySettings,
            influence=formulas.bluesky,
            secret="bluesky_secret_name",
            replies=Replies.OWN_POSTS,  # each own account's feed (getAuthorFeed), whatever it says
        ),
        SourceSpec(
            Source.MASTODON,
            "Mastodon",
            MastodonSettings,
            influence=formulas.mastodon,
            secret="mastodon_secret_name",
            short="masto",
            replies=Replies.OWN_POSTS,  # each own account's statuses, parents resolved to their uri
        ),
        SourceSpec(
            Source.YOUTUBE,
            "YouTube",
            YouTubeSettings,
            influence=formulas.youtube,
            secret="youtube_secret_name",
            filtered=False,
            short="yt",
            replies=Replies.OWN_POSTS,
        ),
        SourceSpec(
            Source.X,
            "X",
            XSettings,
            influence=formulas.x,
            secret="x_secret_name",
            replies=Replies.OWN_POSTS,
        ),
        SourceSpec(
            Source.GOOGLE_PLAY,
            "Google Play",
            GooglePlaySettings,
            influence=formulas.google_play,
            secret="google_play_secret_name",
            filtered=False,
            replies=Replies.FIELD,
            short="play",
        ),
        SourceSpec(
            Source.APPSTORE_CONNECT,
            "App Store Connect",
            AppStoreConnectSettings,
            influence=formulas.appstore,
            secret="appstore_connect_secret_name",
            filtered=False,
            replies=Replies.FIELD,
            short="asc",
            mentions_as=Source.APPSTORE.value,
        ),
        # Its Content API's terms forbid storing anything but the location id (README, "Review sites").
        SourceSpec(
            Source.TRIPADVISOR,
            "Tripadvisor",
            SourceOptions,
            influence=formulas.tripadvisor,
            filtered=False,
            replies=Replies.FIELD,
            polled=False,
        ),
    )
}
# The review sites (issue 15): each lists the brand's own locations, so the query does not filter them.
SOURCES |= {
    spec.name.value: spec
    for spec in (
        SourceSpec(
            Source.TRUSTPILOT,
            "Trustpilot",
            TrustpilotSettings,
            influence=formulas.trustpilot,
            secret="trustpilot_secret_name",
            filtered=False,
            short="tpilot",
            replies=Replies.FIELD,
        ),
        SourceSpec(
            Source.GOOGLE,
            "Google",
            GoogleSettings,
            influence=formulas.google,
            secret="google_secret_name",
            filtered=False,
            replies=Replies.FIELD,
        ),
        SourceSpec(
            Source.YELP,
            "Yelp",
            YelpSettings,
            influence=formulas.yelp,
            secret="yelp_secret_name",
            filtered=False,
        ),
    )
}
#: The sources plan_polls schedules and the collector reads: one watchlist key each.
POLLED: dict[str, SourceSpec] = {name: spec for name, spec in SOURCES.items() if spec.polled}


class SourceSettings(Strict):
    """The watchlist's `sources:` section: one key per row of `SOURCES`, each with its defaults."""

    reddit: RedditSettings = RedditSettings()
    hackernews: HackerNewsSettings = HackerNewsSettings()
    appstore: AppStoreSettings = AppStoreSettings()
    feeds: FeedSettings = FeedSettings()
    gdelt: GdeltSettings = GdeltSettings()
    bluesky: BlueskySettings = BlueskySettings()
    mastodon: MastodonSettings = MastodonSettings()
    trustpilot: TrustpilotSettings = TrustpilotSettings()
    google: GoogleSettings = GoogleSettings()
    yelp: YelpSettings = YelpSettings()
    youtube: YouTubeSettings = YouTubeSettings()
    x: XSettings = XSettings()
    google_play: GooglePlaySettings = GooglePlaySettings()
    appstore_connect: AppStoreConnectSettings = AppStoreConnectSettings()

    def replies_visible(self, source: str, location_id: str | None = None) -> bool:
        """Whether the brand's replies on `source` (at `location_id`) can be seen (README, "Replies")."""
        row = SOURCES.get(source)
        if self._connect_shows(source, location_id):
            return True
        if row is None or row.replies is Replies.NONE:
            return False
        # An imported source (Tripadvisor) has no watchlist settings: its reviews are the brand's own.
        options = getattr(self, source, None)
        if options is not None and not options.manages(location_id):
            return False
        return row.replies is Replies.FIELD or bool(options is not None and options.own_accounts)

    def _connect_shows(self, source: str, location_id: str | None) -> bool:
        """App Store Connect reads every review of its app with the developer's response, and stores
        them as App Store mentions: with it on, an App Store review of that app shows its reply,
        whichever route stored it (the public feed's carry no app id: `appstore.app_id` says which)."""
        connect = self.appstore_connect
        if source != Source.APPSTORE.value or not connect.active or not connect.app_id:
            return False
        return location_id == connect.app_id or (not location_id and self.appstore.app_id == connect.app_id)

    def enabled(self) -> list[str]:
        """The sources plan_polls schedules for the brand, in the table's order."""
        return [name for name in POLLED if getattr(self, name).active]


def spec(name: str) -> SourceSpec | None:
    return SOURCES.get(name)


def same_mentions(name: str) -> tuple[str, ...]:
    """The sources whose mentions are one identity with `name`'s (App Store and App Store Connect;
    GDELT and feeds): a review both read counts under the one that stored it first, so whether
    `name` went quiet is judged on their counts together."""
    shared = SOURCES[name].mentions_as or name if name in SOURCES else name
    return tuple(s for s, sp in SOURCES.items() if (sp.mentions_as or s) == shared) or (name,)


if set(SourceSettings.model_fields) != set(POLLED) or set(SOURCES) != {s.value for s in Source}:
    raise RuntimeError(
        "source_registry: SOURCES and models.Source must name the same sources,"
        " SourceSettings the polled ones"
    )


def influence(mention: Mention, now: datetime) -> float:
    """The mention's influence, 0-100: its source's formula (domain.influence), clamped and rounded."""
    spec = SOURCES.get(mention.source)
    score = (spec.influence if spec else formulas.other)(mention, now)
    return round(min(100.0, max(0.0, score)), 2)
