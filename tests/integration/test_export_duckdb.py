"""Every example query of infra/athena, run by DuckDB over a local export, against what DynamoDB holds.

Each query has two forms: infra/athena/queries (Athena, `?` parameters the console prompts for) and
infra/athena/duckdb/queries (the same text, the days read from DuckDB variables, so the file runs as
is in the CLI). The views of infra/athena/duckdb/views.sql read the export named by the variable
`repmon_root` and give the same table names and column types as the DDL.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb
import pytest
from moto import mock_aws

from repmon.adapters.dynamo_store import DynamoMentionStore
from repmon.adapters.export_sinks import LocalDirSink
from repmon.domain import reputation
from repmon.domain.flat import COLUMNS
from repmon.domain.models import Reply
from repmon.domain.replies import ReplyLink
from repmon.runtime.export_wiring import export_all
from tests.fakes import FixedClock
from tests.integration import template_helpers
from tests.integration.test_export import TABLE, make_stack, mention, seed_alert

cfn = template_helpers.cfn  # the transformed template.yaml, shared fixture

ATHENA = Path(__file__).resolve().parents[2] / "infra" / "athena"
QUERIES = (
    "reputation_index_daily",
    "top_negative_mentions",
    "share_of_voice",
    "mentions_per_source",
    "response_times",
    "ratings_per_location",
    "unanswered_low_star_reviews",
    "replies_per_location",
)
DAYS = [date(2026, 11, 1), date(2026, 11, 2), date(2026, 11, 3)]
FIRST, LAST = DAYS[0].isoformat(), DAYS[-1].isoformat()
SINCE, UNTIL = datetime(2026, 11, 1, tzinfo=UTC), datetime(2026, 11, 4, tzinfo=UTC)
BRANDS = ("acme", "globex")
LABELS = ("negative", "positive", "neutral", None, "negative")
SOURCES = ("reddit", "hackernews", "appstore")
REVIEWS = 12


def seed(ddb) -> DynamoMentionStore:
    store = DynamoMentionStore(TABLE, FixedClock(UNTIL), ddb, retention_days=90)
    batch = []
    for n in range(90):
        brand = BRANDS[n % 2]
        at = SINCE + timedelta(hours=n * 7 % 70, minutes=n)
        label, source = LABELS[n % 5], SOURCES[n % 3]
        sm = mention(n, at, brand=brand, label=label, influence=(n * 37) % 100 + n / 100, source=source)
        # Reddit shows the brand's replies (own accounts listed), the others cannot: reply unknown.
        batch.append(replace(sm, mention=replace(sm.mention, replies_visible=source == "reddit")))
    # Reviews of two locations on a site that shows the brand's answers (ratings_per_location,
    # unanswered_low_star_reviews): stars 1 to 5, the first of each brand's low ones answered.
    for n in range(REVIEWS):
        sm = mention(90 + n, SINCE + timedelta(hours=5 * n), brand=BRANDS[n % 2], source="trustpilot")
        where = ("paris", "Acme Paris") if n % 3 else ("lyon", "Acme Lyon")
        review = replace(
            sm.mention,
            rating=n % 5 + 1,
            location_id=where[0],
            location_name=where[1],
            replies_visible=True,
            reply=Reply(sm.mention.created_at + timedelta(hours=2)) if n in (0, 1) else None,
        )
        batch.append(replace(sm, mention=review))
    store.save(batch)
    # Two of three of those answered, after 7 minutes to about 8 hours (response_times).
    store.record_replies(
        [
            ReplyLink(
                sm.brand_id,
                sm.mention.source,
                sm.mention.native_id,
                Reply(sm.mention.created_at + timedelta(minutes=7 + n * 13 % 500)),
            )
            for n, sm in enumerate(batch)
            if sm.mention.replies_visible and n % 3 and sm.mention.source == "reddit"
        ]
    )
    seed_alert(ddb, "acme", SINCE + timedelta(hours=30))
    return store


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    root = tmp_path_factory.mktemp("bi export")  # a space: paths are quoted wherever they are used
    with mock_aws():
        ddb, _ = make_stack()
        store = seed(ddb)
        result = export_all(TABLE, ddb, LocalDirSink(root))
        empty = tmp_path_factory.mktemp("empty")
        export_all(TABLE, ddb, LocalDirSink(empty), days=[date(2026, 10, 1)])
        yield root, store, result, empty


def connect(root: Path | str, first: str = f"'{FIRST}'", last: str = f"'{LAST}'"):
    con = duckdb.connect()
    con.execute("SET VARIABLE repmon_root = ?", [str(root)])
    con.execute((ATHENA / "duckdb" / "views.sql").read_text())
    con.execute(f"SET VARIABLE first_day = {first}")
    con.execute(f"SET VARIABLE last_day = {last}")
    return con


@pytest.fixture
def db(exported, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # not the export folder: the views read it from repmon_root
    return connect(exported[0])


def as_dicts(cursor) -> list[dict]:
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def query(con, name: str) -> list[dict]:
    return as_dicts(con.execute((ATHENA / "duckdb" / "queries" / f"{name}.sql").read_text()))


def athena_query(con, name: str) -> list[dict]:
    return as_dicts(con.execute((ATHENA / "queries" / f"{name}.sql").read_text(), [FIRST, LAST]))


def duckdb_form(name: str) -> str:
    """What infra/athena/duckdb/queries/<name>.sql must hold: the Athena text, its two `?` the days."""
    athena = (ATHENA / "queries" / f"{name}.sql").read_text()
    assert athena.count("?") == 2, f"{name}.sql: expected exactly two ? (first day, last day)"
    body = athena.replace("?", "repmon_day('first_day')", 1).replace("?", "repmon_day('last_day')", 1)
    header = (
        f"-- DuckDB form of infra/athena/queries/{name}.sql: the same text, its two ? read from\n"
        "-- SET VARIABLE first_day / last_day (see ../views.sql); test_export_duckdb.py keeps them equal.\n"
    )
    return header + body


def day_span(day: date) -> tuple[datetime, datetime]:
    start = datetime(day.year, day.month, day.day, tzinfo=UTC)
    return start, start + timedelta(days=1)


def test_given_a_local_export_when_listed_then_every_day_with_data_has_all_three_tables(exported):
    root, _, result, _ = exported
    assert result.days == DAYS and result.rows["mentions"] == 90 + REVIEWS and result.rows["alerts"] == 1
    for table in COLUMNS:
        assert sorted(p.name for p in (root / "flat" / table).iterdir()) == [f"dt={d}" for d in DAYS]


def assert_index_rows(store, rows: list[dict]) -> None:
    """reputation_index_daily.sql's rows (values, or the CLI's text): the product's index per brand, day."""
    assert sorted((r["brand_id"], str(r["dt"])) for r in rows) == [(b, str(d)) for b in BRANDS for d in DAYS]
    for row in rows:
        hours = store.hourly(row["brand_id"], *day_span(date.fromisoformat(str(row["dt"]))))
        assert int(row["mentions"]) == sum(h.mentions for h in hours)
        assert int(row["scored_mentions"]) == sum(h.negative + h.neutral + h.positive for h in hours)
        shown = None if row["reputation_index"] in (None, "NULL") else float(row["reputation_index"])
        assert shown == pytest.approx(reputation.index(hours), abs=1e-9)


