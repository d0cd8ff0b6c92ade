"""The BI export on moto: flat partitions in S3, exact re-runs, late mentions, faults, privacy."""

from __future__ import annotations

import gzip
import json
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from repmon.adapters.dynamo_export import DynamoExportLedger, DynamoExportReader
from repmon.adapters.dynamo_native_export import DynamoNativeExports
from repmon.adapters.dynamo_state import DynamoAlertLedger, DynamoWatchlist
from repmon.adapters.dynamo_store import DynamoMentionStore
from repmon.adapters.export_sinks import S3PartitionSink
from repmon.adapters.pseudonym import secret_pseudonymiser
from repmon.domain.brand import Brand
from repmon.domain.flat import COLUMNS
from repmon.domain.incident import Incident, claim, incident_id, sent
from repmon.domain.models import (
    Alert,
    Author,
    Engagement,
    IncidentNote,
    Mention,
    ScoredMention,
    Sentiment,
    Severity,
)
from repmon.services.export import ExportIncomplete, ExportPolicy, export_days, run_export
from tests.fakes import FixedClock
from tests.template_tables import create_table

TABLE, BUCKET, PREFIX = "repmon-test", "repmon-bi", "repmon"
D1, D2 = date(2026, 11, 1), date(2026, 11, 2)
T1 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
SCORES = {"negative": -0.8, "neutral": 0.0, "positive": 0.6, None: 0.0}
PART_D1 = f"{PREFIX}/flat/mentions/dt=2026-11-01/part-00000.json.gz"
PY_TYPES = {"string": str, "bigint": int, "double": float, "boolean": bool, "array<string>": list}


def mention(
    n: int,
    at: datetime,
    *,
    brand: str = "acme",
    label: str | None = "negative",
    influence: float = 10.0,
    source: str = "reddit",
    handle: str | None = None,
) -> ScoredMention:
    who = handle or f"user{n}"
    m = Mention(
        source=source,
        native_id=f"id{n}",
        created_at=at,
        text=f"text {n} about {brand}",
        title=f"title {n}",
        url=f"https://example.test/{n}",
        author=Author(
            id=f"a-{who}", handle=who, followers=n * 10, account_created_at=at - timedelta(days=99)
        ),
        engagement=Engagement(score=n, comments=1),
        community="r/test",
        rating=None if source != "appstore" else 2,
    )
    sentiment = Sentiment(label=label, score=SCORES[label], language="en" if label else "de")  # type: ignore[arg-type]
    return ScoredMention(brand, m, sentiment, influence)


def seed_alert(ddb: Any, brand: str, at: datetime, top: tuple[ScoredMention, ...] = ()) -> Alert:
    alert = Alert(
        f"al-{brand}-{at:%H}",
        brand,
        brand.title(),
        "reputation_drop",
        Severity.CRITICAL,
        at,
        "dropped",
        31.5,
        -18.25,
        top,
    )
    # Logged as the evaluator logs an incident's opening email once it is out
    incident = Incident(brand, incident_id(brand, at), at)
    alert = replace(alert, kind="alert", incident=IncidentNote(incident.incident_id, "", "OPEN"))
    ledger, claimed = DynamoAlertLedger(TABLE, ddb), claim(incident, "open", at)
    assert ledger.save_incident(incident) and ledger.save_incident(claimed)
    assert ledger.email_sent(sent(claimed, "open", at), alert)
    return alert


def make_stack() -> tuple[Any, Any]:
    ddb = boto3.client("dynamodb", region_name="us-east-1")
    s3 = boto3.client("s3", region_name="us-east-1")
    create_table(ddb, TABLE)
    ddb.update_continuous_backups(
        TableName=TABLE, PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True}
    )
    s3.create_bucket(Bucket=BUCKET)
    brands = [Brand(id=b, name=b.title(), query=b) for b in ("acme", "globex")]
    DynamoWatchlist(TABLE, ddb).replace(brands)
    return ddb, s3


