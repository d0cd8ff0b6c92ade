"""A brand's reputation incident: the rules' firings grouped into one event with one email per step.

Pure state and transitions; `services.incidents` stores them through the alert ledger with
conditional writes. The lifecycle:
- the first firing opens an incident (id from brand and opening time) and its email (`open`);
- later firings are folded in; an update (`update-N`) goes out when the severity rises, or when new
  evidence (`Incident.news`: a kind no email told of; in an incident of events alone, a post no email
  told of) has waited `group_interval` since the last email; more of a kind told rides along;
- one `reminder` when it is still open `repeat_interval` after its last email;
- once every rule has re-armed and stayed so for `settle`, one `resolved` email, and it closes;
- inside quiet hours only critical opens and updates go out: the others are held (their effect
  recorded, no email), and one `quiet` summary goes out when the quiet hours end.
Each step's email id is a hash of (incident id, step). A step is claimed (`outbox`) before its
publish and cleared when recorded as sent; a claim older than CLAIM_LEASE belongs to a run that is
over, and the next run sends it again under the same id.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from repmon.domain.incident_settings import IncidentSettings
from repmon.domain.models import Severity
from repmon.domain.rules import at_least
from repmon.domain.timeutil import iso

#: How long a claimed, not yet sent email belongs to the run that claimed it: longer than the
#: evaluator's timeout (120 s) with a margin, shorter than its schedule (5 min) less that timeout.
CLAIM_LEASE = timedelta(seconds=150)
OPEN, UPDATE, REMINDER, RESOLVED, QUIET = "open", "update", "reminder", "resolved", "quiet"
#: The SNS `kind` of each step (a quiet-hours summary: resolved if it holds the resolution, else alert
#: if it holds the opening, else update).
KINDS = {OPEN: "alert", UPDATE: "update", REMINDER: "update", RESOLVED: "resolved"}
_RANK = {Severity.INFO: 0, Severity.WARNING: 1, Severity.CRITICAL: 2}
#: Rules whose new evidence of an open incident rides with its next email and never calls for an
#: update of its own: during an outage 1-star reviews and unanswered complaints come by the hundred,
#: which would be an update every group_interval. Nor do they hold the incident open (its settle
#: time runs on): a brand that leaves complaints unanswered would otherwise never hear "it is over".
#: A 1-star review alone opens one and is emailed at once; an unanswered complaint with no incident
#: open waits for the digest (services.response_alerts).
RIDES_ALONG = frozenset({"low_rating_review", "unanswered_complaint"})
#: Evidence about single mentions, not a condition of the brand: an incident of these alone has
#: nothing whose end could be announced, so it closes after its settle time without an email.
EVENTS = RIDES_ALONG | {"influencer_negative", "viral_negative"}
#: Kinds of evidence, for "a new kind of evidence calls for an update". The index rules read one
#: thing, the brand's figures of the hour: a share of negatives that crosses its bar pulls the index
#: under its floor within the hour, the same news, not worse news. A post with a big audience and a
#: post spreading fast ask the same of the manager (answer that post, now), and are often one post
#: read twice: a complaint by an account with 500k karma is spreading an hour later. Every other rule
#: is a kind of its own.
KINDS_OF_EVIDENCE = {
    **dict.fromkeys(("reputation_low", "reputation_drop", "volume_spike", "negative_share"), "figures"),
    **dict.fromkeys(("influencer_negative", "viral_negative"), "reach"),
}


def evidence_kind(rule: str) -> str:
    return KINDS_OF_EVIDENCE.get(rule, rule)


def _post(key: str) -> str:
    """The mention a per-mention rule key is about: 'viral_negative#reddit#abc' -> 'reddit#abc'."""
    return key.partition("#")[2] or key


@dataclass(frozen=True)
class Evidence:
    """One rule's firing folded into the incident. `keys`: the ledger's rule keys it covers (the rule,
    or each influencer complaint), so folding the same firing twice changes nothing."""

    rule: str
    severity: Severity
    at: datetime
    summary: str
    keys: tuple[str, ...] = ()

    @property
    def count(self) -> int:
        return len(self.keys)


@dataclass(frozen=True)
class Outbox:
    """The step claimed for sending, and when: the wall clock in Lambda (a late delivery of an
    earlier scheduled run may be live beside the next run), the scheduled time in the backtest."""

    step: str
    email_id: str
    claimed_at: datetime


@dataclass(frozen=True)
class Incident:
    brand_id: str
    incident_id: str
    opened_at: datetime
    #: One more on every stored change: the ledger's conditional writes compare it.
    version: int = 1
    evidence: tuple[Evidence, ...] = ()
    #: Index rules firing after the last run (influencer complaints are events, not conditions).
    firing: frozenset[str] = frozenset()
    severity: Severity = Severity.WARNING
    lowest_index: float | None = None
    #: What the emails so far announced: the severity, and each rule's evidence count.
    told_severity: Severity | None = None
    told: dict[str, int] = field(default_factory=dict)
    last_email_at: datetime | None = None
    emails_sent: int = 0
    updates: int = 0
    reminded: bool = False
    #: Since when no rule has fired (None while one does).
    clear_since: datetime | None = None
    resolved_at: datetime | None = None
    #: Steps held by quiet hours, as the summary lists them: (step, time, severity).
    held: tuple[tuple[str, datetime, str], ...] = ()
    outbox: Outbox | None = None

    @property
    def closed(self) -> bool:
        return self.resolved_at is not None and not self.held and self.outbox is None

    def counts(self) -> dict[str, int]:
        return {e.rule: e.count for e in self.evidence}

    @property
    def unannounced(self) -> bool:
        """New evidence that calls for an update (`news`); more of a kind already told (another
        influencer's complaint, the index's floor after its share of negatives) rides with the next
        email, as RIDES_ALONG's rules always do."""
        return any(self.news(e) for e in self.evidence)

    def news(self, evidence: Evidence) -> bool:
        """A kind of evidence (evidence_kind) no email told of yet. In an incident of events alone,
        also a post no email told of: such an incident closes without an email (close_quietly), so
        more of a kind told has no next email to ride with, and another influencer's complaint or
        another post going viral would never be heard of. The same post read twice (a complaint,
        then spreading) is not news."""
        if evidence.rule in RIDES_ALONG:
            return False
        told = {evidence_kind(rule) for rule, count in self.told.items() if count}
        kind = evidence_kind(evidence.rule)
        if kind not in told:
            return True
        if not events_only(self):
            return False  # more of a kind told rides along with the next email, the resolved one at last
        posts = {
            _post(k)
            for e in self.evidence
            if evidence_kind(e.rule) == kind
            for k in e.keys[: self.told.get(e.rule, 0)]
        }
        return any(_post(k) not in posts for k in evidence.keys[self.told.get(evidence.rule, 0) :])


