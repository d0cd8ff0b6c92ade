"""SqsPollJobQueue: poll jobs onto the FIFO queues that feed collect_mentions.

MessageGroupId = brand#source serialises the jobs of one cursor (no two collectors race on it);
MessageDeduplicationId = brand#source#scheduled time drops a resend of the same run within SQS's
5-minute deduplication window (a later one only costs a poll that finds nothing new).
Each source's jobs go to its queue in the registry: Reddit's own, whose consumer concurrency is capped
per Reddit client id, or the shared one.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from typing import Any

from repmon.adapters.aws import client as aws_client
from repmon.adapters.dynamo import chunks
from repmon.adapters.dynamo_items import iso
from repmon.domain.source_registry import SOURCES, Queue
from repmon.ports import PollJob

_SEND_MAX = 10


def job_body(job: PollJob) -> str:
    return json.dumps({"brand_id": job.brand_id, "source": job.source, "scheduled_at": iso(job.scheduled_at)})


class SqsPollJobQueue:
    def __init__(self, queue_url: str, reddit_queue_url: str, client: Any = None) -> None:
        self.queue_url, self.reddit_queue_url = queue_url, reddit_queue_url
        self.client = client or aws_client("sqs")

    def send(self, jobs: Sequence[PollJob]) -> int:
        own = [j for j in jobs if _queue(j.source) is Queue.REDDIT]
        shared = [j for j in jobs if _queue(j.source) is not Queue.REDDIT]
        return self._send(self.reddit_queue_url, own) + self._send(self.queue_url, shared)

    def _send(self, queue_url: str, jobs: Sequence[PollJob]) -> int:
        for batch in chunks(list(jobs), _SEND_MAX):
            entries = [_entry(i, job) for i, job in enumerate(batch)]
            failed = self.client.send_message_batch(QueueUrl=queue_url, Entries=entries).get("Failed", [])
            if failed:
                # botocore retried the call; entries refused one by one are retried once, then surfaced.
                retry = [entries[int(f["Id"])] for f in failed]
                failed = self.client.send_message_batch(QueueUrl=queue_url, Entries=retry).get("Failed", [])
                if failed:
                    raise RuntimeError(f"SQS refused {len(failed)} poll jobs: {failed[0].get('Message')}")
        return len(jobs)


def _queue(source: str) -> Queue:
    """The source's queue (`domain.source_registry`); a name it does not know goes to the shared one,
    whose collector refuses it (UnknownSource) into the dead-letter queue."""
    spec = SOURCES.get(source)
    return spec.queue if spec else Queue.SHARED


def _entry(index: int, job: PollJob) -> dict[str, Any]:
    group = f"{job.brand_id}#{job.source}"
    dedup = hashlib.sha256(f"{group}#{iso(job.scheduled_at)}".encode()).hexdigest()
    return {
        "Id": str(index),
        "MessageBody": job_body(job),
        "MessageGroupId": group,
        "MessageDeduplicationId": dedup,
    }
