"""Native (PITR) exports on moto, and the whole export_for_bi handler.

moto 5.2 implements ExportTableToPointInTime / DescribeExport in process and in server mode, but
only as a full dump in a background thread: it ignores IncrementalExportSpecification, writes no
manifest and has no way to stay IN_PROGRESS or fail on demand. Those cases are injected here by
replacing moto's own TableExport.run (its backend), never by mocking boto3.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

import boto3
import pytest
from moto.core import DEFAULT_ACCOUNT_ID
from moto.core.utils import gzip_compress
from moto.dynamodb.models import dynamodb_backends
from moto.dynamodb.models.table_export import TableExport
from moto.s3.models import s3_backends
from moto.server import ThreadedMotoServer

from repmon.adapters.dynamo_native_export import DynamoNativeExports
from repmon.adapters.dynamo_store import DynamoMentionStore
from repmon.services.export import (
    COMPLETED,
    FAILED,
    FULL,
    IN_PROGRESS,
    INCREMENTAL,
    ExportPolicy,
    NativeExport,
)
from tests.fakes import FixedClock
from tests.integration import test_export
from tests.integration.test_export import (
    BUCKET,
    PREFIX,
    T1,
    TABLE,
    make_stack,
    mention,
    read_partition,
    run,
)

# The same fixtures as the flat export tests: moto's table and bucket, and the fixed clock.
stack, clock = test_export.stack, test_export.clock

AT1 = datetime(2026, 11, 10, 2, tzinfo=UTC)
AT2 = AT1 + timedelta(days=1)
POLICY = ExportPolicy(first_run_days=1, late_lookback_days=2)


def moto_exports() -> list[TableExport]:
    exports = list(dynamodb_backends[DEFAULT_ACCOUNT_ID]["us-east-1"].table_exports.values())
    for export in exports:
        export.join(timeout=10)  # moto runs each export in a thread
    return exports


@pytest.fixture
def store(stack, clock):
    return DynamoMentionStore(TABLE, clock, stack[0])


def test_given_no_export_yet_when_runs_follow_then_full_first_and_incremental_from_its_end_next(stack, store):
    store.save([mention(1, T1)])  # 2026-11-01: older than the first run's own days
    first = run(stack, AT1, POLICY, native=True)
    started = first.native_started
    assert started.export_type == FULL and started.to_time == AT1 - timedelta(minutes=15)
    assert date(2026, 11, 1) not in first.days
    [record] = DynamoNativeExports(TABLE, BUCKET, PREFIX, stack[0], stack[1]).records()
    assert record.export_arn and record.s3_prefix == f"{PREFIX}/native/20261110T014500Z"
    moto_exports()
    second = run(stack, AT2, POLICY, native=True)
    assert [e.status for e in second.native_processed] == [COMPLETED]
    assert date(2026, 11, 1) in second.days  # the full export backfilled every day it holds
    assert [r["native_id"] for r in read_partition(stack[1], "mentions", date(2026, 11, 1))] == ["id1"]
    assert second.native_started.export_type == INCREMENTAL
    assert second.native_started.from_time == first.native_started.to_time
    assert [e.export_type for e in moto_exports()] == [FULL, INCREMENTAL]
    stored = DynamoNativeExports(TABLE, BUCKET, PREFIX, stack[0], stack[1]).records()
    assert (stored[0].export_type, stored[0].status, stored[0].processed) == (FULL, COMPLETED, True)


def complete_incremental(export: TableExport, polled_since: str) -> None:
    """What moto cannot do: finish an incremental export with NEW_IMAGE lines of the items changed since."""
    changed = [item for item in export.table.all_items() if item.attrs.get("polled_at") is not None]
    lines = [
        {"Keys": item.to_json(root_attr_name="Keys")["Keys"], **item.to_json(root_attr_name="NewImage")}
        for item in changed
        if str(item.attrs["polled_at"].value) >= polled_since
    ]
    s3 = s3_backends[export.account_id][export.partition]
    body = gzip_compress("".join(json.dumps(line) + "\n" for line in lines).encode())
    s3.put_object(export.s3_bucket, f"{export.s3_prefix}/AWSDynamoDB/data/incr.json.gz", body)
    export.status = COMPLETED


def test_given_a_completed_incremental_export_when_processed_then_days_beyond_the_lookback_are_rewritten(
    stack, store, clock, monkeypatch
):
    real_run = TableExport.run
    # Full exports run as moto does; incremental ones stay IN_PROGRESS until the test completes them.
    monkeypatch.setattr(TableExport, "run", lambda e: real_run(e) if e.export_type == FULL else None)
    store.save([mention(1, T1)])
    run(stack, AT1, POLICY, native=True)
    moto_exports()
    run(stack, AT2, POLICY, native=True)  # processes the full export, starts an incremental one
    clock.current = AT2 + timedelta(hours=1)
    store.save([mention(2, T1 + timedelta(hours=2))])  # 2026-11-01: far older than late_lookback_days
    assert [r["native_id"] for r in read_partition(stack[1], "mentions", date(2026, 11, 1))] == ["id1"]
    [incremental] = [e for e in moto_exports() if e.export_type == INCREMENTAL]
    assert run(stack, AT2 + timedelta(hours=12), POLICY, native=True).native_processed == []  # still running
    assert [r["native_id"] for r in read_partition(stack[1], "mentions", date(2026, 11, 1))] == ["id1"]
    complete_incremental(incremental, "2026-11-11T03:00:00Z")
    result = run(stack, AT2 + timedelta(days=1), POLICY, native=True)
    assert [e.export_type for e in result.native_processed] == [INCREMENTAL]
    assert [r["native_id"] for r in read_partition(stack[1], "mentions", date(2026, 11, 1))] == ["id1", "id2"]


def _stays(status: str, failure: str | None = None) -> Any:
    def fake_run(export: TableExport) -> None:
        export.status, export.failure_code = status, failure

    return fake_run


def test_given_a_running_export_when_the_next_run_comes_then_no_second_export_is_started(stack, monkeypatch):
    monkeypatch.setattr(TableExport, "run", _stays(IN_PROGRESS))
    run(stack, AT1, POLICY, native=True)
    result = run(stack, AT2, POLICY, native=True)
    assert result.native_started is None and len(moto_exports()) == 1


def test_given_a_failed_full_export_when_the_next_run_comes_then_it_is_recorded_and_a_full_one_restarts(
    stack, monkeypatch
):
    monkeypatch.setattr(TableExport, "run", _stays(FAILED, "S3NoSuchBucket"))
    run(stack, AT1, POLICY, native=True)
    result = run(stack, AT2, POLICY, native=True)
    assert result.native_processed == [] and result.native_started.export_type == FULL
    records = DynamoNativeExports(TABLE, BUCKET, PREFIX, stack[0], stack[1]).records()
    assert (records[0].status, records[0].failure) == (FAILED, "S3NoSuchBucket")


def _load_handler() -> Any:
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "functions" / "export_for_bi" / "app.py"
    spec = importlib.util.spec_from_file_location("export_for_bi_app", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class LambdaContext:
    function_name = "export_for_bi"
    memory_limit_in_mb = 512
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:export_for_bi"
    aws_request_id = "req-1"


def test_given_a_scheduled_event_when_the_handler_runs_then_it_exports_with_pseudonyms_and_counts(
    stack, store, monkeypatch
):
    from aws_lambda_powertools.utilities import parameters

    from repmon.runtime import export_wiring

    app = _load_handler()

    secrets = boto3.client("secretsmanager", region_name="us-east-1")
    secrets.create_secret(Name="bi-key", SecretString="s" * 32)
    env = {"TABLE_NAME": TABLE, "EXPORT_BUCKET": BUCKET, "PSEUDONYM_KEY_NAME": "bi-key"}
    env["EXPORT_FIRST_RUN_DAYS"] = "2"
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    export_wiring._export_deps.cache_clear()
    parameters.clear_caches()
    store.save([mention(1, datetime(2026, 11, 9, 20, tzinfo=UTC), handle="carol")])
    try:
        out = app.handler({"scheduled_time": "2026-11-10T02:00:00Z"}, LambdaContext())
    finally:
        export_wiring._export_deps.cache_clear()
    assert out["days"] == ["2026-11-09", "2026-11-10"] and out["partitions"] == 6
    assert out["rows"]["mentions"] == 1
    assert out["native_started"]
    [row] = read_partition(stack[1], "mentions", date(2026, 11, 9))
    assert row["author_handle"] != "carol" and len(row["author_handle"]) == 64


@pytest.mark.slow
def test_given_a_moto_server_when_exported_then_start_describe_and_read_work_over_http(monkeypatch):
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0)
    server.start()
    try:
        host, port = server.get_host_and_port()
        endpoint = f"http://{host}:{port}"
        ddb = boto3.client("dynamodb", region_name="us-east-1", endpoint_url=endpoint)
        s3 = boto3.client("s3", region_name="us-east-1", endpoint_url=endpoint)
        monkeypatch.setattr("tests.integration.test_export.boto3.client", _endpoint_client(endpoint))
        make_stack()
        DynamoMentionStore(TABLE, FixedClock(T1), ddb).save([mention(1, T1)])
        native = DynamoNativeExports(TABLE, BUCKET, PREFIX, ddb, s3)
        started = native.start(NativeExport(to_time=AT1, export_type=FULL))
        done = _until_settled(native, started)
        assert done.status == COMPLETED
        types = sorted(i["type"] for i in native.changed_items(done) if "type" in i)
        assert types == ["aggregate", "brand", "brand", "mention"]
    finally:
        server.stop()


def _endpoint_client(endpoint: str) -> Any:
    real: Any = boto3.client

    def client(service: str, **kwargs: Any) -> Any:
        return real(service, endpoint_url=endpoint, **kwargs)

    return client


def _until_settled(native: DynamoNativeExports, export: NativeExport) -> NativeExport:
    import time

    for _ in range(50):
        export = native.refresh(export)
        if export.status != IN_PROGRESS:
            return export
        time.sleep(0.1)
    return export