def incident_id(brand_id: str, opened_at: datetime) -> str:
    return hashlib.sha256(f"{brand_id}|incident|{iso(opened_at)}".encode()).hexdigest()[:32]


def email_id(incident: Incident, step: str) -> str:
    return hashlib.sha256(f"{incident.incident_id}|{step}".encode()).hexdigest()[:32]


def worse(a: Severity, b: Severity) -> Severity:
    return a if _RANK[a] >= _RANK[b] else b


def fold(
    current: Incident | None,
    brand_id: str,
    at: datetime,
    new: Iterable[Evidence],
    firing: frozenset[str],
    index: float | None,
) -> Incident | None:
    """The incident after this run: `new` firings folded in (a closed or absent incident: a new one
    opens if there are any), `firing` the index rules still firing, `index` the run's index.
    Returns `current` itself when nothing changed (no write needed)."""
    new = list(new)
    if current is None or current.closed:
        if not new:
            return current
        fresh = Incident(brand_id, incident_id(brand_id, at), at, (current.version + 1) if current else 1)
        return _folded(replace(fresh, severity=new[0].severity), at, new, firing, index)
    merged = _merge(current.evidence, new)
    news = merged != current.evidence
    clear = current.clear_since if not firing else None
    if not news and not firing and clear is None:
        clear = at
    unchanged = (firing, clear) == (current.firing, current.clear_since)
    if not news and unchanged and not _lower(index, current.lowest_index):
        return current
    return _folded(replace(current, version=current.version + 1), at, new if news else [], firing, index)


