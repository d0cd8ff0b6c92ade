"""AlertPublisher on an SNS topic: one message, a form per protocol, attributes for filter policies."""

from __future__ import annotations

import json
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from repmon.adapters.aws import client as aws_client
from repmon.domain.email import render_json, render_subject, render_text
from repmon.domain.errors import PublishFailed
from repmon.domain.models import Alert


class SnsAlertPublisher:
    """Publish alerts to one SNS topic.

    MessageStructure "json": people (email, and `default` for any other protocol) get the plain text,
    machines (sqs, lambda, https, email-json) get the JSON document of `repmon.domain.email`.
    String attributes `brand`, `rule` and `severity` let a subscription filter what it receives.
    """

    def __init__(self, topic_arn: str, client: Any = None) -> None:
        self.topic_arn = topic_arn
        self.client = client or aws_client("sns")

    def publish(self, alert: Alert) -> str:
        """Deliver the alert; returns the SNS message id, raises PublishFailed when SNS refuses."""
        try:
            response = self.client.publish(
                TopicArn=self.topic_arn,
                Subject=render_subject(alert),
                Message=message_body(alert),
                MessageStructure="json",
                MessageAttributes=message_attributes(alert),
            )
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "ClientError")
            raise PublishFailed(alert.alert_id, f"{code}: {exc}") from exc
        except BotoCoreError as exc:  # endpoint unreachable, timeouts after botocore's retries
            raise PublishFailed(alert.alert_id, str(exc)) from exc
        return str(response["MessageId"])


def message_body(alert: Alert) -> str:
    text, document = render_text(alert), render_json(alert)
    forms = {"default": text, "email": text, "sqs": document, "lambda": document, "https": document}
    forms["email-json"] = document
    return json.dumps(forms, ensure_ascii=False)


def message_attributes(alert: Alert) -> dict[str, dict[str, str]]:
    values = {"brand": alert.brand_id, "rule": alert.rule, "severity": alert.severity.value}
    return {name: {"DataType": "String", "StringValue": value} for name, value in values.items()}
