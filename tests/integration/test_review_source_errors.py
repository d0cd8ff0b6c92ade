"""The collector's handler on a review-site job whose location the site does not know: the job
succeeds (nothing to retry), the note is logged as `source partly unavailable`, and the
`SourceErrors` metric counts it; the other location's reviews are stored and its cursor moves."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager, redirect_stdout
from pathlib import Path

from pydantic import SecretStr

from repmon.adapters.sources.trustpilot import TrustpilotCredentials, TrustpilotSource
from repmon.domain.brand import Brand
from repmon.localstack.fakes.trustpilot import add_trustpilot_review
from repmon.localstack.lambda_runner import LambdaContext, environment, load_handler
from repmon.runtime import wiring
from repmon.services.collect import Collector
from tests.fakes import InMemoryCursorStore, InMemoryMentionStore, InMemoryWatchlist, KeywordScorer
from tests.integration.conftest import NOW

APP = Path(__file__).parents[2] / "functions" / "collect_mentions" / "app.py"
KNOWN, UNKNOWN = "5f1e2d3c4b5a69788796a5b4", "0123456789abcdef01234567"


def test_an_unknown_location_is_logged_and_counted_and_the_job_succeeds(world, fake, session, monkeypatch):
    add_trustpilot_review(world, unit=KNOWN, title="Lost bag", text="No answer", stars=1, created=NOW)
    brand = Brand.model_validate(
        {
            "id": "acme",
            "name": "Acme",
            "query": "acme",
            "sources": {"trustpilot": {"business_units": [UNKNOWN, KNOWN]}},
        }
    )
    store, cursors = InMemoryMentionStore(), InMemoryCursorStore()
    source = TrustpilotSource(TrustpilotCredentials(api_key=SecretStr("k")), fake.base_url, session)
    collector = Collector(InMemoryWatchlist([brand]), {"trustpilot": source}, cursors, store, KeywordScorer())
    monkeypatch.setattr(wiring, "collector", lambda: collector)
    body = json.dumps({"brand_id": "acme", "source": "trustpilot", "scheduled_at": NOW.isoformat()})
    record = {
        "messageId": "m1",
        "receiptHandle": "r1",
        "body": body,
        "attributes": {"MessageGroupId": "acme#trustpilot", "SequenceNumber": "1"},
        "messageAttributes": {},
        "md5OfBody": "",
        "eventSource": "aws:sqs",
        "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:repmon-poll-jobs.fifo",
        "awsRegion": "us-east-1",
    }
    out = io.StringIO()
    env = {"TABLE_NAME": "repmon-test", "JOB_MIN_SECONDS": "1", "JOB_STORE_SECONDS": "0.2"}
    with environment(env), redirect_stdout(out), _log_streams_to(out):
        response = load_handler(APP)(
            {"Records": [record]}, LambdaContext("collect_mentions", timeout_seconds=60)
        )
    assert response["batchItemFailures"] == []  # a watchlist mistake is not retried
    lines = [json.loads(line) for line in out.getvalue().splitlines() if line.startswith("{")]
    metrics = [m for m in lines if "_aws" in m]
    assert sum(_count(m, "SourceErrors") for m in metrics) == 1
    [warning] = [m for m in lines if m.get("message") == "source partly unavailable"]
    assert f"trustpilot {UNKNOWN}: not found (404)" in json.dumps(warning)
    assert len(store.items) == 1 and KNOWN in (cursors.get("acme", "trustpilot") or "")


@contextmanager
def _log_streams_to(out: io.StringIO) -> Iterator[None]:
    """The handler is imported once per worker (its cold start): a test that loaded it first bound
    its logger's stream to that test's stdout, so point every stream handler at `out` meanwhile."""
    loggers = [logging.getLogger()] + [
        lg for lg in logging.Logger.manager.loggerDict.values() if isinstance(lg, logging.Logger)
    ]
    handlers = {h for lg in loggers for h in lg.handlers if type(h) is logging.StreamHandler}
    saved = [(h, h.setStream(out)) for h in handlers]
    try:
        yield
    finally:
        for handler, stream in saved:
            if stream is not None:
                handler.setStream(stream)


def _count(metric: dict[str, object], name: str) -> float:
    value = metric.get(name, 0)
    return sum(value) if isinstance(value, list) else float(value)  # type: ignore[arg-type]
