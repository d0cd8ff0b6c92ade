"""What each email of an incident says: the rule alert it leads with (this run's figures and top
mentions), framed by the incident: its id, status, evidence so far, or its totals when resolved."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from repmon.domain.email import render_subject
from repmon.domain.incident import (
    OPEN,
    QUIET,
    REMINDER,
    RESOLVED,
    RIDES_ALONG,
    UPDATE,
    Evidence,
    Incident,
    email_id,
    kind_of,
)
from repmon.domain.models import Alert, IncidentNote, Severity
from repmon.domain.response_rules import (
    LOW_RATING_REVIEW,
    RATING_DROP,
    UNANSWERED_COMPLAINT,
    VIRAL_NEGATIVE,
)
from repmon.domain.rule_text import rule_label
from repmon.domain.rules import INFLUENCER_NEGATIVE, Action, Decision
from repmon.domain.timeutil import floor_hour
from repmon.services.alert_content import build_alert
from repmon.services.alerting import BrandRun, lead_alert

STATUS = {OPEN: "OPEN", UPDATE: "WORSE", REMINDER: "REMINDER", RESOLVED: "RESOLVED", QUIET: "HELD"}
_RANK = {Severity.INFO: 0, Severity.WARNING: 1, Severity.CRITICAL: 2}


def incident_email(run: BrandRun, incident: Incident, step: str) -> Alert:
    """The email of `step`: its id is the step's, its severity the incident's worst so far."""
    name = step.split("-")[0]
    if name == RESOLVED:
        base, headline, lines = _resolved(run, incident)
    elif name == QUIET:
        base, headline = _lead(run, incident, news=False), _quiet_headline(run, incident)
        lines = (*_held_lines(run, incident), "", *_evidence_lines(run, incident))
    else:
        base, headline = _lead(run, incident, news=name != REMINDER), ""
        lines = _evidence_lines(run, incident)
    note = IncidentNote(
        incident.incident_id, clock(incident.opened_at, run.brand.zone), STATUS[name], lines, headline
    )
    details = dict(base.details) | {"incident_id": incident.incident_id, "incident_step": step}
    return replace(
        base,
        alert_id=email_id(incident, step),
        severity=incident.severity,
        fired_at=run.at,
        details=details,
        kind=kind_of(incident, step),
        incident=note,
    )


def incident_subject(run: BrandRun, incident: Incident) -> str:
    """The subject every email of the incident carries (mail clients thread on it)."""
    return render_subject(_plain(run, incident, _worst(incident), ""))


def clock(at: datetime, zone: ZoneInfo) -> str:
    """'Tue 04:30 CET, 03:30 UTC'; 'Tue 03:30 UTC' for a brand in UTC."""
    utc = f"{at:%a %H:%M} UTC"
    local = at.astimezone(zone)
    if local.utcoffset() == timedelta(0) and str(zone) in ("UTC", "Etc/UTC"):
        return utc
    return f"{local:%a %H:%M} {local.tzname()}, {at:%H:%M} UTC"


def _lead(run: BrandRun, incident: Incident, news: bool) -> Alert:
    """The alert the email leads with: the worst new evidence (`news`) that called for this update
    (Incident.news: a kind no email told of yet, a post newly spreading), else the worst new
    evidence, else the worst firing now."""
    told = incident.told
    ranked = sorted(incident.evidence, key=lambda e: (-_RANK[e.severity], e.at))
    # Evidence that rides along is listed, never the news an email leads with.
    fresh = [e for e in ranked if e.count > told.get(e.rule, 0) and e.rule not in RIDES_ALONG] if news else []
    fresh.sort(key=lambda e: not incident.news(e))  # stable: worst first within each
    firing = [e for e in ranked if e.rule in incident.firing]
    for evidence in (*fresh, *firing, *ranked):
        alert = lead_alert(run, evidence.rule, evidence.keys)
        if alert is not None:
            return alert
    worst = ranked[0]
    return _plain(run, incident, worst, worst.summary)


def _plain(run: BrandRun, incident: Incident, lead: Evidence | None, summary: str) -> Alert:
    """An alert with the run's figures and no mentions, for emails no rule alert leads."""
    rule = lead.rule if lead else INFLUENCER_NEGATIVE
    # This run's figures for the rule, so whatever the email shows of it is where it stands now.
    now = run.decisions.get(rule)
    decision = Decision(rule, Action.HOLD, incident.severity, summary, now.details if now else {})
    alert = build_alert(run.brand, run.at, run.snap, decision, incident.incident_id, ())
    note = IncidentNote(incident.incident_id, clock(incident.opened_at, run.brand.zone), "")
    return replace(alert, incident=note)


