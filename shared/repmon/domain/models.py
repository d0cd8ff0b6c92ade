"""Domain models: what a mention is, how it was scored, what an alert says.

Frozen dataclasses: cheap to build in the hot path, hashable, and free of any persistence concern.
All datetimes are timezone-aware UTC.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from typing import Literal

SentimentLabel = Literal["negative", "neutral", "positive"]
LABELS: tuple[SentimentLabel, ...] = ("negative", "neutral", "positive")


def label_for(score: float, negative_below: float, positive_above: float) -> SentimentLabel:
    """A score's label between a scorer's two bars (each bar belongs to its label)."""
    if score <= negative_below:
        return "negative"
    return "positive" if score >= positive_above else "neutral"


#: The aggregate bucket for a mention we did not score (another language, empty text).
UNSCORED = "unscored"
#: The most of a mention's body and title that is kept (README, "Data model"): enough for any post
#: or review a person writes, and it keeps every stored item far below DynamoDB's 400 KB.
MAX_TEXT_CHARS = 10_000
MAX_TITLE_CHARS = 300


class Source(StrEnum):
    """The platforms repmon polls. The value is the stable id used in keys, exports and config."""

    REDDIT = "reddit"
    HACKERNEWS = "hackernews"
    APPSTORE = "appstore"
    FEEDS = "feeds"
    #: GDELT's news articles: a second route to news, stored as `feeds` mentions (README, "GDELT").
    GDELT = "gdelt"
    BLUESKY = "bluesky"
    MASTODON = "mastodon"
    YOUTUBE = "youtube"
    X = "x"
    GOOGLE_PLAY = "google_play"
    APPSTORE_CONNECT = "appstore_connect"
    #: Not polled (its terms forbid storing reviews): owner-exported reviews, imported (README).
    TRIPADVISOR = "tripadvisor"
    TRUSTPILOT = "trustpilot"
    GOOGLE = "google"
    YELP = "yelp"


@dataclass(frozen=True, slots=True)
class Author:
    id: str
    handle: str
    followers: int | None = None
    karma: int | None = None
    account_created_at: datetime | None = None
    verified: bool = False


@dataclass(frozen=True, slots=True)
class Engagement:
    score: int = 0
    comments: int = 0
    shares: int = 0
    #: App Store: how many readers voted on the review (helpful or not).
    votes: int = 0
    #: Views or impressions where the platform counts them (YouTube, X).
    views: int = 0


@dataclass(frozen=True, slots=True)
class Reply:
    """The brand's first public answer to a mention: a review's owner response, or a post by one of
    the brand's own accounts that replies to it."""

    at: datetime
    url: str = ""


@dataclass(frozen=True, slots=True)
class Mention:
    """One post, comment or review as the source gave it, normalised."""

    source: str
    native_id: str
    created_at: datetime
    text: str
    url: str = ""
    author: Author = field(default_factory=lambda: Author(id="", handle=""))
    engagement: Engagement = field(default_factory=Engagement)
    rating: int | None = None
    title: str = ""
    #: Where it was said: subreddit, App Store country, HN story title.
    community: str = ""
    #: Size of that community when known (subreddit subscribers).
    community_size: int | None = None
    #: Review sites: the location (store, hotel, app) the review is about, as the site names it.
    location_id: str = ""
    location_name: str = ""
    #: App reviews: the app version reviewed (Google Play, App Store feed) and the reviewer's device
    #: (Google Play), as the store names them; "" when unknown.
    app_version: str = ""
    device: str = ""
    #: The native id of the post this one answers, when it is a reply (to match the brand's replies).
    parent_id: str = ""
    #: The brand's answer, when the source shows it (a review's developer or owner response).
    reply: Reply | None = None
    #: Written by one of the brand's own accounts (watchlist `own_accounts`): stored, never scored
    #: into the reputation index or the volume rules.
    own: bool = False
    #: Whether the brand's replies to it can be seen (its source shows them, and for replies that
    #: are own posts the brand lists its accounts there): without `reply` it is then unanswered,
    #: otherwise "reply unknown" (domain.replies.reply_status). Set by the collector.
    replies_visible: bool = False
    #: The author's tier in the brand's known-customer table (vip, customer, churn-risk), "" if none.
    customer_tier: str = ""

    @property
    def key(self) -> str:
        """The identity of a mention across polls: the source and its native id."""
        return f"{self.source}#{self.native_id}"

    @property
    def full_text(self) -> str:
        """Title and body together: what the brand query and the scorer read."""
        return f"{self.title}\n{self.text}" if self.title else self.text

    def capped(self) -> Mention:
        """This mention with its body and title cut to MAX_TEXT_CHARS and MAX_TITLE_CHARS, and a lone
        surrogate (half an emoji, e.g. from a source's own truncation) made "?" so the text can be stored."""
        text, title = _storable(self.text[:MAX_TEXT_CHARS]), _storable(self.title[:MAX_TITLE_CHARS])
        return self if (text, title) == (self.text, self.title) else replace(self, text=text, title=title)

    @property
    def display_text(self) -> str:
        """Title and body on one line for people, with a separator so they never run together."""
        return " - ".join(part.strip() for part in (self.title, self.text) if part.strip())


