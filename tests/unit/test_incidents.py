"""The evaluator's emails as incidents, on in-memory fakes: one opening, an update only when worse,
one reminder, one resolution; quiet hours hold what is not critical and summarise it after."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from repmon.domain.brand import Brand
from repmon.domain.email import render_document, render_subject, render_text
from repmon.domain.incident_settings import IncidentSettings
from repmon.domain.models import Alert, Severity
from repmon.domain.rules import REPUTATION_LOW
from repmon.services.evaluate import Timing, evaluate_brand
from tests.fakes import RecordingPublisher, scored_mention
from tests.unit.test_evaluate import AT, MIN5, World

H = timedelta(hours=1)


def _brand(**incidents: object) -> Brand:
    settings = IncidentSettings.model_validate(incidents)
    return Brand(id="acme", name="Acme Air", query='"acme air"', incidents=settings)


def _every_5_min(world: World, hours: float, start: timedelta = timedelta(0)) -> None:
    for n in range(int(hours * 12)):
        world.run(AT + start + n * MIN5)


def test_an_outage_sends_its_opening_one_update_when_worse_and_its_resolution():
    # Given a brand with no baseline (only reputation_low can fire), its index falling to 30
    world = World(_brand(), baseline=False)
    world.set_index(AT, 30.0)
    _every_5_min(world, 1)
    # When it falls further, 13 under the floor (critical), then recovers past 40 for good
    world.set_index(AT + H, 22.0)
    _every_5_min(world, 4, start=H)
    world.set_index(AT + 5 * H, 45.0)
    _every_5_min(world, 3, start=5 * H)
    # Then three emails: OPEN (warning), WORSE (critical) at once, RESOLVED an hour after recovery
    emails = world.publisher.published
    assert [(e.kind, e.incident and e.incident.status, e.severity) for e in emails] == [
        ("alert", "OPEN", Severity.WARNING),
        ("update", "WORSE", Severity.CRITICAL),
        ("resolved", "RESOLVED", Severity.CRITICAL),
    ]
    assert [e.fired_at - AT for e in emails] == [timedelta(0), H, 6 * H]
    # One subject for all (mail clients thread them), the incident id in the JSON and the footer
    assert len({render_subject(e) for e in emails}) == 1
    opened = emails[0].incident.incident_id[:6]  # type: ignore[union-attr]
    assert (
        render_subject(emails[0]) == f"[repmon] Acme Air: reputation incident {opened} (opened Sun 12:00 UTC)"
    )
    [incident_id] = {render_document(e)["incident_id"] for e in emails}
    assert all(f"incident: {incident_id}" in render_text(e) for e in emails)
    # The body's first line is the status and severity; the resolution says how long and how bad
    assert render_text(emails[1]).startswith("WORSE | CRITICAL | reputation 22, under 35")
    resolved = render_text(emails[2])
    assert resolved.startswith("RESOLVED | CRITICAL | over after 5 h 00 min")
    assert "Lasted: 5 h 00 min, Sun 12:00 UTC to Sun 17:00 UTC" in resolved
    assert "Worst point: index 22.0 at its lowest" in resolved and "Emails: 3, this one included" in resolved


def test_new_evidence_of_the_same_severity_waits_for_the_group_interval():
    # Given an open incident (warning), then an influencer complaint (warning) ten minutes later
    world = World(_brand(group_interval="60m"), baseline=False)
    world.set_index(AT, 30.0)
    world.run(AT)
    world.store.save([scored_mention("acme", AT + 5 * MIN5, -0.6, 75, native_id="loud")])
    # When the evaluator runs every five minutes for two hours
    _every_5_min(world, 2, start=MIN5)
    # Then one update, an hour after the opening email, naming the complaint
    emails = world.publisher.published
    assert [(e.kind, e.fired_at - AT) for e in emails] == [("alert", timedelta(0)), ("update", H)]
    assert emails[
        1
    ].rule == "influencer_negative" and "- negative mention by an influential author: warning" in render_text(
        emails[1]
    )


def test_an_incident_still_open_gets_one_reminder():
    world = World(_brand(repeat_interval="24h"), baseline=False)
    world.set_index(AT, 30.0)
    for n in range(0, 60):  # hourly for 60 hours, the index still 30
        world.set_index(AT + n * H, 30.0)
        world.run(AT + n * H)
    assert [
        (e.kind, e.incident and e.incident.status, e.fired_at - AT) for e in world.publisher.published
    ] == [
        ("alert", "OPEN", timedelta(0)),
        ("update", "REMINDER", timedelta(hours=24)),
    ]


def test_quiet_hours_hold_a_warning_and_summarise_it_when_they_end_but_let_critical_through():
    # Given quiet hours 11:00-14:00 UTC every day, and a warning at 12:00
    world = World(_brand(quiet_hours={"window": "11:00-14:00"}), baseline=False)
    world.set_index(AT, 30.0)
    _every_5_min(world, 1)
    assert world.publisher.published == []  # held
    # When it turns critical inside them / Then that goes out at once
    world.set_index(AT + H, 22.0)
    _every_5_min(world, 1, start=H)
    # And when they end, one summary of what was held
    _every_5_min(world, 1, start=2 * H)
    emails = world.publisher.published
    assert [(e.kind, e.incident and e.incident.status, e.fired_at - AT) for e in emails] == [
        ("update", "WORSE", H),
        ("alert", "HELD", 2 * H),
    ]
    held = render_text(emails[1])
    assert "quiet hours (11:00-14:00 UTC) are over: 1 email(s) were held" in held
    assert "- Sun 12:00 UTC: opened (warning)" in held


def test_the_all_clear_of_an_incident_that_woke_someone_in_quiet_hours_goes_out_at_once():
    # Given quiet hours 11:00-20:00 UTC and a critical incident opened inside them (emailed)
    world = World(_brand(quiet_hours={"window": "11:00-20:00"}), baseline=False)
    world.set_index(AT, 22.0)
    _every_5_min(world, 1)
    # When it recovers at 13:00 and stays recovered past the settle time, still inside them
    world.set_index(AT + H, 45.0)
    _every_5_min(world, 3, start=H)
    # Then the manager it woke gets the all-clear at once, not in the morning
    emails = world.publisher.published
    assert [(e.kind, e.incident and e.incident.status, e.fired_at - AT) for e in emails] == [
        ("alert", "OPEN", timedelta(0)),
        ("resolved", "RESOLVED", 2 * H),
    ]


def test_the_all_clear_waits_when_nothing_was_emailed_this_quiet_night():
    # Given a warning incident opened (and emailed) before the quiet hours 13:00-20:00 began
    world = World(_brand(quiet_hours={"window": "13:00-20:00"}), baseline=False)
    world.set_index(AT, 30.0)
    _every_5_min(world, 1)
    # When it recovers at 13:00 and settles inside the quiet hours
    world.set_index(AT + H, 45.0)
    _every_5_min(world, 3, start=H)
    # Then nobody is woken for it: only the opening went out so far
    assert [e.kind for e in world.publisher.published] == ["alert"]


def test_below_min_severity_and_muted_rules_open_no_incident():
    world = World(_brand(), baseline=False)
    world.brand = world.brand.model_copy(
        update={
            "notifications": world.brand.notifications.model_copy(update={"min_severity": Severity.CRITICAL})
        }
    )
    world.set_index(AT, 30.0)
    result = world.run(AT)
    assert result.published == () and result.firings == () and world.ledger.incident("acme") is None
    assert world.ledger.state("acme", REPUTATION_LOW).firing is False


def test_a_resolution_that_could_not_be_sent_before_a_relapse_is_withdrawn_not_sent():
    # Given an incident whose resolution is claimed but SNS refuses it
    world = World(_brand(), baseline=False)
    world.set_index(AT, 30.0)
    world.run(AT)
    world.set_index(AT + H, 45.0)
    _every_5_min(world, 1, start=H)
    world.publisher.fail_next = 1
    world.run(AT + 2 * H)
    incident = world.ledger.incident("acme")
    assert incident is not None and incident.outbox is not None and incident.outbox.step == "resolved"
    # When the index falls under its floor again before the next run
    world.set_index(AT + 2 * H + MIN5, 30.0)
    _every_5_min(world, 1, start=2 * H + MIN5)
    # Then no all-clear goes out for an incident that is not over, and it stays open
    assert [e.kind for e in world.publisher.published] == ["alert"]
    after = world.ledger.incident("acme")
    assert after is not None and after.outbox is None and not after.closed and after.firing


class _Overlapping(RecordingPublisher):
    """A publisher during whose publish of the `step` email another delivery of the run folds in."""

    def __init__(self, step: str, during: Callable[[], object]) -> None:
        super().__init__()
        self.step, self.during = step, during

    def publish(self, alert: Alert, within: float | None = None) -> str:
        if alert.details.get("incident_step") == self.step:
            self.step = ""  # once
            self.during()
        return super().publish(alert, within)


def test_an_escalation_folded_while_an_update_is_in_flight_is_still_emailed():
    # Given an open incident (warning) whose first update (a new complaint) is being published
    world = World(_brand(group_interval="60m"), baseline=False)
    world.set_index(AT, 30.0)
    world.run(AT)
    world.store.save([scored_mention("acme", AT + 5 * MIN5, -0.6, 75, native_id="loud")])
    _every_5_min(world, 1 - 1 / 12, start=MIN5)

    def duplicate_delivery_sees_it_critical() -> None:
        world.set_index(AT + H, 22.0)
        world.run(AT + H)

    world.publisher = _Overlapping("update-1", duplicate_delivery_sees_it_critical)
    world.run(AT + H)
    # When the runs go on
    _every_5_min(world, 1, start=H + MIN5)
    # Then the escalation to critical, folded by the other delivery, is emailed (it was marked told)
    emails = world.publisher.published
    assert [(e.kind, e.severity) for e in emails] == [
        ("update", Severity.WARNING),
        ("update", Severity.CRITICAL),
    ]


def test_a_relapse_folded_while_the_resolution_is_in_flight_keeps_the_incident_open_and_is_emailed():
    # Given an incident whose resolution is being published
    world = World(_brand(), baseline=False)
    world.set_index(AT, 30.0)
    world.run(AT)
    world.set_index(AT + H, 45.0)
    _every_5_min(world, 1, start=H)

    def duplicate_delivery_sees_a_relapse() -> None:
        world.set_index(AT + 2 * H, 30.0)
        world.run(AT + 2 * H)

    world.publisher = _Overlapping("resolved", duplicate_delivery_sees_a_relapse)
    world.run(AT + 2 * H)
    # When the index stays under its floor
    _every_5_min(world, 1, start=2 * H + MIN5)
    # Then the incident is not closed over a firing rule: the relapse is emailed at once
    after = world.ledger.incident("acme")
    assert after is not None and not after.closed and REPUTATION_LOW in after.firing
    assert [(e.kind, e.fired_at - AT) for e in world.publisher.published] == [
        ("resolved", 2 * H),
        ("update", 2 * H + MIN5),
    ]


def test_the_resolution_does_not_compare_the_index_with_a_baseline_the_incident_may_be_in():
    # Given a drop against a calm week, recovered for good after two hours
    world = World(_brand())
    world.set_index(AT, 30.0)
    _every_5_min(world, 2)
    world.set_index(AT + 2 * H, 62.0)
    _every_5_min(world, 2, start=2 * H)
    # Then the resolved email gives today's index alone: a usual day or week that has taken the
    # incident in ("+18 vs the usual day" after a long one) says nothing true about the recovery
    resolved = world.publisher.published[-1]
    assert resolved.kind == "resolved"
    text = render_text(resolved)
    assert "Reputation index: 62/100\n" in text and "vs the usual" not in text
    assert render_document(resolved)["change"] is None and "baseline_index" not in resolved.details
    # While the opening email compared it with the week before
    assert "(-33 vs the usual week, 63)" in render_text(world.publisher.published[0])


def test_a_late_delivery_of_an_earlier_run_holds_its_claim_against_the_next_run():
    # Given the 12:00 run delivered late (Lambda's retry, an event aged in its queue: up to 10 min),
    # live at 12:06 beside the 12:05 run; the lease is measured on the clock both runs read
    world = World(_brand(), baseline=False)
    world.set_index(AT, 30.0)
    wall = Timing(now=lambda: AT + 6 * timedelta(minutes=1))

    def the_next_run_meanwhile() -> None:
        evaluate_brand(world.brand, AT + MIN5, world.store, world.ledger, world.publisher, wall)

    world.publisher = _Overlapping("open", the_next_run_meanwhile)
    # When the late run claims the opening and publishes it while the 12:05 run evaluates
    evaluate_brand(world.brand, AT, world.store, world.ledger, world.publisher, wall)
    # Then the 12:05 run leaves the live claim alone: the opening goes out once
    assert [e.kind for e in world.publisher.published] == ["alert"]


def test_a_quiet_hours_summary_of_an_incident_resolved_inside_them_is_of_kind_resolved():
    # Given quiet hours 11:00-14:00 UTC, an incident (warning) that opens at 12:00 and is over at 13:30
    world = World(_brand(quiet_hours={"window": "11:00-14:00"}, settle="30m"), baseline=False)
    world.set_index(AT, 30.0)
    _every_5_min(world, 1)
    world.set_index(AT + H, 45.0)
    _every_5_min(world, 1, start=H)
    # When they end: one summary, and the incident is closed
    _every_5_min(world, 1, start=2 * H)
    [summary] = world.publisher.published
    after = world.ledger.incident("acme")
    assert summary.incident is not None and summary.incident.status == "HELD"
    assert after is not None and after.closed
    # Then its kind says the incident is over: a ticketing system filtering on alert and resolved
    # would otherwise open a ticket that nothing ever closes
    assert summary.kind == "resolved"


def test_the_resolutions_totals_run_from_its_opening_to_its_recovery_not_through_the_settle_time():
    # Given an incident from 12:00, every rule recovered at 13:00, resolved after an hour's settle
    world = World(_brand(settle="60m"), baseline=False)
    world.set_index(AT, 30.0)
    world.run(AT)
    world.set_index(AT + H, 45.0)
    world.bucket(AT, mentions=3, mean=0.3)  # during it
    world.bucket(AT + H, mentions=7, mean=0.5)  # after it, while it settles
    _every_5_min(world, 1, start=H)
    world.run(AT + 2 * H)
    # Then "during it" counts the mentions of 12:00 to 13:00, not the quiet hour after
    resolved = render_text(world.publisher.published[-1])
    assert "Lasted: 1 h 00 min, Sun 12:00 UTC to Sun 13:00 UTC" in resolved
    assert "During it: 3 mentions, 0 negative" in resolved
    assert "3 mentions in an hour at the peak" in resolved
