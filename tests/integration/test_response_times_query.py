"""infra/athena/queries/response_times.sql, run by DuckDB over a real export, gives exactly what
`domain.response_metrics` computes from the stored mentions (the digest's figures), and the README's
"For analysts" section quotes it verbatim."""

from __future__ import annotations

from pathlib import Path

import pytest

from repmon.domain.response_metrics import response_metrics
from tests.integration import test_export_duckdb
from tests.integration.test_export_duckdb import ATHENA, BRANDS, SINCE, UNTIL, connect, query

exported = test_export_duckdb.exported  # the small real export (replies on Reddit) and its store
README = ATHENA.parents[1] / "README.md"


@pytest.fixture
def db(exported, tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    return connect(exported[0])


def test_the_query_matches_the_domains_figures_row_for_row(exported, db) -> None:  # type: ignore[no-untyped-def]
    store = exported[1]
    rows = query(db, "response_times")
    expected = []
    for brand in BRANDS:
        for r in response_metrics(store.mentions_between(brand, SINCE, UNTIL)):
            rate = round(r.reply_rate, 4)
            expected.append(
                (
                    brand,
                    r.source,
                    r.week,
                    r.scope,
                    r.mentions,
                    r.replied,
                    rate,
                    r.median_minutes,
                    r.p90_minutes,
                )
            )
    got = [
        (
            r["brand_id"], r["source"], r["week"], r["scope"], r["mentions"], r["replied"], r["reply_rate"],
            None if r["median_minutes"] is None else float(r["median_minutes"]),
            None if r["p90_minutes"] is None else float(r["p90_minutes"]),
        )
        for r in rows
    ]  # fmt: skip
    assert sorted(got) == sorted(expected)
    # The seed shows the brand's answers on Reddit and Trustpilot only: the other sources are
    # "reply unknown" and appear nowhere.
    assert {r["source"] for r in rows} == {"reddit", "trustpilot", "all"} and any(
        r["replied"] < r["mentions"] for r in rows
    )


def test_the_readme_quotes_the_query_verbatim() -> None:
    readme = README.read_text()
    section = readme[readme.index("## For analysts") :]
    section = section[: section.find("\n## ", 1)]
    assert f"```sql\n{(ATHENA / 'queries' / 'response_times.sql').read_text()}```" in section
    assert Path(ATHENA / "duckdb" / "queries" / "response_times.sql").exists()
