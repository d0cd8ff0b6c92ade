"""The demo's YouTube (localstack.scenario_youtube) as the collector reads it: calm comments, the
outage in the channel's comments and a traveller's video found by search, none alerting alone."""

from __future__ import annotations

from datetime import timedelta

from pydantic import SecretStr

from repmon.adapters.sources.youtube import YouTubeSource
from repmon.domain.source_registry import influence
from repmon.domain.youtube_quota import QuotaPlan
from repmon.localstack.fakes.server import FakeSources, SourceWorld
from repmon.localstack.fakes.youtube import api_url
from repmon.localstack.scenario import CRISIS, START, Scenario, demo_brands
from repmon.localstack.scenario_youtube import SECRET
from tests.youtube_ledger import MemoryQuotaLedger


def test_the_demos_crisis_shows_on_youtube_and_no_single_item_reaches_the_influencer_rule():
    world = SourceWorld()
    scenario = Scenario.create(world)
    with FakeSources(world) as fake:
        brand = demo_brands(fake.base_url)[0]
        source = YouTubeSource(
            SecretStr(SECRET["api_key"]),
            MemoryQuotaLedger(),
            base_url=api_url(fake.base_url),
            plan=QuotaPlan(),
        )
        cursor, by_hour = None, {}
        for hour in scenario.hours():
            if hour > CRISIS + timedelta(hours=4):
                break
            scenario.fill_hour(hour)
            world.now = hour + timedelta(hours=1)
            page = source.fetch(brand, cursor, world.now)
            cursor, by_hour[hour] = page.cursor, page.mentions
    calm = [m for h, ms in by_hour.items() if h < CRISIS for m in ms]
    crisis = [m for h, ms in by_hour.items() if h >= CRISIS for m in ms]
    assert calm and len(crisis) >= 3 * 4  # the outage: several comments an hour
    videos = [m for m in crisis if m.title.startswith("Stranded by the Acme Air outage")]
    assert len(videos) == 1 and videos[0].engagement.views == 38_000
    assert max(influence(m, world.now) for m in calm + crisis) < 70
    assert all(m.created_at >= START for m in calm + crisis)
