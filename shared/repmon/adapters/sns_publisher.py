"""AlertPublisher on an SNS topic: one message, a form per protocol, attributes for filter policies."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError, ReadTimeoutError

from repmon.domain.email import render_json, render_subject, render_text
from repmon.domain.errors import PublishFailed
from repmon.domain.models import Alert

#: One attempt's bound: connecting, then waiting for SNS's answer (a few hundred ms when healthy).
CONNECT_SECONDS, READ_SECONDS = 2.0, 6.0
ATTEMPT_SECONDS = CONNECT_SECONDS + READ_SECONDS
#: Used when the caller gives no bound.
DEFAULT_WITHIN = 30.0
_FIRST_PAUSE, _MAX_PAUSE = 0.5, 8.0
#: SNS errors worth another attempt: throttling and SNS's own failures. Anything else (no such
#: topic, no permission, a KMS key disabled) would fail the same way again.
_TRANSIENT = frozenset(
    {"Throttling", "ThrottlingException", "Throttled", "KMSThrottling", "InternalError", "InternalFailure"}
)
_TRANSIENT |= {"ServiceUnavailable", "RequestTimeout", "RequestTimeoutException"}
#: The message id returned for a publish SNS most likely took but whose answer never came.
UNCONFIRMED = "unconfirmed"
_LOG = logging.getLogger(__name__)


def sns_client() -> Any:
    """One attempt per call, each bounded: the publisher retries itself, within the time it is given."""
    config = Config(
        retries={"mode": "standard", "total_max_attempts": 1},
        connect_timeout=CONNECT_SECONDS,
        read_timeout=READ_SECONDS,
    )
    return boto3.client("sns", config=config)  # type: ignore[call-overload]


class SnsAlertPublisher:
    """Publish alerts to one SNS topic.

    MessageStructure "json": people (email, and `default` for any other protocol) get the plain text,
    machines (sqs, lambda, https, email-json) get the JSON document of `repmon.domain.email`.
    String attributes `brand`, `rule`, `severity` and `kind` let a subscription filter what it receives.
    Transient failures are retried with backoff, but no attempt starts that could end past `within`
    (botocore's own retries, 8 attempts of up to 25 s each, would not know the evaluator's deadline).
    A read timeout is not retried: the request was sent and SNS most likely took it, only its answer
    was lost, and a retry would email everyone a second time. It counts as sent, unconfirmed (message
    id `unconfirmed:<alert id>`, and a warning in the log).
    """

    def __init__(
        self,
        topic_arn: str,
        client: Any = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.topic_arn = topic_arn
        self.client = client or sns_client()
        self.clock, self.sleep = clock, sleep

    def publish(self, alert: Alert, within: float | None = None) -> str:
        """Deliver the alert; returns the SNS message id, raises PublishFailed when SNS refuses or
        `within` seconds would not be enough for another attempt."""
        request = self._request(alert)
        unanswered = lambda exc: _unconfirmed(alert, exc)  # noqa: E731
        return publish_with_retries(self, request, alert.alert_id, within, unanswered)

    def _request(self, alert: Alert) -> dict[str, Any]:
        return {
            "TopicArn": self.topic_arn,
            "Subject": render_subject(alert),
            "Message": message_body(alert),
            "MessageStructure": "json",
            "MessageAttributes": message_attributes(alert),
        }


def publish_with_retries(
    publisher: Any,
    request: dict[str, Any],
    item_id: str,
    within: float | None,
    unanswered: Callable[[Exception], str],
) -> str:
    """One SNS publish with the retry rules every publisher of the alert topic shares: throttling,
    5xx and transport errors retried with backoff while `within` seconds allow another attempt, then
    PublishFailed(item_id); a read timeout is `unanswered` (sent, unconfirmed: never sent twice).
    `publisher` gives `client`, `clock` and `sleep`."""
    deadline = publisher.clock() + (DEFAULT_WITHIN if within is None else within)
    pause = _FIRST_PAUSE
    while True:
        try:
            return str(publisher.client.publish(**request)["MessageId"])
        except ReadTimeoutError as exc:
            return unanswered(exc)
        except (ClientError, BotoCoreError) as exc:
            code, detail = _describe(exc)
            retry = isinstance(exc, BotoCoreError) or code in _TRANSIENT or _server_fault(exc)
            if not retry or publisher.clock() + pause + ATTEMPT_SECONDS > deadline:
                raise PublishFailed(item_id, detail) from exc
        publisher.sleep(pause)
        pause = min(pause * 2, _MAX_PAUSE)


def _unconfirmed(alert: Alert, exc: Exception) -> str:
    _LOG.warning(
        "SNS did not answer the publish of alert %s: counted as sent, unconfirmed, not sent again",
        alert.alert_id,
        extra={"alert_id": alert.alert_id, "rule": alert.rule, "error": str(exc)[:200]},
    )
    return f"{UNCONFIRMED}:{alert.alert_id}"


def _describe(exc: Exception) -> tuple[str, str]:
    if isinstance(exc, ClientError):
        code = str(exc.response.get("Error", {}).get("Code", "ClientError"))
        return code, f"{code}: {exc}"
    return type(exc).__name__, str(exc)  # endpoint unreachable, timeouts


def _server_fault(exc: Exception) -> bool:
    status = (
        exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
        if isinstance(exc, ClientError)
        else 0
    )
    return int(status) >= 500


def message_body(alert: Alert) -> str:
    text, document = render_text(alert), render_json(alert)
    forms = {"default": text, "email": text, "sqs": document, "lambda": document, "https": document}
    forms["email-json"] = document
    return json.dumps(forms, ensure_ascii=False)


def message_attributes(alert: Alert) -> dict[str, dict[str, str]]:
    """`kind` (alert, update, resolved, digest, ops) routes managers' and engineers' subscriptions;
    brand, rule and severity are kept for the filters written before incidents."""
    values = {"brand": alert.brand_id, "rule": alert.rule, "severity": alert.severity.value}
    values["kind"] = alert.kind
    return {name: {"DataType": "String", "StringValue": value} for name, value in values.items()}
