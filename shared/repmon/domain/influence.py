"""Influence: how far a mention is likely to carry, 0-100, from what its platform tells us.

Each signal is squashed onto 0..1 with a saturating log scale, then weighted; the weights of a platform
sum to 100. Log scales because reach is multiplicative: 10 to 100 upvotes matters as much as 1,000
to 10,000. A value the source did not give (None) or that is negative contributes 0, never an error.

    sat(x, cap) = min(1, log10(1 + max(x, 0)) / log10(1 + cap))

Reddit      35 * sat(author link+comment karma, 1,000,000)
          + 15 * min(1, log(1 + account age in days) / log(1 + 3650))      (10 years saturates)
          + 25 * sat(post score, 100,000)
          + 10 * sat(comment count, 10,000)
          + 15 * sat(subreddit subscribers, 50,000,000)
Hacker News 70 * sat(points, 2,000) + 30 * sat(comment count, 1,000)
App Store   60 * sat(voteCount, 1,000) + 40 * sat(voteSum, 500)    (readers who voted; found it helpful)
Feeds       the site's weight, 0-100 (`sources.feeds.site_weights` by publisher domain, else
            `default_weight`, 20); the adapter keeps it on the mention as its score
Mastodon    40 * sat(author followers, 1,000,000)
          + 10 * min(1, log(1 + account age in days) / log(1 + 3650))
          + 25 * sat(boosts + quotes, 10,000)
          + 15 * sat(favourites, 50,000)
          + 10 * sat(replies, 5,000)
Bluesky     40 * sat(author followers, 1,000,000)                         (getProfiles)
          + 10 * min(1, log(1 + account age in days) / log(1 + 3650))
          + 25 * sat(likes, 10,000)
          + 15 * sat(reposts + quotes, 5,000)
          + 10 * sat(replies, 2,000)
YouTube     45 * sat(channel subscribers, 10,000,000)                    (channels.list)
          + 25 * sat(likes, 100,000)
          + 20 * sat(views, 10,000,000)                                  (videos; comments have none)
          + 10 * sat(replies or comments, 10,000)
X           35 * sat(author followers, 10,000,000)                        (includes.users)
          +  8 * min(1, log(1 + account age in days) / log(1 + 3650))
          + 15 * sat(likes, 100,000)
          + 12 * sat(retweets + quotes, 20,000)
          +  8 * sat(replies, 10,000)
          + 17 * sat(impressions, 10,000,000)                                 (public_metrics)
          +  5 if the author is verified (any verified_type)
Google Play 60 * sat(thumbs up + thumbs down, 1,000) + 40 * sat(thumbs up, 500)  (no reviewer record)
App Store Connect: its reviews are App Store mentions (the App Store's formula; no votes, so 0)
Tripadvisor 60 * sat(the reviewer's contributions, 1,000) + 40 * sat(helpful votes, 100)
            (imported: author.karma and engagement.votes of the input line)
Trustpilot  70 * sat(the reviewer's number of reviews, 500) + 30 * sat(the review's likes, 100)
Google      40 * sat(the location's number of reviews, 10,000)   (neither API gives the reviewer's record)
Yelp        40 * sat(the business's number of reviews, 10,000)   (the API gives no reviewer record)
Other       100 * sat(author followers, 10,000,000)

Which formula a source uses is its row in `domain.source_registry`.
Every term is non-decreasing in its input, so influence is monotonic in each signal. Account age
counts from `account_created_at` to the mention's `now`; a future creation date counts as 0 days.
"""

from __future__ import annotations

import math
from datetime import datetime

from repmon.domain.models import Mention


def saturate(value: float | None, cap: float) -> float:
    """log10(1 + value) / log10(1 + cap), clipped to 0..1; None, NaN and negatives give 0."""
    if value is None or not value > 0:
        return 0.0
    return min(1.0, math.log10(1 + value) / math.log10(1 + cap))


