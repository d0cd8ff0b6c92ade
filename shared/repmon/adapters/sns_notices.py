"""NoticePublisher on the alert topic: digests and ops alerts, with the `kind` message attribute.

The same topic, client settings, retry rules and attribute names as `sns_publisher` (whose
`SnsAlertPublisher` sends the rule alerts): `kind` is `digest` or `ops`, so a subscription's filter
policy routes digests to managers and ops alerts to engineers; `brand`, `rule` and `severity` as for
alerts (`rule` is the digest's period, daily or weekly, or the ops rule).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from repmon.adapters.sns_publisher import UNCONFIRMED, publish_with_retries, sns_client
from repmon.domain.email import to_ascii
from repmon.domain.notices import Notice


class SnsNoticePublisher:
    """Publish notices to one SNS topic; a read timeout counts as sent, unconfirmed (never sent twice)."""

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

    def publish(self, notice: Notice, within: float | None = None) -> str:
        request = notice_request(self.topic_arn, notice)
        unanswered = lambda exc: f"{UNCONFIRMED}:{notice.notice_id}"  # noqa: E731
        return publish_with_retries(self, request, notice.notice_id, within, unanswered)


def notice_request(topic_arn: str, notice: Notice) -> dict[str, Any]:
    document = json.dumps(notice.document, ensure_ascii=False)
    forms = {"default": notice.text, "email": notice.text, "sqs": document, "lambda": document}
    forms |= {"https": document, "email-json": document}
    values = {"kind": notice.kind, "brand": notice.brand_id or "-", "severity": notice.severity}
    values["rule"] = notice.rule or notice.kind
    return {
        "TopicArn": topic_arn,
        "Subject": to_ascii(notice.subject)[:99],
        "Message": json.dumps(forms, ensure_ascii=False),
        "MessageStructure": "json",
        "MessageAttributes": {k: {"DataType": "String", "StringValue": v} for k, v in values.items()},
    }