def _merge(evidence: tuple[Evidence, ...], new: Iterable[Evidence]) -> tuple[Evidence, ...]:
    """Evidence by rule: the first firing's time and summary, the worst severity, every key once."""
    merged = {e.rule: e for e in evidence}
    for e in new:
        old = merged.get(e.rule)
        if old is None:
            merged[e.rule] = e
        else:
            keys = (*old.keys, *(k for k in e.keys if k not in old.keys))
            merged[e.rule] = replace(old, severity=worse(old.severity, e.severity), keys=keys)
    return tuple(merged.values())


def _folded(
    current: Incident, at: datetime, new: list[Evidence], firing: frozenset[str], index: float | None
) -> Incident:
    severity = current.severity
    for e in new:
        severity = worse(severity, e.severity)
    return replace(
        current,
        evidence=_merge(current.evidence, new),
        firing=firing,
        severity=severity,
        lowest_index=index if _lower(index, current.lowest_index) else current.lowest_index,
        clear_since=None if firing or _holds_open(new) else (current.clear_since or at),
        # Firing again after it was resolved in quiet hours: not over after all.
        resolved_at=None if new else current.resolved_at,
    )


def _holds_open(new: list[Evidence]) -> bool:
    return any(e.rule not in RIDES_ALONG for e in new)


def events_only(incident: Incident) -> bool:
    """Only single mentions (a review, a complaint, a post): no rule condition ever fired in it."""
    return all(e.rule in EVENTS for e in incident.evidence)


def close_quietly(incident: Incident, at: datetime) -> Incident:
    """An incident of events only, settled: closed without a resolved email (there is nothing whose
    end to announce, and one email per 1-star review is enough)."""
    return replace(incident, version=incident.version + 1, resolved_at=at, clear_since=None)


def _lower(index: float | None, lowest: float | None) -> bool:
    return index is not None and (lowest is None or index < lowest)


def due_step(incident: Incident, at: datetime, settings: IncidentSettings, quiet: bool) -> str | None:
    """The step this run should send (or hold), if any; the outbox is the caller's to check first.
    `quiet`: inside the brand's quiet hours now."""
    if incident.closed or incident.outbox is not None:
        return None
    if incident.held and not quiet:
        return quiet_step(incident)
    if incident.resolved_at is not None:
        return None  # resolved in quiet hours: only the summary is left
    if incident.emails_sent == 0 and not incident.held:
        return OPEN
    if incident.clear_since is not None and at - incident.clear_since >= settings.settle:
        if events_only(incident) and incident.unannounced:
            # It closes without an email: its news (settled before the group interval) goes now.
            return f"{UPDATE}-{incident.updates + 1}"
        return RESOLVED
    if incident.told_severity is None or _RANK[incident.severity] > _RANK[incident.told_severity]:
        return f"{UPDATE}-{incident.updates + 1}"
    since = at - (incident.last_email_at or incident.opened_at)
    if incident.unannounced and since >= settings.group_interval:
        return f"{UPDATE}-{incident.updates + 1}"
    if not incident.reminded and since >= settings.repeat_interval:
        return REMINDER
    return None


def kind_of(incident: Incident, step: str) -> str:
    if step.startswith(QUIET):
        # The state the summary leaves the incident in: over (whatever else was held), so a
        # subscriber that closes what `alert` opened is never left with an incident open; else
        # opened, else still open.
        held = {s.split("-")[0] for s, _, _ in incident.held}
        return next((KINDS[s] for s in (RESOLVED, OPEN) if s in held), "update")
    return KINDS[step.split("-")[0]]


def quiet_step(incident: Incident) -> str:
    """The summary of what quiet hours held: one per first held step."""
    return f"{QUIET}-{iso(incident.held[0][1])}"


def holds(step: str, incident: Incident, quiet: bool, woken: bool = False) -> bool:
    """Inside quiet hours only critical opens and updates go out; reminders and resolutions wait,
    except the all-clear of an incident that already woke someone this quiet night (`woken`): the
    manager who got up for it should not wait until morning to learn that it is over."""
    if not quiet or step.startswith(QUIET):
        return False
    if step == RESOLVED and woken:
        return False
    urgent = step == OPEN or step.startswith(UPDATE)
    return not (urgent and at_least(incident.severity, Severity.CRITICAL))


