"""Use case: after a brand's rules, fold their firings into its incident and send the email the
incident's lifecycle calls for (domain.incident): open, worse, reminder, resolved, quiet summary.

Each email is claimed first (the incident's outbox, a conditional write on its version), published,
then recorded as sent with its log item in one transaction. So a retried run finds it sent and sends
nothing twice; two overlapping runs claim it once; a publish that failed leaves the claim, and a run
after the lease sends it again under the same id, whatever the rules say by then: never silent.
A fold or a record that lost a race with another run re-reads the incident and applies itself again.
"""

from __future__ import annotations

from dataclasses import replace

from repmon.domain.incident import (
    RESOLVED,
    Incident,
    claim,
    close_quietly,
    due_step,
    events_only,
    fold,
    hold,
    holds,
    kind_of,
    sent,
    stale,
    withdraw,
)
from repmon.domain.models import Alert
from repmon.domain.mutes import ALL_RULES, muted
from repmon.services.alerting import BrandRun, Firing, ensure_time, publish, retrying
from repmon.services.incident_email import incident_email, incident_subject

#: Conditional writes lost to other runs before this run gives the brand up (the next run goes on).
TRIES = 5


class IncidentConflict(Exception):
    """Other runs kept changing the brand's incident: this run leaves it to them."""


def settle(run: BrandRun) -> None:
    """Fold this run's firings into the incident, mark them folded, then send what is due."""
    incident = _fold(run)
    _mark_folded(run)
    if incident is None:
        return
    email = _email(run, incident)
    _note_firings(run, run.ledger.incident(run.brand.id) or incident, email)


def _fold(run: BrandRun) -> Incident | None:
    for _ in range(TRIES):
        current = run.ledger.incident(run.brand.id)
        firing = frozenset(run.firing)
        if run.errors and current is not None:
            firing |= current.firing  # a rule that failed this run is not known to have recovered
        folded = fold(current, run.brand.id, run.at, run.evidence, firing, run.snap.window_index)
        if folded is None or folded is current or run.ledger.save_incident(folded):
            return folded
    raise IncidentConflict(run.brand.id)


def _mark_folded(run: BrandRun) -> None:
    """The incident holds this run's firings: no later run claims them again."""
    for alert, key in run.claimed:

        def mark(alert: Alert = alert, key: str = key) -> bool:
            run.ledger.mark_sent(alert, key)
            return True

        retrying(run, f"{alert.rule}: folded", mark)
    for key in run.rearm_after:
        run.ledger.rearm(run.brand.id, key, run.at)
        run.rearmed += 1


def _email(run: BrandRun, incident: Incident) -> Alert | None:
    """Claim, publish and record the step due (or the one a dead run left claimed); None if none."""
    settings, box = run.brand.incidents, incident.outbox
    quiet = settings.quiet_hours is not None and settings.quiet_hours.covers(run.at, run.brand.zone)
    now = run.timing.now() if run.timing.now is not None else run.at
    if box is not None:
        if not stale(box, now):
            return None  # a live run is sending it
        if box.step == RESOLVED and incident.clear_since is None:
            run.ledger.save_incident(withdraw(incident))  # firing again: not over after all
            return None
        step = box.step
    else:
        found = due_step(incident, run.at, settings, quiet)
        if found is None:
            return None
        step = found
        if step == RESOLVED and events_only(incident):
            run.ledger.save_incident(close_quietly(incident, run.at))
            return None
    if muted(run.mutes, ALL_RULES, run.at) is not None:
        # The whole brand is muted: its reminder or all-clear goes when the mute ends, also one
        # claimed before the mute whose publish failed (the claim waits, the same email id).
        return None
    if box is None and holds(step, incident, quiet, woken=quiet and _woken(run, incident)):
        run.ledger.save_incident(hold(incident, step, run.at))
        return None
    ensure_time(run)
    claimed = claim(incident, step, now)
    if not run.ledger.save_incident(claimed):
        return None  # another run moved the incident on: the email is its to send
    email = incident_email(run, claimed, step)
    if not publish(run, email):
        return None
    _record(run, claimed, step, email)
    return email


def _woken(run: BrandRun, incident: Incident) -> bool:
    """An email of this incident went out inside the quiet hours that are running now."""
    window, last = run.brand.incidents.quiet_hours, incident.last_email_at
    if window is None or last is None:
        return False
    return last >= window.started(run.at, run.brand.zone)


def _record(run: BrandRun, incident: Incident, step: str, email: Alert) -> None:
    current: Incident | None = incident
    for _ in range(TRIES):
        assert current is not None
        done = sent(current, step, run.at, announced=incident)

        def write(done: Incident = done) -> bool:
            return run.ledger.email_sent(done, email)

        if retrying(run, f"{email.rule}: email {step}", write) is not False:
            return
        current = run.ledger.incident(run.brand.id)  # a fold got in between: apply the record to it
        if current is None or current.outbox is None or current.outbox.email_id != email.alert_id:
            return


def _note_firings(run: BrandRun, incident: Incident, email: Alert | None) -> None:
    """The backtest's view of each firing: its incident, whether it opened it, whether it was emailed."""
    kind = "alert" if incident.opened_at == run.at else "update"
    subject = incident_subject(run, incident)
    run.firings[:] = [
        replace(f, incident_id=incident.incident_id, kind=kind, subject=subject, emailed=email is not None)
        for f in run.firings
    ]


__all__ = ["Firing", "IncidentConflict", "kind_of", "settle"]