def test_given_the_index_query_when_run_then_it_matches_the_product_index_per_brand_and_day(exported, db):
    assert_index_rows(exported[1], query(db, "reputation_index_daily"))


def test_given_the_top_negative_query_when_run_then_it_lists_what_the_store_ranks_first(exported, db):
    store = exported[1]
    rows = query(db, "top_negative_mentions")
    for brand in BRANDS:
        expected = [sm.key for sm in store.most_negative(brand, SINCE, UNTIL, 0.0, 10)]
        assert [r["mention_key"] for r in rows if r["brand_id"] == brand] == expected


def test_given_the_share_of_voice_query_when_run_then_counts_match_and_shares_sum_to_one(exported, db):
    store = exported[1]
    rows = query(db, "share_of_voice")
    for row in rows:
        hours = store.hourly(row["brand_id"], *day_span(date.fromisoformat(row["dt"])))
        assert row["mentions"] == sum(h.mentions for h in hours)
    for day in DAYS:
        assert sum(r["share_of_voice"] for r in rows if r["dt"] == day.isoformat()) == pytest.approx(1.0)


def test_given_the_per_source_query_when_run_then_it_matches_the_stored_mentions(exported, db):
    store = exported[1]
    rows = {(r["brand_id"], r["source"]): r for r in query(db, "mentions_per_source")}
    for brand in BRANDS:
        stored = store.mentions_between(brand, SINCE, UNTIL)
        for source in SOURCES:
            mine = [sm for sm in stored if sm.mention.source == source]
            assert rows[(brand, source)]["mentions"] == len(mine)
            assert rows[(brand, source)]["unscored"] == sum(sm.sentiment.label is None for sm in mine)
            assert rows[(brand, source)]["negative"] == sum(sm.sentiment.label == "negative" for sm in mine)


def test_given_the_ratings_query_when_run_then_it_matches_the_stored_reviews(exported, db):
    store = exported[1]
    rows = query(db, "ratings_per_location")
    expected: dict[tuple[str, str, str], list[int]] = {}
    for brand in BRANDS:
        for sm in store.mentions_between(brand, SINCE, UNTIL):
            m = sm.mention
            if m.rating is not None and not m.own:
                expected.setdefault((brand, m.source, m.location_id), []).append(m.rating)
    got: dict[tuple[str, str, str], list[tuple[int, float]]] = {}
    for row in rows:
        key = (row["brand_id"], row["source"], row["location_id"])
        got.setdefault(key, []).append((row["reviews"], row["average_stars"]))
    assert set(got) == set(expected)
    for key, stars in expected.items():
        assert sum(n for n, _ in got[key]) == len(stars)
        weighted = sum(n * avg for n, avg in got[key]) / len(stars)
        assert weighted == pytest.approx(sum(stars) / len(stars), abs=0.01 * len(got[key]))


