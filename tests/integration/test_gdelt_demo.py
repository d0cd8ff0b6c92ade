"""The demo's GDELT articles (`localstack.scenario_gdelt`) through the real adapters: the outage shows
on GDELT, and the news search's articles GDELT sees again are stored once."""

from __future__ import annotations

from repmon.adapters.sources.feeds import HttpFeedSource
from repmon.adapters.sources.gdelt import GdeltSource, gdelt_session
from repmon.adapters.sources.gdelt_gate import MemoryRateGate
from repmon.domain.brand import Brand
from repmon.localstack.fakes.server import FakeSources, SourceWorld
from repmon.localstack.scenario import CRISIS, RECOVERY, Scenario
from repmon.localstack.scenario_gdelt import SETTINGS, add_gdelt


def test_the_outage_shows_on_gdelt_and_an_article_in_both_news_sources_is_one_mention() -> None:
    world = SourceWorld()
    scenario = Scenario.create(world)
    for hour in scenario.hours():
        scenario.fill_hour(hour)
        add_gdelt(world, hour, CRISIS, RECOVERY)
    world.now = RECOVERY
    with FakeSources(world) as fake:
        brand = Brand.model_validate(
            {
                "id": "acme-air",
                "name": "Acme Air",
                "query": '"acme air" OR @acmeair',
                "sources": {"feeds": {"urls": [f"{fake.base_url}/rss/search?q={{query}}"]}, **SETTINGS},
            }
        )
        gdelt = GdeltSource(fake.base_url, gdelt_session(5, 1 << 20), MemoryRateGate(0.0))
        read = gdelt.fetch(brand, None, RECOVERY).mentions
        news = HttpFeedSource(gdelt_session(5, 1 << 20)).fetch(brand, None, RECOVERY).mentions
    in_crisis = [m for m in read if CRISIS <= m.created_at < RECOVERY]
    assert len(in_crisis) >= 12 and all(m.source == "feeds" for m in read)
    shared = {m.key for m in read} & {m.key for m in news}
    # Every other news search article of an hour is seen again by GDELT, under the publisher's URL
    assert len(shared) >= 3, "news search articles seen again by GDELT are not one mention"
    by_key = {m.key: m for m in news}
    assert all(by_key[m.key].url != m.url for m in read if m.key in shared)
