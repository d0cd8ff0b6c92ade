"""Every email of an incident's lifecycle under faults: the real DynamoAlertLedger and
SnsAlertPublisher on moto, the evaluator every five minutes through one incident.

The incident (fault-free): the index under its floor at 12:00 (OPEN), a volume spike at 13:00
critical at once (WORSE: the severity rises; the index rules are one kind of evidence, so a warning
spike would ride along), still open an hour later (REMINDER, repeat_interval 1 h), recovered at
15:00 and settled an hour later (RESOLVED at 16:00); with quiet hours 11:00-13:00, the opening is
held and summarised at 13:00 (HELD). At each step's time in turn one fault is injected: SNS down for
ten minutes, the writes recording it sent throttled five times, every run retried by Lambda, a
second delivery of the run overlapping the first while it publishes. Invariant: the same emails,
each once, under one id each.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from moto.dynamodb.exceptions import DynamodbException
from moto.dynamodb.responses import DynamoHandler

from repmon.adapters.dynamo_state import DynamoAlertLedger
from repmon.adapters.sns_publisher import SnsAlertPublisher
from repmon.domain.brand import Brand
from repmon.domain.models import Alert, HourlyAggregate
from repmon.services.evaluate import evaluate_all
from tests.fakes import FixedClock
from tests.faults.test_evaluator_faults import AT, STEP, Aws, Invocation, ScriptedIndex, _sns_down, aws

__all__ = ["aws"]  # the fixture, shared with the evaluator's fault suite

HOUR = timedelta(hours=1)
LIFECYCLE = [
    ("alert", "OPEN", 0),
    ("update", "WORSE", 1),
    ("update", "REMINDER", 2),
    ("resolved", "RESOLVED", 4),
]
QUIET = [("alert", "HELD", 1), ("update", "REMINDER", 2), ("resolved", "RESOLVED", 4)]


class Incident(ScriptedIndex):
    """Index 29 from 12:00 to 15:00, 59 otherwise; 60 mentions in the 13:00-15:00 hours (a critical
    spike)."""

    def __init__(self) -> None:
        super().__init__(crisis=lambda at: AT <= at < AT + 3 * HOUR)

    def hourly(self, brand_id: str, since: datetime, until: datetime) -> list[HourlyAggregate]:
        self.volume = 60 if AT + HOUR <= self.now < AT + 3 * HOUR else 12
        return super().hourly(brand_id, since, until)


def _brand(**incidents: Any) -> Brand:
    settings = {"repeat_interval": "1h", **incidents}
    return Brand.model_validate(
        {"id": "acme", "name": "Acme Air", "query": '"acme air"', "incidents": settings}
    )


class Faults:
    """What the run at `at` suffers: `publish` wraps the publisher (an overlapping delivery)."""

    def __init__(self, aws: Aws, store: Incident, brand: Brand) -> None:
        self.aws, self.store, self.brand, self.now = aws, store, brand, AT
        self.retry = False
        self.overlap_at: datetime | None = None

    def run(self, at: datetime) -> Any:
        self.now = self.store.now = at
        ledger = DynamoAlertLedger("repmon-test", self.aws.ddb, clock=FixedClock(at))
        invocation = Invocation()
        sns = SnsAlertPublisher(
            self.aws.topic, self.aws.sns, clock=lambda: invocation.elapsed, sleep=invocation.spend
        )
        publisher = Overlapping(sns, self, at) if at == self.overlap_at else sns
        return evaluate_all([self.brand], at, self.store, ledger, publisher, invocation.timing())


class Overlapping:
    """The publisher of a run during which Lambda delivers the same run a second time."""

    def __init__(self, inner: SnsAlertPublisher, faults: Faults, at: datetime) -> None:
        self.inner, self.faults, self.at, self.nested = inner, faults, at, False

    def publish(self, alert: Alert, within: float | None = None) -> str:
        if not self.nested:
            self.nested = True
            self.faults.overlap_at = None
            self.faults.run(self.at)
        return self.inner.publish(alert, within)


def _throttle_from(monkeypatch: pytest.MonkeyPatch, when: Callable[[], bool], failures: int) -> Counter[str]:
    """From `when`, the next `failures` writes recording a sent email or a folded firing are refused."""
    seen: Counter[str] = Counter()
    for name in ("put_item", "update_item", "transact_write_items"):
        original = getattr(DynamoHandler, name)

        def handler(self: DynamoHandler, original: Any = original) -> Any:
            body = json.dumps(self.body)
            if when() and ("sent = :t" in body or '"ALERT#' in body) and seen["throttled"] < failures:
                seen["throttled"] += 1
                raise DynamodbException("ProvisionedThroughputExceededException", "Rate exceeded (injected)")
            return original(self)

        monkeypatch.setattr(DynamoHandler, name, handler)
    return seen


def _lifecycle(aws: Aws, monkeypatch: pytest.MonkeyPatch, brand: Brand, fault: str, hour: int) -> list[Any]:
    faults = Faults(aws, Incident(), brand)
    step = AT + hour * HOUR
    if fault == "publish":
        _sns_down(monkeypatch, lambda: step <= faults.now < step + 2 * STEP)
    elif fault == "throttle":
        seen = _throttle_from(monkeypatch, lambda: faults.now >= step, failures=5)
    elif fault == "overlap":
        faults.overlap_at = step
    for n in range(0, 5 * 12 + 1):
        faults.run(AT + n * STEP)
        if fault == "retry" and AT + n * STEP >= step:
            faults.run(AT + n * STEP)  # Lambda's retry of the same scheduled run
    if fault == "throttle":
        assert seen["throttled"] == 5
    return aws.emails()


def _steps(emails: list[dict[str, Any]]) -> list[tuple[str, str, float]]:
    return [(e["kind"], e["incident_status"], _hours(e["fired_at"])) for e in emails]


def _hours(fired_at: str) -> float:
    return (datetime.fromisoformat(fired_at) - AT) / HOUR


def test_the_lifecycle_without_faults(aws, monkeypatch):
    """The baseline every fault below is measured against; one subject for the whole incident."""
    emails = _lifecycle(aws, monkeypatch, _brand(), "none", 0)
    assert _steps(emails) == LIFECYCLE and len({e["subject"] for e in emails}) == 1
    assert [e["rule"] for e in emails[:2]] == ["reputation_low", "volume_spike"]  # each leads its news


@pytest.mark.parametrize("fault", ["publish", "throttle", "retry", "overlap"])
@pytest.mark.parametrize(
    ("expected", "index"), [(LIFECYCLE, i) for i in range(4)], ids=[s for _, s, _ in LIFECYCLE]
)
def test_each_step_of_an_incident_is_emailed_once_under_faults(aws, monkeypatch, fault, expected, index):
    """Before incidents: one email per rule crossing and none for the end (not measured here).
    After: OPEN, WORSE, REMINDER, RESOLVED, each once, whatever the fault at any one of them; an email
    whose publish failed goes out when SNS is back (ten minutes later), under the id it was claimed with."""
    hour = expected[index][2]
    emails = _lifecycle(aws, monkeypatch, _brand(), fault, hour)
    assert [(k, s) for k, s, _ in _steps(emails)] == [(k, s) for k, s, _ in expected]
    assert len({e["alert_id"] for e in emails}) == len(emails) and len({e["subject"] for e in emails}) == 1
    late = 2 * STEP / HOUR if fault == "publish" else 0
    assert [h for _, _, h in _steps(emails)][index] == hour + late


@pytest.mark.parametrize("fault", ["publish", "throttle", "retry", "overlap"])
def test_the_quiet_hours_summary_is_emailed_once_under_faults(aws, monkeypatch, fault):
    """Quiet hours 11:00-13:00 hold the opening (a warning); at 13:00 one summary (HELD, kind alert),
    then the reminder and the resolution, whatever the fault when the summary is due."""
    emails = _lifecycle(aws, monkeypatch, _brand(quiet_hours={"window": "11:00-13:00"}), fault, 1)
    assert [(k, s) for k, s, _ in _steps(emails)] == [(k, s) for k, s, _ in QUIET]
    assert len({e["alert_id"] for e in emails}) == len(emails)
    assert "- Sun 12:00 UTC: opened (warning)" in emails[0]["text"]