def claim(incident: Incident, step: str, at: datetime) -> Incident:
    outbox = Outbox(step, email_id(incident, step), at)
    return replace(incident, version=incident.version + 1, outbox=outbox)


def withdraw(incident: Incident) -> Incident:
    """Drop a claimed resolution that could not be sent before a rule fired again: an all-clear
    for an incident that is not over would mislead (alarms are never withdrawn)."""
    return replace(incident, version=incident.version + 1, outbox=None)


def stale(outbox: Outbox, at: datetime) -> bool:
    return at - outbox.claimed_at >= CLAIM_LEASE


def _told(incident: Incident) -> dict[str, Any]:
    return {"told_severity": incident.severity, "told": incident.counts()}


def hold(incident: Incident, step: str, at: datetime) -> Incident:
    """Quiet hours: the step's effect without its email, listed for the summary."""
    effects = _effects(incident, step, at, incident)
    effects.pop("last_email_at", None)
    held = (*incident.held, (step, at, incident.severity.value))
    return replace(incident, version=incident.version + 1, held=held, **effects)


def sent(incident: Incident, step: str, at: datetime, announced: Incident | None = None) -> Incident:
    """The step's email is out: its effect, the outbox cleared. `announced`: the incident as the
    email told it, when another run has folded more in since (that is not told yet)."""
    effects = _effects(incident, step, at, announced or incident)
    effects |= {"emails_sent": incident.emails_sent + 1, "outbox": None}
    return replace(incident, version=incident.version + 1, **effects)


def _effects(incident: Incident, step: str, at: datetime, announced: Incident) -> dict[str, Any]:
    effects: dict[str, Any] = {"last_email_at": at}
    if step == RESOLVED:
        if incident.clear_since is None:
            # A rule fired again while the all-clear was out: not over, and the relapse is news at once.
            return effects | {"told_severity": None}
        return effects | {"resolved_at": at}
    effects |= _told(announced)
    if step.startswith(UPDATE):
        effects["updates"] = incident.updates + 1
    elif step == REMINDER:
        effects["reminded"] = True
    elif step.startswith(QUIET):
        effects["held"] = ()
    return effects


def to_json(incident: Incident) -> str:
    data = {
        "brand_id": incident.brand_id,
        "incident_id": incident.incident_id,
        "opened_at": iso(incident.opened_at),
        "version": incident.version,
        "evidence": [[e.rule, e.severity.value, iso(e.at), e.summary, e.keys] for e in incident.evidence],
        "firing": sorted(incident.firing),
        "severity": incident.severity.value,
        "lowest_index": incident.lowest_index,
        "told_severity": incident.told_severity.value if incident.told_severity else None,
        "told": incident.told,
        "last_email_at": _iso(incident.last_email_at),
        "emails_sent": incident.emails_sent,
        "updates": incident.updates,
        "reminded": incident.reminded,
        "clear_since": _iso(incident.clear_since),
        "resolved_at": _iso(incident.resolved_at),
        "held": [[s, iso(t), sev] for s, t, sev in incident.held],
        "outbox": None,
    }
    if incident.outbox:
        box = incident.outbox
        data["outbox"] = [box.step, box.email_id, iso(box.claimed_at)]
    return json.dumps(data, sort_keys=True)


def from_json(text: str) -> Incident:
    d = json.loads(text)
    box = d.get("outbox")
    return Incident(
        d["brand_id"],
        d["incident_id"],
        _time(d["opened_at"]),
        d["version"],
        tuple(Evidence(r, Severity(s), _time(t), text, tuple(k)) for r, s, t, text, k in d["evidence"]),
        frozenset(d["firing"]),
        Severity(d["severity"]),
        d["lowest_index"],
        Severity(d["told_severity"]) if d["told_severity"] else None,
        dict(d["told"]),
        _opt_time(d["last_email_at"]),
        d["emails_sent"],
        d["updates"],
        d["reminded"],
        _opt_time(d["clear_since"]),
        _opt_time(d["resolved_at"]),
        tuple((s, _time(t), sev) for s, t, sev in d["held"]),
        Outbox(box[0], box[1], _time(box[2])) if box else None,
    )


def _iso(value: datetime | None) -> str | None:
    return iso(value) if value else None


def _time(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _opt_time(text: str | None) -> datetime | None:
    return _time(text) if text else None
