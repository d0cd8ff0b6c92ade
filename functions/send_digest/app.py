"""Lambda: every hour, send the digests due at each brand's local hour, each once (kind=digest)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.parser import event_parser
from aws_lambda_powertools.utilities.typing import LambdaContext

from repmon.domain.errors import EvaluationIncomplete
from repmon.runtime.events import ScheduledEvent
from repmon.runtime.notice_wiring import digest_wiring
from repmon.runtime.observability import logger, metrics
from repmon.services.digests import send_digests
from repmon.services.notify import Timing


@logger.inject_lambda_context
@metrics.log_metrics
@event_parser(model=ScheduledEvent)
def handler(event: ScheduledEvent, context: LambdaContext) -> dict[str, Any]:
    wiring = digest_wiring()
    timing = Timing(time_left=lambda: context.get_remaining_time_in_millis() / 1000)
    run = send_digests(wiring.watchlist.brands(), event.scheduled_time, wiring.deps, timing)
    metrics.add_metric(name="DigestsSent", unit=MetricUnit.Count, value=len(run.sent))
    metrics.add_metric(name="DigestErrors", unit=MetricUnit.Count, value=len(run.errors))
    for notice in run.sent:
        logger.info(
            "digest sent", extra={"brand": notice.brand_id, "digest": notice.rule, "id": notice.notice_id}
        )
    if run.deferred:
        logger.warning("out of time: brands left for the next run", extra={"deferred": run.deferred})
    if run.errors:
        # Failing the invocation has Lambda retry it (the sent ones are skipped by the ledger), then
        # records it in ScheduledRunFailureQueue; the next hourly run also makes up what is still due.
        logger.error("digests incomplete", extra={"problems": run.errors})
        raise EvaluationIncomplete({"digests": "; ".join(run.errors)})
    return {"sent": len(run.sent), "deferred": list(run.deferred)}
