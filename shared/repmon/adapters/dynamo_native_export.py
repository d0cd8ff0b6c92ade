"""DynamoNativeExports: DynamoDB point-in-time exports to S3, recorded in the table.

Each export is one item, pk=EXPORT sk=NATIVE#<to time>, with its ARN, type, window, status and
the S3 location of its manifest, so the next run and analysts can find it. Exports land under
``s3://<bucket>/<prefix>/native/<to time>/AWSDynamoDB/...`` (DynamoDB's own layout). These files
hold raw author handles: analysts are pointed at the flat tables, never at this prefix.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime
from typing import Any

from repmon.adapters.aws import client as aws_client
from repmon.adapters.dynamo import dynamodb_client, from_wire, query_all, to_wire
from repmon.adapters.dynamo_export import EXPORT_PK
from repmon.adapters.dynamo_items import Item, iso, parse_iso
from repmon.export_ports import COMPLETED, FULL, IN_PROGRESS, NativeExport


class DynamoNativeExports:
    """The NativeExports port on ExportTableToPointInTime / DescribeExport and the export bucket."""

    def __init__(
        self, table: str, bucket: str, prefix: str, client: Any = None, s3: Any = None, table_arn: str = ""
    ) -> None:
        self.table, self.bucket, self.prefix = table, bucket, prefix.strip("/")
        self.client = dynamodb_client(client)
        self.s3 = s3 or aws_client("s3")
        self._table_arn = table_arn

    @property
    def table_arn(self) -> str:
        if not self._table_arn:
            self._table_arn = self.client.describe_table(TableName=self.table)["Table"]["TableArn"]
        return self._table_arn

    def records(self) -> list[NativeExport]:
        found = query_all(
            self.client,
            TableName=self.table,
            KeyConditionExpression="pk = :pk AND begins_with(sk, :native)",
            ExpressionAttributeValues=to_wire({":pk": EXPORT_PK, ":native": "NATIVE#"}),
            ConsistentRead=True,
        )
        return [_record(i) for i in found]

    def start(self, request: NativeExport) -> NativeExport:
        prefix = f"{self.prefix}/native/{request.to_time:%Y%m%dT%H%M%SZ}"
        kwargs: dict[str, Any] = {
            "TableArn": self.table_arn,
            "S3Bucket": self.bucket,
            "S3Prefix": prefix,
            "ExportFormat": "DYNAMODB_JSON",
            "ExportType": request.export_type,
            # Same request, same token: a retried run gets the running export back, not a second one.
            "ClientToken": hashlib.sha256(f"{prefix}#{request.export_type}".encode()).hexdigest()[:32],
        }
        if request.export_type == FULL:
            kwargs["ExportTime"] = request.to_time
        else:
            kwargs["IncrementalExportSpecification"] = {
                "ExportFromTime": request.from_time,
                "ExportToTime": request.to_time,
                "ExportViewType": "NEW_IMAGE",
            }
        described = self.client.export_table_to_point_in_time(**kwargs)["ExportDescription"]
        started = NativeExport(
            to_time=request.to_time,
            export_type=request.export_type,
            from_time=request.from_time,
            export_arn=described["ExportArn"],
            s3_prefix=prefix,
        )
        return self._save(started, described)

    def refresh(self, export: NativeExport) -> NativeExport:
        described = self.client.describe_export(ExportArn=export.export_arn)["ExportDescription"]
        return self._save(export, described)

    def mark_processed(self, export: NativeExport) -> None:
        self.client.update_item(
            TableName=self.table,
            Key=to_wire({"pk": EXPORT_PK, "sk": _sk(export.to_time)}),
            UpdateExpression="SET #p = :t",
            ExpressionAttributeNames={"#p": "processed"},  # a DynamoDB reserved word
            ExpressionAttributeValues=to_wire({":t": True}),
        )

    def _save(self, export: NativeExport, described: dict[str, Any]) -> NativeExport:
        """Record the export as DynamoDB describes it (status, failure, manifest) and return that."""
        manifest = described.get("ExportManifest") or export.manifest
        failure = " ".join(str(described.get(k) or "") for k in ("FailureCode", "FailureMessage")).strip()
        status = described.get("ExportStatus", export.status)
        changes = {"manifest": manifest, "failure": failure, "status": status}
        export = replace(export, **changes)
        item: Item = {
            "pk": EXPORT_PK,
            "sk": _sk(export.to_time),
            "type": "native_export",
            "export_arn": export.export_arn,
            "export_type": export.export_type,
            "status": export.status,
            "to_time": iso(export.to_time),
            "s3_bucket": self.bucket,
            "s3_prefix": export.s3_prefix,
            "processed": export.processed,
            "item_count": int(described.get("ItemCount") or 0),
        }
        item |= {k: v for k, v in (("manifest", manifest), ("failure", export.failure)) if v}
        if export.from_time:
            item["from_time"] = iso(export.from_time)
        self.client.put_item(TableName=self.table, Item=to_wire(item))
        return export

    def changed_items(self, export: NativeExport) -> Iterator[Item]:
        for key in self._data_keys(export):
            body = self.s3.get_object(Bucket=self.bucket, Key=key)["Body"]
            with gzip.GzipFile(fileobj=body) as lines:
                for line in lines:
                    image = _image(json.loads(line)) if line.strip() else None
                    if image is not None:
                        yield image

    def _data_keys(self, export: NativeExport) -> list[str]:
        if export.manifest:
            # DynamoDB writes manifest-files.json (one JSON object per data file) next to the summary.
            files_key = export.manifest.rsplit("/", 1)[0] + "/manifest-files.json"
            text = self.s3.get_object(Bucket=self.bucket, Key=files_key)["Body"].read().decode()
            return [json.loads(line)["dataFileS3Key"] for line in text.splitlines() if line.strip()]
        # No manifest reported (moto): the export's own prefix holds nothing but its files.
        paginator = self.s3.get_paginator("list_objects_v2")
        pages = paginator.paginate(Bucket=self.bucket, Prefix=f"{export.s3_prefix}/AWSDynamoDB/")
        keys = [o["Key"] for page in pages for o in page.get("Contents", [])]
        return sorted(k for k in keys if "/data/" in k and k.endswith(".gz"))


def _sk(to_time: datetime) -> str:
    return f"NATIVE#{iso(to_time)}"


def _image(line: dict[str, Any]) -> Item | None:
    """The item a line describes after the change: full exports say Item, incremental ones NewImage.

    Deletions (only Keys and OldImage, TTL expiries among them) change no partition: the flat export
    keeps the history that DynamoDB's retention drops.
    """
    raw = line.get("Item") or line.get("NewImage")
    return from_wire(raw) if raw else None


def _record(item: Item) -> NativeExport:
    return NativeExport(
        to_time=parse_iso(item["to_time"]),
        export_type=item["export_type"],
        from_time=parse_iso(item["from_time"]) if item.get("from_time") else None,
        export_arn=item.get("export_arn", ""),
        status=item.get("status", IN_PROGRESS),
        s3_prefix=item.get("s3_prefix", ""),
        manifest=item.get("manifest", ""),
        processed=bool(item.get("processed", False)),
        failure=item.get("failure", ""),
    )


__all__ = ["COMPLETED", "DynamoNativeExports"]