def _storable(text: str) -> str:
    return text if text.isascii() else text.encode("utf-8", "replace").decode()


@dataclass(frozen=True, slots=True)
class Sentiment:
    """A scorer's verdict. `label` None means unscored (see `language`, `reasons`)."""

    label: SentimentLabel | None
    score: float
    language: str = "en"
    reasons: tuple[str, ...] = ()

    @property
    def bucket(self) -> str:
        return self.label or UNSCORED


@dataclass(frozen=True, slots=True)
class ScoredMention:
    """A mention matched to a brand, with its sentiment and its author's influence (0-100)."""

    brand_id: str
    mention: Mention
    sentiment: Sentiment
    influence: float
    #: The source whose poll read it, when not `mention.source` (App Store Connect's reviews are App
    #: Store mentions, GDELT's articles feeds mentions): the hourly count counts it there. Not stored.
    route: str = ""

    @property
    def key(self) -> str:
        return self.mention.key


@dataclass(frozen=True, slots=True)
class HourlyAggregate:
    """Counts and sums for one brand and one UTC hour. Built from stored mentions, counted once each."""

    brand_id: str
    hour: datetime
    mentions: int = 0
    negative: int = 0
    neutral: int = 0
    positive: int = 0
    unscored: int = 0
    #: Sum of sentiment scores of scored mentions, and the influence-weighted sums used by the index.
    sentiment_sum: float = 0.0
    weight_sum: float = 0.0
    weighted_sentiment_sum: float = 0.0
    by_source: dict[str, int] = field(default_factory=dict)


class Severity(StrEnum):
    INFO = "info"
    WARNING = "warning"
    CRITICAL = "critical"


@dataclass(frozen=True, slots=True)
class IncidentNote:
    """What makes an email one step of a brand's incident (domain.incident): the incident's id, when
    it opened, the step's status line and the incident's own lines (evidence so far, or its totals)."""

    incident_id: str
    #: "09:30 CET, 08:30 UTC": the subject quotes it, so every email of the incident threads together.
    opened: str
    #: OPEN, WORSE, REMINDER, RESOLVED or HELD (the quiet-hours summary).
    status: str
    lines: tuple[str, ...] = ()
    #: The body's first line when the rule's headline would not say it (resolved, quiet hours).
    headline: str = ""


@dataclass(frozen=True, slots=True)
class Alert:
    """One notification: a rule crossed for a brand at an evaluation time."""

    alert_id: str
    brand_id: str
    brand_name: str
    rule: str
    severity: Severity
    fired_at: datetime
    summary: str
    index: float | None
    change: float | None
    top_mentions: tuple[ScoredMention, ...] = ()
    details: dict[str, float | int | str] = field(default_factory=dict)
    #: The SNS `kind` attribute subscriptions filter on: alert, update, resolved (incidents), digest, ops.
    kind: str = "alert"
    incident: IncidentNote | None = None
