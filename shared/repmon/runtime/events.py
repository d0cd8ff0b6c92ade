"""The events the handlers receive, validated at the edge (raw dicts stop at the handler)."""

from __future__ import annotations

from datetime import UTC, datetime

from pydantic import AwareDatetime, BaseModel, ConfigDict, field_validator

from repmon.ports import PollJob


class ScheduledEvent(BaseModel):
    """EventBridge Scheduler's input: `{"scheduled_time": "<aws.scheduler.scheduled-time>"}`.

    The scheduled time, not the wall clock, is "now" for a run: a retried delivery of the same
    schedule computes the same thing and so can never announce the same alert twice.
    """

    model_config = ConfigDict(extra="ignore")
    scheduled_time: AwareDatetime

    @field_validator("scheduled_time")
    @classmethod
    def _utc(cls, value: datetime) -> datetime:
        return value.astimezone(UTC)


class PollJobMessage(BaseModel):
    """The body of a poll job message on the SQS queues."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    brand_id: str
    source: str
    scheduled_at: AwareDatetime

    def to_job(self) -> PollJob:
        return PollJob(self.brand_id, self.source, self.scheduled_at.astimezone(UTC))
