"""DeadLetters on SQS: how many poll jobs wait in each dead-letter queue (ApproximateNumberOfMessages)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from repmon.adapters.aws import client as aws_client


class SqsDeadLetters:
    def __init__(self, queue_urls: Sequence[str], client: Any = None) -> None:
        self.queue_urls = [url for url in queue_urls if url]
        self.client = client or aws_client("sqs")

    def depths(self) -> dict[str, int]:
        found: dict[str, int] = {}
        for url in self.queue_urls:
            attributes = self.client.get_queue_attributes(
                QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"]
            )["Attributes"]
            found[url.rsplit("/", 1)[-1]] = int(attributes.get("ApproximateNumberOfMessages", 0))
        return found
