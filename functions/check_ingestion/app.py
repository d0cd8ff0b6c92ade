"""Lambda: every 15 minutes, check each brand's sources and the poll dead-letter queues; announce each
problem once per crossing as an ops alert (kind=ops) and re-arm it when it is over."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.parser import event_parser
from aws_lambda_powertools.utilities.typing import LambdaContext

from repmon.domain.errors import EvaluationIncomplete
from repmon.runtime.events import ScheduledEvent
from repmon.runtime.notice_wiring import ingestion_wiring
from repmon.runtime.observability import logger, metrics
from repmon.services.ingestion import check_ingestion
from repmon.services.notify import Timing


@logger.inject_lambda_context
@metrics.log_metrics
@event_parser(model=ScheduledEvent)
def handler(event: ScheduledEvent, context: LambdaContext) -> dict[str, Any]:
    wiring = ingestion_wiring()
    timing = Timing(time_left=lambda: context.get_remaining_time_in_millis() / 1000)
    run = check_ingestion(wiring.watchlist.brands(), event.scheduled_time, wiring.deps, timing)
    metrics.add_metric(name="OpsAlertsSent", unit=MetricUnit.Count, value=len(run.sent))
    metrics.add_metric(name="OpsAlertsRearmed", unit=MetricUnit.Count, value=run.rearmed)
    for notice in run.sent:
        logger.warning(
            "ops alert sent", extra={"brand": notice.brand_id, "check": notice.rule, "id": notice.notice_id}
        )
    if run.deferred:
        logger.warning("out of time: brands left for the next run", extra={"deferred": run.deferred})
    if run.errors:
        logger.error("ingestion checks incomplete", extra={"problems": run.errors})
        raise EvaluationIncomplete({"ingestion": "; ".join(run.errors)})
    return {"sent": len(run.sent), "rearmed": run.rearmed, "deferred": list(run.deferred)}