def read_partition(s3: Any, table: str, day: date) -> list[dict[str, Any]]:
    key = f"{PREFIX}/flat/{table}/dt={day.isoformat()}/part-00000.json.gz"
    body = s3.get_object(Bucket=BUCKET, Key=key)["Body"].read()
    return [json.loads(line) for line in gzip.decompress(body).splitlines()]


def partition_keys(s3: Any, table: str, day: date) -> list[str]:
    listed = s3.list_objects_v2(Bucket=BUCKET, Prefix=f"{PREFIX}/flat/{table}/dt={day.isoformat()}/")
    return sorted(o["Key"].rsplit("/", 1)[1] for o in listed.get("Contents", []))


@pytest.fixture
def stack():
    with mock_aws():
        yield make_stack()


@pytest.fixture
def clock():
    return FixedClock(T1)


@pytest.fixture
def store(stack, clock):
    return DynamoMentionStore(TABLE, clock, stack[0], retention_days=30)


def export(stack, days, policy=None):
    reader, sink = DynamoExportReader(TABLE, stack[0]), S3PartitionSink(BUCKET, PREFIX, stack[1])
    return export_days(reader, sink, ["acme", "globex"], days, policy or ExportPolicy())


def run(stack, at, policy=None, native=False):
    ddb, s3 = stack
    exports = DynamoNativeExports(TABLE, BUCKET, PREFIX, ddb, s3) if native else None
    reader, sink = DynamoExportReader(TABLE, ddb), S3PartitionSink(BUCKET, PREFIX, s3)
    return run_export(reader, sink, DynamoExportLedger(TABLE, ddb), exports, at, policy or ExportPolicy())


def test_given_mentions_aggregates_and_an_alert_when_exported_then_rows_have_every_documented_column_typed(
    stack, store
):
    store.save([mention(1, T1), mention(2, T1 + timedelta(minutes=5), label=None, source="appstore")])
    seed_alert(stack[0], "acme", T1 + timedelta(hours=1), (mention(1, T1),))
    result = export(stack, [D1])
    assert result.rows == {"mentions": 2, "brand_hourly": 1, "alerts": 1} and result.partitions == 3
    for table in COLUMNS:
        for row in read_partition(stack[1], table, D1):
            assert list(row) == list(COLUMNS[table])  # every column, in the documented order, nothing else
            for name, value in row.items():
                wanted = PY_TYPES[COLUMNS[table][name]]
                assert value is None or isinstance(value, wanted), (table, name, value)
    first, unscored = read_partition(stack[1], "mentions", D1)
    assert first["created_at"] == "2026-11-01T09:00:00Z" and first["polled_at"] == "2026-11-01T09:00:00Z"
    assert (first["influence"], first["sentiment_score"], first["author_verified"]) == (10.0, -0.8, False)
    assert first["mention_key"] == "reddit#id1" and first["expires_at"] == "2026-12-01T09:00:00Z"
    assert unscored["sentiment_label"] == "unscored" and unscored["rating"] == 2
    [hour] = read_partition(stack[1], "brand_hourly", D1)
    assert (hour["mentions"], hour["negative"], hour["unscored"], hour["positive"]) == (2, 1, 1, 0)
    assert (hour["mentions_reddit"], hour["mentions_appstore"], hour["mentions_hackernews"]) == (1, 1, 0)
    assert hour["hour"] == "2026-11-01T09:00:00Z" and hour["weight_sum"] == pytest.approx(1.4)
    [alert] = read_partition(stack[1], "alerts", D1)
    assert alert["reputation_index"] == 31.5 and alert["top_mention_keys"] == ["reddit#id1"]
    assert alert["kind"] == "alert" and alert["incident_id"] == incident_id("acme", T1 + timedelta(hours=1))