def test_given_the_unanswered_low_star_query_when_run_then_it_lists_exactly_those_oldest_first(exported, db):
    store = exported[1]
    rows = query(db, "unanswered_low_star_reviews")
    expected = sorted(
        (sm.mention.created_at, sm.key)
        for brand in BRANDS
        for sm in store.mentions_between(brand, SINCE, UNTIL)
        if (sm.mention.rating or 9) <= 2 and sm.mention.replies_visible and sm.mention.reply is None
    )
    assert [r["mention_key"] for r in rows] == [key for _, key in expected] != []


def test_given_the_query_folders_then_every_example_query_is_checked_here():
    assert {p.stem for p in (ATHENA / "queries").glob("*.sql")} == set(QUERIES)
    assert {p.stem for p in (ATHENA / "duckdb" / "queries").glob("*.sql")} == set(QUERIES)


@pytest.mark.parametrize(
    ("readme", "heading"),
    [("README.md", "**Example queries**"), ("infra/athena/README.md", "## Example queries")],
)
def test_given_the_readmes_then_their_list_of_example_queries_names_every_one(readme, heading):
    text = (ATHENA.parents[1] / readme).read_text()
    listed = text[text.index(heading) :].split("\n## ", 1)[0]
    assert [name for name in QUERIES if f"`{name}.sql`" not in listed] == []


@pytest.mark.parametrize("name", QUERIES)
def test_given_an_athena_query_then_its_duckdb_form_is_the_same_text_with_the_days_from_variables(name):
    assert (ATHENA / "duckdb" / "queries" / f"{name}.sql").read_text() == duckdb_form(name)


@pytest.mark.parametrize("name", QUERIES)
def test_given_both_forms_of_a_query_when_run_then_they_return_the_same_rows(db, name):
    assert query(db, name) == athena_query(db, name) != []


def test_given_no_export_root_when_the_views_load_then_the_error_says_to_set_it():
    with pytest.raises(duckdb.Error, match=r"SET VARIABLE repmon_root = '/path/to/export'"):
        duckdb.connect().execute((ATHENA / "duckdb" / "views.sql").read_text())


@pytest.mark.parametrize("unset", ["first_day", "last_day"])
def test_given_a_day_not_set_when_a_query_runs_then_the_error_names_the_variable(exported, unset):
    con = connect(exported[0])
    con.execute(f"RESET VARIABLE {unset}")
    with pytest.raises(duckdb.Error, match=rf"SET VARIABLE {unset} = 'YYYY-MM-DD'"):
        query(con, "reputation_index_daily")


def test_given_days_as_dates_and_a_root_ending_in_a_slash_then_the_rows_are_the_same(exported, db):
    con = connect(f"{exported[0]}/", first=f"DATE '{FIRST}'", last=f"DATE '{LAST}'")
    assert query(con, "reputation_index_daily") == query(db, "reputation_index_daily")


def _ddl_columns(text: str) -> dict[str, str]:
    body = text.split("(", 1)[1].split("\n)", 1)[0]
    return dict(re.findall(r"`(\w+)` ([\w<>]+)", body))


@pytest.mark.parametrize("table", list(COLUMNS))
def test_given_the_athena_ddl_and_duckdb_views_then_their_columns_are_the_documented_ones(table):
    ddl = (ATHENA / "ddl" / f"{table}.sql").read_text()
    assert _ddl_columns(ddl) == COLUMNS[table]
    assert "'projection.dt.type' = 'date'" in ddl and f"/flat/{table}/dt=${{dt}}/" in ddl
    views = (ATHENA / "duckdb" / "views.sql").read_text()
    view = views.split(f"VIEW {table} AS", 1)[1].split(");", 1)[0]
    assert list(re.findall(r"'(\w+)': '", view))[1:] == list(COLUMNS[table])  # [0] is hive_types' dt


def test_given_an_empty_day_when_read_by_duckdb_then_it_is_zero_rows_not_an_error(exported):
    con = connect(exported[3])
    assert con.execute("SELECT count(*) FROM mentions").fetchone() == (0,)
    assert query(con, "reputation_index_daily") == []


@pytest.mark.parametrize("logical_id", ["MentionsGlueTable", "BrandHourlyGlueTable", "AlertsGlueTable"])
def test_given_the_template_then_glue_tables_have_the_documented_columns(cfn, logical_id):
    table = cfn["Resources"][logical_id]["Properties"]["TableInput"]
    columns = {c["Name"]: c["Type"] for c in table["StorageDescriptor"]["Columns"]}
    assert columns == COLUMNS[table["Name"]] and table["Parameters"]["projection.dt.type"] == "date"
