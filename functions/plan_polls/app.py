"""Lambda: plan one poll job per (brand, source). Triggered by EventBridge Scheduler."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.parser import event_parser
from aws_lambda_powertools.utilities.typing import LambdaContext

from repmon.runtime import wiring
from repmon.runtime.events import ScheduledEvent
from repmon.runtime.observability import logger, metrics
from repmon.services.plan_polls import plan_polls


@logger.inject_lambda_context
@metrics.log_metrics
@event_parser(model=ScheduledEvent)
def handler(event: ScheduledEvent, context: LambdaContext) -> dict[str, Any]:
    deps = wiring.plan_deps()
    result = plan_polls(deps.watchlist, deps.queue, event.scheduled_time)
    metrics.add_metric(name="PollJobsPlanned", unit=MetricUnit.Count, value=result.jobs)
    logger.info("planned polls", extra={"brands": result.brands, "jobs": result.jobs})
    return {"brands": result.brands, "jobs": result.jobs}