def test_given_an_exported_day_when_exported_again_after_new_mentions_then_the_partition_is_replaced_exactly(
    stack, store
):
    store.save([mention(n, T1 + timedelta(minutes=n)) for n in range(3)])
    export(stack, [D1])
    before = stack[1].get_object(Bucket=BUCKET, Key=PART_D1)
    export(stack, [D1])
    again = stack[1].get_object(Bucket=BUCKET, Key=PART_D1)
    assert again["Body"].read() == before["Body"].read()  # same rows, same bytes: mtime-free gzip
    store.save([mention(n, T1 + timedelta(minutes=n)) for n in range(5)])
    export(stack, [D1])
    rows = read_partition(stack[1], "mentions", D1)
    assert [r["native_id"] for r in rows] == [f"id{n}" for n in range(5)]  # no duplicate, no gap
    assert read_partition(stack[1], "brand_hourly", D1)[0]["mentions"] == 5
    assert partition_keys(stack[1], "mentions", D1) == ["_SUCCESS", "part-00000.json.gz"]
    marker_key = PART_D1.replace("part-00000.json.gz", "_SUCCESS")
    marker = json.loads(stack[1].get_object(Bucket=BUCKET, Key=marker_key)["Body"].read())
    assert marker["rows"] == 5


def test_given_a_stray_file_in_a_partition_when_rewritten_then_only_the_new_part_remains(stack, store):
    stack[1].put_object(Bucket=BUCKET, Key=PART_D1.replace("00000", "00001"), Body=b"x")
    export(stack, [D1])
    assert partition_keys(stack[1], "mentions", D1) == ["_SUCCESS", "part-00000.json.gz"]


def test_given_a_day_without_data_when_exported_then_each_table_gets_a_valid_empty_gzip(stack):
    result = export(stack, [D2])
    assert result.partitions == 3 and sum(result.rows.values()) == 0
    for table in COLUMNS:
        key = f"{PREFIX}/flat/{table}/dt=2026-11-02/part-00000.json.gz"
        body = stack[1].get_object(Bucket=BUCKET, Key=key)
        assert gzip.decompress(body["Body"].read()) == b""


def test_given_a_mention_polled_after_its_day_closed_when_the_next_run_comes_then_it_lands_in_its_own_day(
    stack, store, clock
):
    store.save([mention(1, T1)])
    run(stack, datetime(2026, 11, 1, 12, tzinfo=UTC))
    run(stack, datetime(2026, 11, 3, 2, tzinfo=UTC))  # D1 is closed and was written whole
    clock.current = datetime(2026, 11, 3, 15, tzinfo=UTC)
    store.save([mention(2, T1 + timedelta(hours=3))])  # created on D1, polled on D3
    result = run(stack, datetime(2026, 11, 4, 2, tzinfo=UTC))
    assert D1 in result.days
    assert [r["native_id"] for r in read_partition(stack[1], "mentions", D1)] == ["id1", "id2"]
    assert sum(h["mentions"] for h in read_partition(stack[1], "brand_hourly", D1)) == 2


def test_given_the_first_run_when_it_runs_then_it_writes_the_last_days_and_records_its_state(stack, store):
    store.save([mention(1, T1)])
    result = run(stack, datetime(2026, 11, 2, 2, tzinfo=UTC), ExportPolicy(first_run_days=2))
    assert result.days == [D1, D2] and result.partitions == 6
    last = DynamoExportLedger(TABLE, stack[0]).last_run()
    assert last is not None and last.brands == {"acme", "globex"}


def _fail_copy_for(s3: Any, marker: str) -> None:
    def fail(params: dict[str, Any], **_: Any) -> None:
        if marker in params["Key"]:
            raise ClientError({"Error": {"Code": "InternalError", "Message": "injected"}}, "CopyObject")

    s3.meta.events.register("before-parameter-build.s3.CopyObject", fail)


