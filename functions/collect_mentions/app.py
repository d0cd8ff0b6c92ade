"""Lambda: run poll jobs from the SQS FIFO queues; a failed or deferred job is retried alone."""

from __future__ import annotations

from functools import partial
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import SqsFifoPartialProcessor, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import ValidationError

from repmon.domain.errors import JobUnfinished
from repmon.runtime import wiring
from repmon.runtime.events import PollJobMessage
from repmon.runtime.job_budget import JobBudget, JobDeferred
from repmon.runtime.observability import logger, metrics

# Only the failed job's own group (brand#source) waits for its retry; other brands go on.
processor = SqsFifoPartialProcessor(skip_group_on_error=True)


def record_handler(record: SQSRecord, budget: JobBudget) -> None:
    try:
        job = PollJobMessage.model_validate_json(record.body).to_job()
    except ValidationError as exc:
        # A malformed job can never succeed: log and count it rather than retry it into the DLQ.
        logger.error("invalid poll job dropped", extra={"message_id": record.message_id, "error": str(exc)})
        metrics.add_metric(name="InvalidPollJobs", unit=MetricUnit.Count, value=1)
        return
    try:
        seconds = budget.next_job()  # raises JobDeferred: too little time left to start it
        with budget.requests_within(seconds) as scoring_left:
            result = wiring.collector().collect(job, scoring_left)
    except JobDeferred as exc:
        logger.warning(
            "poll job deferred", extra={"brand": job.brand_id, "source": job.source, "why": str(exc)}
        )
        metrics.add_metric(name="PollJobsDeferred", unit=MetricUnit.Count, value=1)
        raise
    except JobUnfinished as exc:  # what was scored is stored; the retry stores the rest
        logger.warning(
            "poll job unfinished", extra={"brand": job.brand_id, "source": job.source, "why": str(exc)}
        )
        metrics.add_metric(name="PollJobsUnfinished", unit=MetricUnit.Count, value=1)
        raise
    except Exception:
        # Logged and counted here; re-raised so SQS retries the job (then its DLQ).
        logger.exception("poll job failed", extra={"brand": job.brand_id, "source": job.source})
        metrics.add_metric(name="PollJobsFailed", unit=MetricUnit.Count, value=1)
        raise
    logger.info("collected", extra=result.__dict__)
    if result.errors:
        logger.warning("source partly unavailable", extra={"brand": job.brand_id, "errors": result.errors})
    for name, value in (
        ("MentionsFetched", result.fetched),
        ("MentionsStored", result.stored),
        ("MentionsDuplicate", result.duplicates),
        ("MalformedItemsSkipped", result.skipped),
        # A location a review site does not know, a key it refuses, a backlog held: logged above.
        ("SourceErrors", len(result.errors)),
    ):
        metrics.add_metric(name=name, unit=MetricUnit.Count, value=value)


@logger.inject_lambda_context
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    budget = wiring.job_budget(context.get_remaining_time_in_millis, len(event.get("Records") or []))
    return process_partial_response(
        event=event,
        record_handler=partial(record_handler, budget=budget),
        processor=processor,
        context=context,
    )