def _worst(incident: Incident) -> Evidence | None:
    ranked = sorted(incident.evidence, key=lambda e: (-_RANK[e.severity], e.at))
    return ranked[0] if ranked else None


def _evidence_lines(run: BrandRun, incident: Incident) -> tuple[str, ...]:
    zone = run.brand.zone
    lines = [
        f"Incident {incident.incident_id[:6]}, open since {clock(incident.opened_at, zone)} "
        f"({_duration(run.at - incident.opened_at)}):"
    ]
    for e in incident.evidence:
        count = f", {e.count} {_COUNTED[e.rule]}" if e.rule in _COUNTED and e.count > 1 else ""
        count += _answered(run, e)
        now = "" if e.rule in _EVENTS else (" - firing" if e.rule in incident.firing else " - recovered")
        lines.append(f"- {rule_label(e.rule)}: {e.severity.value}{count}, since {clock(e.at, zone)}{now}")
    lines.append(f"Emails for it before this one: {incident.emails_sent}")
    return tuple(lines)


#: Rules whose evidence is a count of mentions (or sites), and those that are events with no state.
_COUNTED = {
    INFLUENCER_NEGATIVE: "complaints",
    LOW_RATING_REVIEW: "reviews",
    UNANSWERED_COMPLAINT: "complaints",
    RATING_DROP: "sites or locations",
    VIRAL_NEGATIVE: "mentions",
}
_EVENTS = (INFLUENCER_NEGATIVE, LOW_RATING_REVIEW, UNANSWERED_COMPLAINT, VIRAL_NEGATIVE)


def _answered(run: BrandRun, e: Evidence) -> str:
    """ ", 1 answered since" for complaints the brand has replied to since they were announced."""
    if e.rule != UNANSWERED_COMPLAINT:
        return ""
    answered = sum(not run.ledger.state(run.brand.id, key).firing for key in e.keys)
    return f", {answered} answered since" if answered else ""


def _resolved(run: BrandRun, incident: Incident) -> tuple[Alert, str, tuple[str, ...]]:
    zone, opened = run.brand.zone, incident.opened_at
    # Its totals end where it did, when every rule recovered, not with the settle time after.
    hours = run.store.hourly(run.brand.id, floor_hour(opened), incident.clear_since or run.at)
    mentions, negative = sum(h.mentions for h in hours), sum(h.negative for h in hours)
    peak = max((h.mentions for h in hours), default=0)
    lowest = "-" if incident.lowest_index is None else f"{incident.lowest_index:.1f}"
    lasted = _duration((incident.clear_since or run.at) - opened)
    headline = f"over after {lasted}: every rule recovered {clock(incident.clear_since or run.at, zone)}"
    summary = (
        f"{run.brand.name}: the reputation incident opened {clock(opened, zone)} is over; every rule has "
        f"recovered and stayed so for {_duration(run.brand.incidents.settle)}."
    )
    rules = ", ".join(
        rule_label(e.rule) + (f" ({e.count}{_answered(run, e)})" if e.rule in _COUNTED else "")
        for e in incident.evidence
    )
    lines = (
        f"Lasted: {lasted}, {clock(opened, zone)} to {clock(incident.clear_since or run.at, zone)}",
        f"Worst point: index {lowest} at its lowest, {peak} mentions in an hour at the peak, "
        f"severity {incident.severity.value.upper()}",
        f"During it: {mentions} mentions, {negative} negative",
        f"Rules that fired: {rules}",
        f"Emails: {incident.emails_sent + 1}, this one included",
    )
    base = _plain(run, incident, _worst(incident), summary)
    # The baseline has by now taken in part of the incident (all of a long one): a comparison with
    # it ("+18 vs the usual day") would say nothing true about the recovery, so it is left out.
    details = {k: v for k, v in base.details.items() if k != "baseline_index"}
    return replace(base, change=None, details=details), headline, lines


def _quiet_headline(run: BrandRun, incident: Incident) -> str:
    settings = run.brand.incidents.quiet_hours
    window = f" ({settings.window} {run.brand.timezone})" if settings else ""
    return f"quiet hours{window} are over: {len(incident.held)} email(s) were held"


def _held_lines(run: BrandRun, incident: Incident) -> tuple[str, ...]:
    words = {OPEN: "opened", UPDATE: "got worse", REMINDER: "still open", RESOLVED: "resolved"}
    return (
        "Held during quiet hours:",
        *(
            f"- {clock(at, run.brand.zone)}: {words[step.split('-')[0]]} ({severity})"
            for step, at, severity in incident.held
        ),
    )


def _duration(span: timedelta) -> str:
    minutes = max(0, int(span.total_seconds() // 60))
    return f"{minutes // 60} h {minutes % 60:02d} min" if minutes >= 60 else f"{minutes} min"
