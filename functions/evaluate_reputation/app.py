"""Lambda: evaluate every brand's reputation at the scheduled time and publish each new crossing once."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.parser import event_parser
from aws_lambda_powertools.utilities.typing import LambdaContext

from repmon.domain.errors import EvaluationIncomplete
from repmon.runtime import wiring
from repmon.runtime.events import ScheduledEvent
from repmon.runtime.observability import logger, metrics
from repmon.services.evaluate import Timing, evaluate_all


@logger.inject_lambda_context
@metrics.log_metrics
@event_parser(model=ScheduledEvent)
def handler(event: ScheduledEvent, context: LambdaContext) -> dict[str, Any]:
    deps = wiring.evaluate_deps()
    # Stop with time to spare, before a brand or an alert: what is left is named and done next run.
    timing = Timing(
        time_left=lambda: context.get_remaining_time_in_millis() / 1000, now=lambda: datetime.now(UTC)
    )
    run = evaluate_all(
        deps.watchlist.brands(),
        event.scheduled_time,
        deps.store,
        deps.ledger,
        deps.publisher,
        timing,
        mutes=deps.mutes,
    )
    if run.deferred:
        logger.warning("out of time: brands left for the next run", extra={"deferred": run.deferred})
    metrics.add_metric(name="BrandsDeferred", unit=MetricUnit.Count, value=len(run.deferred))
    metrics.add_metric(name="AlertsPublished", unit=MetricUnit.Count, value=run.published)
    metrics.add_metric(name="AlertsSuppressed", unit=MetricUnit.Count, value=run.suppressed)
    metrics.add_metric(name="BrandEvaluationErrors", unit=MetricUnit.Count, value=run.errors)
    for result in run.results:
        logger.info(
            "evaluated", extra={"brand": result.brand_id, "index": result.index, "change": result.change}
        )
    if run.problems:
        # The others are done; failing the invocation makes Lambda's async retry run it again
        # (idempotent: same scheduled time), then records it in ScheduledRunFailureQueue.
        logger.error("evaluation incomplete", extra={"problems": run.problems})
        raise EvaluationIncomplete(run.problems)
    # What the backtest's local-stack path prints: one line per firing, and the emails by kind.
    return {
        "brands": len(run.results),
        "published": run.published,
        "emails": run.emails_by_kind(),
        "firings": run.firing_lines(),
    }