def _age_days(created: datetime | None, now: datetime) -> float | None:
    if created is None:
        return None
    try:
        return max((now - created).total_seconds() / 86400, 0.0)
    except TypeError:  # naive vs aware datetimes: treat as unknown, never crash
        return None


def _age_score(days: float | None) -> float:
    if days is None or not days > 0:
        return 0.0
    return min(1.0, math.log1p(days) / math.log1p(3650))


def reddit(m: Mention, now: datetime) -> float:
    return (
        35 * saturate(m.author.karma, 1_000_000)
        + 15 * _age_score(_age_days(m.author.account_created_at, now))
        + 25 * saturate(m.engagement.score, 100_000)
        + 10 * saturate(m.engagement.comments, 10_000)
        + 15 * saturate(m.community_size, 50_000_000)
    )


def hackernews(m: Mention, now: datetime) -> float:
    return 70 * saturate(m.engagement.score, 2_000) + 30 * saturate(m.engagement.comments, 1_000)


def appstore(m: Mention, now: datetime) -> float:
    return 60 * saturate(m.engagement.votes, 1_000) + 40 * saturate(m.engagement.score, 500)


def feeds(m: Mention, now: datetime) -> float:
    return float(min(100, max(0, m.engagement.score)))


def mastodon(m: Mention, now: datetime) -> float:
    return (
        40 * saturate(m.author.followers, 1_000_000)
        + 10 * _age_score(_age_days(m.author.account_created_at, now))
        + 25 * saturate(m.engagement.shares, 10_000)
        + 15 * saturate(m.engagement.score, 50_000)
        + 10 * saturate(m.engagement.comments, 5_000)
    )


def bluesky(m: Mention, now: datetime) -> float:
    return (
        40 * saturate(m.author.followers, 1_000_000)
        + 10 * _age_score(_age_days(m.author.account_created_at, now))
        + 25 * saturate(m.engagement.score, 10_000)
        + 15 * saturate(m.engagement.shares, 5_000)
        + 10 * saturate(m.engagement.comments, 2_000)
    )


def youtube(m: Mention, now: datetime) -> float:
    return (
        45 * saturate(m.author.followers, 10_000_000)
        + 25 * saturate(m.engagement.score, 100_000)
        + 20 * saturate(m.engagement.views, 10_000_000)
        + 10 * saturate(m.engagement.comments, 10_000)
    )


def x(m: Mention, now: datetime) -> float:
    # Impressions are the one platform-measured reach; verified is a bonus only: it is bought.
    return (
        35 * saturate(m.author.followers, 10_000_000)
        + 8 * _age_score(_age_days(m.author.account_created_at, now))
        + 15 * saturate(m.engagement.score, 100_000)
        + 12 * saturate(m.engagement.shares, 20_000)
        + 8 * saturate(m.engagement.comments, 10_000)
        + 17 * saturate(m.engagement.views, 10_000_000)
        + (5 if m.author.verified else 0)
    )


def google_play(m: Mention, now: datetime) -> float:
    # Play gives no reviewer record, only how readers rated the review: thumbs up as its score.
    return 60 * saturate(m.engagement.votes, 1_000) + 40 * saturate(m.engagement.score, 500)


def tripadvisor(m: Mention, now: datetime) -> float:
    return 60 * saturate(m.author.karma, 1_000) + 40 * saturate(m.engagement.votes, 100)


def trustpilot(m: Mention, now: datetime) -> float:
    # The reviewer's number of reviews is kept as their standing on the site (Author.karma).
    return 70 * saturate(m.author.karma, 500) + 30 * saturate(m.engagement.score, 100)


def google(m: Mention, now: datetime) -> float:
    # Neither Google API gives the reviewer's record: how many read the location stands in.
    return 40 * saturate(m.community_size, 10_000)


def yelp(m: Mention, now: datetime) -> float:
    return 40 * saturate(m.community_size, 10_000)


def other(m: Mention, now: datetime) -> float:
    return 100 * saturate(m.author.followers, 10_000_000)
