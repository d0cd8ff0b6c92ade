"""The review and response rules under faults: the real DynamoAlertLedger and SnsAlertPublisher on
moto, the evaluator every five minutes.

The story (fault-free): a 1-star review posted 11:55 opens an incident at 12:00 (low_rating_review),
which closes an hour later without an email (events only: nothing whose end to announce). A
complaint posted 12:00 is still unanswered at 16:00, when the index falls under its floor: the
crisis opens an incident and the complaint folds into it (an unanswered complaint alone waits for
the digest). The brand replies at 16:40, which closes the complaint; the index recovers at 17:00
and the resolution says the complaint was answered. At each step one fault: SNS down for ten
minutes, every run retried by Lambda, a second delivery overlapping the first while it publishes.
Invariant: the same three emails, each once under one id, none lost.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta
from typing import Any

import pytest

from repmon.adapters.dynamo_state import DynamoAlertLedger
from repmon.adapters.sns_publisher import SnsAlertPublisher
from repmon.domain.brand import Brand
from repmon.domain.models import Alert, Reply
from repmon.domain.replies import ReplyLink
from repmon.services.evaluate import evaluate_all
from tests.fakes import FixedClock, scored_mention
from tests.faults.test_evaluator_faults import AT, STEP, Aws, Invocation, ScriptedIndex, _sns_down, aws

__all__ = ["aws"]

HOUR = timedelta(hours=1)
REPLIED = AT + 4 * HOUR + 40 * STEP / 5
STORY = [
    ("alert", "OPEN", "low_rating_review", 0.0),
    ("alert", "OPEN", "reputation_low", 4.0),
    ("resolved", "RESOLVED", "reputation_low", 6.0),
]
#: Runs every five minutes around each part of the story (the hours between change nothing).
TIMES = [AT + n * STEP for n in range(0, 19)] + [AT + 4 * HOUR + n * STEP for n in range(-1, 31)]


def _crisis(at: datetime) -> bool:
    return AT + 4 * HOUR <= at < AT + 5 * HOUR


def _store() -> ScriptedIndex:
    store = ScriptedIndex(crisis=_crisis)
    review = scored_mention("acme", AT - STEP, -0.7, 10, native_id="r1", source="trustpilot")
    review = dataclasses.replace(
        review, mention=dataclasses.replace(review.mention, rating=1, location_name="Acme Paris")
    )
    complaint = scored_mention("acme", AT, -0.6, 10, native_id="c1", text="acme air lost my bag")
    complaint = dataclasses.replace(
        complaint, mention=dataclasses.replace(complaint.mention, replies_visible=True)
    )
    store.save([review, complaint])
    return store


class Story:
    def __init__(self, aws: Aws) -> None:
        self.aws, self.store = aws, _store()
        self.brand = Brand(id="acme", name="Acme Air", query='"acme air"')
        self.overlap_at: datetime | None = None

    def run(self, at: datetime) -> Any:
        self.store.now = at
        if at >= REPLIED:
            self.store.record_replies([ReplyLink("acme", "reddit", "c1", Reply(REPLIED))])
        ledger = DynamoAlertLedger("repmon-test", self.aws.ddb, clock=FixedClock(at))
        invocation = Invocation()
        sns = SnsAlertPublisher(
            self.aws.topic, self.aws.sns, clock=lambda: invocation.elapsed, sleep=invocation.spend
        )
        publisher = _Overlapping(sns, self, at) if at == self.overlap_at else sns
        return evaluate_all([self.brand], at, self.store, ledger, publisher, invocation.timing())


class _Overlapping:
    def __init__(self, inner: SnsAlertPublisher, story: Story, at: datetime) -> None:
        self.inner, self.story, self.at, self.nested = inner, story, at, False

    def publish(self, alert: Alert, within: float | None = None) -> str:
        if not self.nested:
            self.nested = True
            self.story.overlap_at = None
            self.story.run(self.at)
        return self.inner.publish(alert, within)


def _told(aws: Aws, monkeypatch: pytest.MonkeyPatch, fault: str, step: datetime) -> list[Any]:
    story = Story(aws)
    if fault == "publish":
        _sns_down(monkeypatch, lambda: step <= story.store.now < step + 2 * STEP)
    elif fault == "overlap":
        story.overlap_at = step
    for at in TIMES:
        story.run(at)
        if fault == "retry" and at >= step:
            story.run(at)
    emails = aws.emails()
    return [(e["kind"], e["incident_status"], e["rule"], _hours(e["fired_at"])) for e in emails]


def _hours(fired_at: str) -> float:
    return round((datetime.fromisoformat(fired_at) - AT) / HOUR, 3)


def test_the_story_without_faults(aws, monkeypatch):
    told = _told(aws, monkeypatch, "none", AT)
    assert told == [(k, s, r, round(h, 3)) for k, s, r, h in STORY]
    texts = [e["text"] for e in aws.received]
    assert "https://example.test/trustpilot/r1" in texts[0]
    assert "complaint without an answer (1, 1 answered since)" in texts[2]


@pytest.mark.parametrize("fault", ["publish", "retry", "overlap"])
@pytest.mark.parametrize("step", [AT, AT + 4 * HOUR], ids=["low_rating_review", "crisis_and_complaint"])
def test_each_review_and_complaint_is_emailed_once_under_faults(aws, monkeypatch, fault, step):
    """Each rule's email once, under one id, whatever the fault at its step; a publish that failed
    goes out when SNS is back, ten minutes later."""
    told = _told(aws, monkeypatch, fault, step)
    assert [(k, s, r) for k, s, r, _ in told] == [(k, s, r) for k, s, r, _ in STORY]
    assert len({e["alert_id"] for e in aws.received}) == len(aws.received) == len(STORY)
