"""The YouTube quota shared out over the brands and the day (domain.youtube_quota), and the watchlist
keys it reads (domain.sources.youtube)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError

from repmon.domain.sources.youtube import YouTubeSettings
from repmon.domain.youtube_quota import QuotaPlan, previous_day, quota_day

DAY = datetime(2026, 11, 29, 8, 0, tzinfo=UTC)  # midnight Pacific (PST)


def test_the_quota_day_is_the_pacific_date() -> None:
    assert quota_day(DAY - timedelta(minutes=1)) == "2026-11-28" and quota_day(DAY) == "2026-11-29"
    assert quota_day(datetime(2026, 7, 1, 7, 0, tzinfo=UTC)) == "2026-07-01"  # PDT: UTC-7
    assert previous_day("2026-03-01") == "2026-02-28"


@pytest.mark.parametrize(
    ("brands", "pages", "every"),
    [(1, 1, 2), (5, 1, 6), (10, 1, 12), (50, 1, 60), (10, 2, 24)],
)
def test_a_brand_searches_every_n_polls_so_the_brands_fit_the_search_share(brands, pages, every) -> None:
    plan = QuotaPlan()  # 100 searches a day, 80% ours, polls every 15 minutes
    assert plan.search_cap == 80 and plan.search_every(brands, pages) == every
    turns = {
        (b, plan.search_turn(f"brand-{b}", DAY + timedelta(minutes=15 * slot), brands, pages))
        for b in range(brands)
        for slot in range(96)
    }
    assert len(turns) * pages <= plan.search_cap + brands * pages  # a turn cut by midnight at most each


def test_a_brand_polled_less_often_than_its_turns_searches_at_each_poll_never_more() -> None:
    plan = QuotaPlan()  # one brand: a turn is 2 polls of 15 minutes
    hourly = [plan.search_turn("acme-air", DAY + timedelta(hours=h), 1, 1) for h in range(24)]
    assert len(set(hourly)) == 24  # each hourly poll is in a new turn: it may search
    quarter = [plan.search_turn("acme-air", DAY + timedelta(minutes=15 * s), 1, 1) for s in range(96)]
    assert len(set(quarter)) in (48, 49)
    assert QuotaPlan(searches_per_day=0).search_turn("acme-air", DAY, 1, 1) is None


def test_reads_are_spread_over_the_day_and_add_up_to_the_brands_share() -> None:
    plan = QuotaPlan()
    for brands in (1, 7, 300):
        per_brand = [
            sum(plan.units_this_poll(f"b{b}", DAY + timedelta(minutes=15 * s), brands) for s in range(96))
            for b in range(min(brands, 20))
        ]
        share = plan.read_units / brands
        assert all(abs(units - share) <= 1 for units in per_brand), (brands, per_brand[:3], share)


def test_the_older_model_counts_searches_in_the_pool_and_leaves_reads_half() -> None:
    plan = QuotaPlan(searches_per_day=0, search_units=100)
    assert (plan.search_cap, plan.unit_cap, plan.read_units) == (40, 8000, 4000)
    assert QuotaPlan(searches_per_day=0, search_units=0).search_every(1, 1) == 0


def test_youtube_settings_defaults_and_checks() -> None:
    assert not YouTubeSettings().active and YouTubeSettings(enabled=True).active
    on = YouTubeSettings(channel_id=" UCacmeAirOfficial0000001 ")
    assert on.active and on.channel_id == "UCacmeAirOfficial0000001"
    assert (on.search, on.search_pages, on.watch_days, on.max_videos, on.max_items) == (True, 1, 3, 10, 200)
    for bad in ("@acmeair", "UCshort", "https://www.youtube.com/channel/UCacmeAirOfficial0000001"):
        with pytest.raises(ValidationError, match="not a channel id"):
            YouTubeSettings(channel_id=bad)
    with pytest.raises(ValidationError):
        YouTubeSettings(search_pages=6)


def test_the_brands_channel_is_one_of_its_own_accounts_and_own_accounts_are_channel_ids() -> None:
    settings = YouTubeSettings(
        channel_id="UCacmeAirOfficial0000001", own_accounts=("UCacmeAirSupport00000002",)
    )
    assert settings.own_accounts == ("ucacmeairsupport00000002", "ucacmeairofficial0000001")
    with pytest.raises(ValidationError, match="not a YouTube channel id"):
        YouTubeSettings(own_accounts=("@acmeair",))


def test_brands_validate_names_file_line_brand_and_field_of_youtube_keys(tmp_path, capsys) -> None:
    from repmon.cli.main import main

    watchlist = tmp_path / "brands.yaml"
    watchlist.write_text(
        "brands:\n"
        "  - id: acme\n"
        "    name: Acme\n"
        "    query: acme\n"
        "    sources:\n"
        "      youtube:\n"
        '        channel_id: "@acmeair"\n'
        "        search_pages: 9\n"
        "        serch: true\n",
        encoding="utf-8",
    )
    assert main(["brands", "validate", str(watchlist)]) == 2
    err = capsys.readouterr().err
    assert f"{watchlist}:7: brand 'acme', sources.youtube.channel_id: '@acmeair' is not a channel id" in err
    assert f"{watchlist}:8: brand 'acme', sources.youtube.search_pages: must be at most 5 (got 9)" in err
    assert f"{watchlist}:9: brand 'acme', sources.youtube.serch: unknown key; did you mean 'search'?" in err
