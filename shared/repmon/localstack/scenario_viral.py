"""The demo's complaint going viral: frequent_flyer_fran's thread (scenario.Scenario.fill_hour) is
first read with about ten upvotes and doubles every 10 minutes to 20,000, so the collector's
engagement re-reads see it spread and `viral_negative` fires before its reach is in any volume."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta

from repmon.localstack.fakes.server import SourceWorld

AUTHOR = "frequent_flyer_fran"
PEAK = 20_000


def spread(world: SourceWorld, at: datetime) -> None:
    """Set the thread's score and comments to what they are `at` (called before each demo cycle)."""
    for key, post in list(world.posts.items()):
        if post.author != AUTHOR or post.created > at:
            continue
        doublings = (at - post.created) / timedelta(minutes=10)
        score = min(PEAK, int(8 * 2**doublings))
        world.posts[key] = dataclasses.replace(post, score=score, num_comments=score // 6)
