"""Lambda: export the table for BI (PITR export + flat day partitions). Daily, by EventBridge Scheduler."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.parser import event_parser
from aws_lambda_powertools.utilities.typing import LambdaContext

from repmon.runtime import export_wiring
from repmon.runtime.events import ScheduledEvent
from repmon.runtime.observability import logger, metrics
from repmon.services.export import ExportIncomplete, ExportResult, run_export


def _count(result: ExportResult) -> None:
    metrics.add_metric(name="ExportedRows", unit=MetricUnit.Count, value=sum(result.rows.values()))
    metrics.add_metric(name="ExportedPartitions", unit=MetricUnit.Count, value=result.partitions)
    metrics.add_metric(name="ExportFailedPartitions", unit=MetricUnit.Count, value=len(result.failed))


@logger.inject_lambda_context
@metrics.log_metrics
@event_parser(model=ScheduledEvent)
def handler(event: ScheduledEvent, context: LambdaContext) -> dict[str, Any]:
    deps = export_wiring.export_deps()
    try:
        result = run_export(
            deps.reader, deps.sink, deps.ledger, deps.native, event.scheduled_time, deps.policy
        )
    except ExportIncomplete as exc:
        # Raised after every other partition was written: Lambda's async retry, then the next run, redo it.
        _count(exc.result)
        logger.error("export incomplete", extra={"failed": exc.failed})
        raise
    _count(result)
    started = result.native_started.export_arn if result.native_started else None
    summary = {
        "days": [d.isoformat() for d in result.days],
        "rows": result.rows,
        "partitions": result.partitions,
    }
    logger.info("exported", extra=summary | {"bytes": result.bytes, "native_started": started})
    return summary | {"native_started": started, "native_processed": len(result.native_processed)}
