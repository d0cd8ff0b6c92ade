"""infra/athena/queries/replies_per_location.sql, run by DuckDB over a real export: reply rate and
time to first reply per review site, location and week, the rows worked out by hand below, the same
figures as `domain.response_metrics.figures` (the digest's); the README quotes it verbatim."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from moto import mock_aws

from repmon.adapters.dynamo_store import DynamoMentionStore
from repmon.adapters.export_sinks import LocalDirSink
from repmon.domain.models import Reply, ScoredMention
from repmon.domain.response_metrics import answerable, figures, minutes_to_reply
from repmon.runtime.export_wiring import export_all
from tests.fakes import FixedClock
from tests.integration.test_export import TABLE, make_stack, mention
from tests.integration.test_export_duckdb import ATHENA, connect, query

README = ATHENA.parents[1] / "README.md"
W1, W2 = date(2026, 11, 2), date(2026, 11, 9)  # Mondays
T0 = datetime(2026, 11, 2, 9, tzinfo=UTC)
PARIS, LYON = ("paris", "Acme Paris"), ("lyon", "Acme Lyon")


def review(
    n: int,
    source: str,
    stars: int | None,
    *,
    where: tuple[str, str] | None = None,
    reply_after: int | None = None,  # minutes
    brand: str = "acme",
    visible: bool = True,
    own: bool = False,
    at: datetime = T0,
) -> ScoredMention:
    sm = mention(n, at + timedelta(minutes=n), brand=brand, source=source)
    m = sm.mention
    reply = None if reply_after is None else Reply(m.created_at + timedelta(minutes=reply_after))
    place = where or ("", "")  # what a parser gives for a site without locations
    m = replace(m, rating=stars, location_id=place[0], location_name=place[1], reply=reply)
    return replace(sm, mention=replace(m, replies_visible=visible and not own, own=own))


SEED = [
    # Trustpilot, two locations of one site.
    review(1, "trustpilot", 1, where=PARIS, reply_after=30),
    review(2, "trustpilot", 2, where=PARIS, reply_after=90),
    review(3, "trustpilot", 5, where=PARIS, reply_after=10),
    review(4, "trustpilot", 1, where=PARIS),
    review(5, "trustpilot", 5, where=PARIS, own=True),  # the brand's own: not a review of it
    review(6, "trustpilot", 3, where=LYON, reply_after=120),
    review(7, "trustpilot", 1, where=LYON, reply_after=-5),  # clock skew: zero minutes
    # Google Play: no locations, the site itself; a second week.
    review(8, "google_play", 2, reply_after=45),
    review(9, "google_play", 5),
    review(10, "google_play", 1, at=T0 + timedelta(days=8)),
    # App Store RSS: cannot show the brand's answers, so nothing is answerable and no rate.
    review(11, "appstore", 1, visible=False),
    review(12, "appstore", 4, visible=False),
    # A post, not a review; another brand at a location of the same id.
    review(13, "reddit", None, reply_after=5),
    review(14, "trustpilot", 2, where=("paris", "Globex Paris"), brand="globex", reply_after=60),
]

# brand, site, location_id, location_name, week, scope, reviews, answerable, replied, reply rate,
# median and p90 minutes (nearest rank: the 2nd and 3rd of Paris's 10, 30, 90).
EXPECTED = [
    ("acme", "appstore", "", None, W1, "all", 2, 0, 0, None, None, None),
    ("acme", "appstore", "", None, W1, "low_star", 1, 0, 0, None, None, None),
    ("acme", "google_play", "", None, W1, "all", 2, 2, 1, 0.5, 45.0, 45.0),
    ("acme", "google_play", "", None, W1, "low_star", 1, 1, 1, 1.0, 45.0, 45.0),
    ("acme", "google_play", "", None, W2, "all", 1, 1, 0, 0.0, None, None),
    ("acme", "google_play", "", None, W2, "low_star", 1, 1, 0, 0.0, None, None),
    ("acme", "trustpilot", "lyon", "Acme Lyon", W1, "all", 2, 2, 2, 1.0, 0.0, 120.0),
    ("acme", "trustpilot", "lyon", "Acme Lyon", W1, "low_star", 1, 1, 1, 1.0, 0.0, 0.0),
    ("acme", "trustpilot", "paris", "Acme Paris", W1, "all", 4, 4, 3, 0.75, 30.0, 90.0),
    ("acme", "trustpilot", "paris", "Acme Paris", W1, "low_star", 3, 3, 2, 0.6667, 30.0, 90.0),
    ("globex", "trustpilot", "paris", "Globex Paris", W1, "all", 1, 1, 1, 1.0, 60.0, 60.0),
    ("globex", "trustpilot", "paris", "Globex Paris", W1, "low_star", 1, 1, 1, 1.0, 60.0, 60.0),
]


@pytest.fixture(scope="module")
def rows(tmp_path_factory):
    root = tmp_path_factory.mktemp("replies export")
    with mock_aws():
        ddb, _ = make_stack()
        DynamoMentionStore(TABLE, FixedClock(T0 + timedelta(days=9)), ddb, retention_days=90).save(SEED)
        export_all(TABLE, ddb, LocalDirSink(root))
    return query(connect(root, first="'2026-11-02'", last="'2026-11-10'"), "replies_per_location")


def plain(value):  # type: ignore[no-untyped-def]
    return float(value) if isinstance(value, Decimal) else value


def test_the_query_gives_each_site_location_week_and_scope_exactly(rows) -> None:  # type: ignore[no-untyped-def]
    assert [tuple(plain(v) for v in r.values()) for r in rows] == EXPECTED


def test_each_row_has_the_figures_the_digest_computes_for_those_reviews(rows) -> None:  # type: ignore[no-untyped-def]
    for row in rows:
        group = [
            sm
            for sm in SEED
            if (sm.brand_id, sm.mention.source, sm.mention.location_id or "")
            == (row["brand_id"], row["source"], row["location_id"])
            and sm.mention.rating is not None
            and not sm.mention.own
            and 0 <= (sm.mention.created_at.date() - row["week"]).days < 7
            and (row["scope"] == "all" or sm.mention.rating <= 2)
        ]
        f = figures(minutes_to_reply(sm) for sm in group if answerable(sm))
        got = (row["answerable"], row["replied"], plain(row["median_minutes"]), plain(row["p90_minutes"]))
        assert got == (f.mentions, f.replied, f.median_minutes, f.p90_minutes)
        assert row["reviews"] == len(group)


def test_the_readme_quotes_the_query_verbatim() -> None:
    readme = README.read_text()
    section = readme[readme.index("## For analysts") :]
    section = section[: section.find("\n## ", 1)]
    assert f"```sql\n{(ATHENA / 'queries' / 'replies_per_location.sql').read_text()}```" in section