def test_given_a_failure_mid_write_when_run_then_the_visible_partition_is_intact_and_next_run_fixes_it(
    stack, store
):
    ddb, _ = stack
    store.save([mention(1, T1)])
    run(stack, datetime(2026, 11, 1, 12, tzinfo=UTC))
    store.save([mention(2, T1 + timedelta(hours=1))])
    broken = boto3.client("s3", region_name="us-east-1")
    _fail_copy_for(broken, "mentions/dt=2026-11-01")
    with pytest.raises(ExportIncomplete) as failed:
        run((ddb, broken), datetime(2026, 11, 2, 2, tzinfo=UTC))
    assert list(failed.value.failed) == ["mentions/dt=2026-11-01"]
    assert failed.value.result.partitions == 5  # the other partitions were written
    # The old file, whole, and the run state not advanced:
    assert [r["native_id"] for r in read_partition(stack[1], "mentions", D1)] == ["id1"]
    last = DynamoExportLedger(TABLE, ddb).last_run()
    assert last is not None and last.at == datetime(2026, 11, 1, 12, tzinfo=UTC)
    run(stack, datetime(2026, 11, 2, 2, 5, tzinfo=UTC))
    assert [r["native_id"] for r in read_partition(stack[1], "mentions", D1)] == ["id1", "id2"]


def test_given_pseudonymisation_on_when_exported_then_authors_are_stable_keyed_hashes(stack, store):
    secrets = boto3.client("secretsmanager", region_name="us-east-1")
    secrets.create_secret(Name="repmon/pseudonym-key", SecretString="k" * 32)
    store.save([mention(1, T1, handle="alice"), mention(2, T1, handle="alice"), mention(3, T1, handle="bob")])
    export(stack, [D1], ExportPolicy(pseudonymise=secret_pseudonymiser("repmon/pseudonym-key", secrets)))
    a1, a2, b = read_partition(stack[1], "mentions", D1)
    assert a1["author_handle"] == a2["author_handle"] != b["author_handle"]
    assert a1["author_id"] == a2["author_id"] and len(a1["author_id"]) == 64
    assert "alice" not in json.dumps([a1, a2])
    export(stack, [D1])  # the documented switch off: PSEUDONYMISE_AUTHORS=false
    assert [r["author_handle"] for r in read_partition(stack[1], "mentions", D1)] == ["alice", "alice", "bob"]


def test_given_text_excluded_when_exported_then_text_and_title_are_null_but_present(stack, store):
    store.save([mention(1, T1)])
    export(stack, [D1], ExportPolicy(include_text=False))
    [row] = read_partition(stack[1], "mentions", D1)
    assert row["text"] is None and row["title"] is None and "text" in row
    assert "text 1" not in json.dumps(row)


def test_given_retention_days_when_stored_then_mentions_expire_and_aggregates_and_alerts_stay(stack, store):
    store.save([mention(1, T1)])
    seed_alert(stack[0], "acme", T1)
    items = stack[0].scan(TableName=TABLE)["Items"]
    by_type = {i["type"]["S"]: i for i in items if "type" in i}
    assert int(by_type["mention"]["expires_at"]["N"]) == int((T1 + timedelta(days=30)).timestamp())
    assert "expires_at" not in by_type["aggregate"] and "expires_at" not in by_type["alert"]


def test_given_a_backtest_export_dir_when_exported_then_the_s3_layout_is_on_disk(stack, store, tmp_path):
    from repmon.runtime.export_wiring import export_to_directory

    store.save([mention(1, T1), mention(2, T1 + timedelta(days=1))])
    assert export_to_directory(TABLE, stack[0], tmp_path) == 2 + 2  # two mentions, two hourly rows
    day = tmp_path / "flat" / "mentions" / "dt=2026-11-02"
    assert sorted(p.name for p in day.iterdir()) == ["_SUCCESS", "part-00000.json.gz"]
    assert json.loads(gzip.decompress((day / "part-00000.json.gz").read_bytes()))["native_id"] == "id2"
    assert not list((tmp_path / "flat" / "_tmp").rglob("*.gz"))  # temporaries are moved, not left
