"""What AWS does between our functions, emulated on the local stack.

moto stores schedules and event source mappings but never fires them, so this module plays
EventBridge Scheduler (the template's schedule Input, with the scheduled time filled in) and the
SQS event source mapping (receive, invoke, delete what succeeded, leave failures for a retry).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from repmon.adapters.dynamo_items import iso
from repmon.localstack.stack import LocalStack
from repmon.localstack.template_loader import load_sam_template

_SCHEDULED_TIME = "<aws.scheduler.scheduled-time>"


def schedule_input(function_logical_id: str, at: datetime) -> dict[str, Any]:
    """The event EventBridge Scheduler sends the function at `at`, from the template's own Input."""
    payload: dict[str, Any] = json.loads(
        _input_template(function_logical_id).replace(_SCHEDULED_TIME, iso(at))
    )
    return payload


@cache
def _input_template(function_logical_id: str) -> str:
    events = load_sam_template()["Resources"][function_logical_id]["Properties"]["Events"]
    [schedule] = [e for e in events.values() if e["Type"] == "ScheduleV2"]
    return str(schedule["Properties"]["Input"])


@dataclass
class DrainResult:
    invocations: int = 0
    succeeded: int = 0
    failed: int = 0


class LocalRuntime:
    """Fires schedules and drains queues into the real handlers of a LocalStack."""

    def __init__(self, stack: LocalStack, env: dict[str, dict[str, str]] | None = None) -> None:
        self.stack = stack
        self.sqs = stack.client("sqs")
        #: Extra variables per function folder, e.g. the collector's local source endpoints.
        self.env = env or {}

    def invoke(self, folder: str, event: Any) -> Any:
        return self.stack.invoke(folder, event, extra_env=self.env.get(folder))

    def run_schedule(self, folder: str, at: datetime) -> Any:
        logical_id = "".join(part.capitalize() for part in folder.split("_")) + "Function"
        return self.invoke(folder, schedule_input(logical_id, at))

    def drain(self, queue_output: str, folder: str) -> DrainResult:
        """Deliver every visible message of the queue to the function, as Lambda's poller would,
        in batches of the size the deployed event source mapping says."""
        url = self.stack.outputs[queue_output]
        arn = self.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
            "QueueArn"
        ]
        batch_size = self._batch_size(arn)
        result = DrainResult()
        while messages := self._receive(url, batch_size):
            failed = self._deliver(folder, messages, arn)
            done = [m for m in messages if m["MessageId"] not in failed]
            if done:
                entries = [{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(done)]
                self.sqs.delete_message_batch(QueueUrl=url, Entries=entries)
            result.invocations += 1
            result.succeeded += len(done)
            result.failed += len(failed)
        return result

    def _deliver(self, folder: str, messages: list[dict[str, Any]], arn: str) -> set[str]:
        """Invoke with one batch; the ids of the messages that failed (all of them if it raised,
        as Lambda's poller counts an invocation error: Powertools raises when every record failed)."""
        try:
            response = self.invoke(folder, _sqs_event(messages, arn)) or {}
        except Exception:
            return {m["MessageId"] for m in messages}
        return {f["itemIdentifier"] for f in response.get("batchItemFailures", [])}

    def _batch_size(self, queue_arn: str) -> int:
        mappings = self.stack.client("lambda").list_event_source_mappings(EventSourceArn=queue_arn)
        sizes = [int(m["BatchSize"]) for m in mappings["EventSourceMappings"]]
        return sizes[0] if sizes else 10

    def _receive(self, url: str, batch_size: int) -> list[dict[str, Any]]:
        response = self.sqs.receive_message(
            QueueUrl=url, MaxNumberOfMessages=batch_size, AttributeNames=["All"], WaitTimeSeconds=0
        )
        messages: list[dict[str, Any]] = response.get("Messages", [])
        return messages


def _sqs_event(messages: list[dict[str, Any]], arn: str) -> dict[str, Any]:
    return {
        "Records": [
            {
                "messageId": m["MessageId"],
                "receiptHandle": m["ReceiptHandle"],
                "body": m["Body"],
                "attributes": m.get("Attributes", {}),
                "messageAttributes": {},
                "md5OfBody": m["MD5OfBody"],
                "eventSource": "aws:sqs",
                "eventSourceARN": arn,
                "awsRegion": "us-east-1",
            }
            for m in messages
        ]
    }


class AlertInbox:
    """An SQS queue subscribed to the alert topic: what a machine subscriber receives."""

    def __init__(self, stack: LocalStack, name: str = "repmon-local-alert-inbox") -> None:
        self.sqs = stack.client("sqs")
        self.url = self.sqs.create_queue(QueueName=name)["QueueUrl"]
        arn = self.sqs.get_queue_attributes(QueueUrl=self.url, AttributeNames=["QueueArn"])["Attributes"][
            "QueueArn"
        ]
        stack.client("sns").subscribe(TopicArn=stack.outputs["AlertTopicArn"], Protocol="sqs", Endpoint=arn)

    def receive(self) -> list[dict[str, Any]]:
        """Every SNS envelope waiting in the inbox (Subject, Message, MessageAttributes...), oldest first."""
        envelopes: list[dict[str, Any]] = []
        while batch := self.sqs.receive_message(QueueUrl=self.url, MaxNumberOfMessages=10).get(
            "Messages", []
        ):
            envelopes += [json.loads(m["Body"]) for m in batch]
            entries = [{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(batch)]
            self.sqs.delete_message_batch(QueueUrl=self.url, Entries=entries)
        return envelopes
