"""Composition of the BI export: the Lambda's dependencies, and `export_all` for backtests and backfills.

Kept apart from `runtime.wiring` so the export function imports nothing the others need and vice versa.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

from repmon.domain import flat
from repmon.runtime.settings import ExportSettings, load_settings
from repmon.services.export import (
    ExportLedger,
    ExportPolicy,
    ExportReader,
    ExportResult,
    NativeExports,
    PartitionSink,
    export_days,
)


@dataclass(frozen=True)
class ExportDeps:
    reader: ExportReader
    sink: PartitionSink
    ledger: ExportLedger
    native: NativeExports | None
    policy: ExportPolicy


def export_deps() -> ExportDeps:
    return _export_deps(load_settings(ExportSettings), os.environ.get("AWS_ENDPOINT_URL", ""))


@lru_cache(maxsize=4)
def _export_deps(settings: ExportSettings, endpoint: str) -> ExportDeps:
    from repmon.adapters.aws import client as aws_client
    from repmon.adapters.dynamo import dynamodb_client
    from repmon.adapters.dynamo_export import DynamoExportLedger, DynamoExportReader
    from repmon.adapters.dynamo_native_export import DynamoNativeExports
    from repmon.adapters.export_sinks import S3PartitionSink

    ddb = dynamodb_client(max_attempts=settings.aws_max_attempts)
    s3 = aws_client("s3", settings.aws_max_attempts)
    native = (
        DynamoNativeExports(
            settings.table_name, settings.export_bucket, settings.export_prefix, ddb, s3, settings.table_arn
        )
        if settings.native_export
        else None
    )
    return ExportDeps(
        reader=DynamoExportReader(settings.table_name, ddb),
        sink=S3PartitionSink(settings.export_bucket, settings.export_prefix, s3),
        ledger=DynamoExportLedger(settings.table_name, ddb),
        native=native,
        policy=_policy(settings, aws_client("secretsmanager", settings.aws_max_attempts)),
    )


def _policy(settings: ExportSettings, secrets_client: Any) -> ExportPolicy:
    from repmon.adapters.pseudonym import LazyPseudonymiser

    return ExportPolicy(
        pseudonymise=LazyPseudonymiser(settings.pseudonym_key_name, secrets_client)
        if settings.pseudonymise_authors
        else flat.identity,
        include_text=settings.include_text,
        late_lookback_days=settings.late_lookback_days,
        first_run_days=settings.first_run_days,
        native_lag=timedelta(minutes=settings.native_lag_minutes),
    )


def export_all(
    table_name: str,
    dynamodb_client: Any,
    sink: PartitionSink,
    days: Iterable[date] | None = None,
    pseudonymiser: flat.Pseudonymise = flat.identity,
    include_text: bool = True,
    brands: Iterable[str] | None = None,
) -> ExportResult:
    """Write the flat tables of `days` (every day with data when None) to `sink`, e.g. a LocalDirSink.

    For backtests and backfills: with `days` None it Scans the table once to find brands and days,
    which the daily Lambda never does. Brands default to the watchlist plus every brand found.
    """
    from repmon.adapters.dynamo_export import DynamoExportReader, scan_inventory

    reader = DynamoExportReader(table_name, dynamodb_client)
    wanted = set(brands) if brands is not None else reader.brand_ids()
    if days is None or brands is None:
        found_brands, found_days = scan_inventory(table_name, dynamodb_client)
        wanted |= found_brands if brands is None else set()
        days = found_days if days is None else days
    policy = ExportPolicy(pseudonymise=pseudonymiser, include_text=include_text)
    return export_days(reader, sink, wanted, days, policy)


def export_to_directory(
    table_name: str, dynamodb_client: Any, export_dir: str | Path, pseudonym_key: bytes | None = None
) -> int:
    """`repmon backtest --export-dir`: every day with data, same layout as S3, under `export_dir`.

    Author ids and handles go through the deployed export's HMAC pseudonymiser under `pseudonym_key`
    (the backtest passes one unless --raw-authors), and stay raw without one.
    Returns the number of rows written across the three tables.
    """
    from repmon.adapters.export_sinks import LocalDirSink

    hide = flat.hmac_pseudonymiser(pseudonym_key) if pseudonym_key else flat.identity
    result = export_all(table_name, dynamodb_client, LocalDirSink(export_dir), pseudonymiser=hide)
    return sum(result.rows.values())
