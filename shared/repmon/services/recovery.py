"""The "fired and recovered" notice: what a claimed alert becomes when its rule recovers before
the alert could be delivered (an SNS outage during a crisis).

A reputation manager would rather read "this happened, and it is over" than receive a stale alarm
with figures that no longer hold, or nothing at all. The notice keeps the crossing's alert id (one
message per crossing for machines that deduplicate), its severity (so subscription filters that
wanted the alarm get the notice) and the time it started; its summary says what was crossed then
and where the figures stand now.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from repmon.domain.models import Alert
from repmon.domain.rule_text import RECOVERED, rule_label
from repmon.domain.timeutil import iso
from repmon.ports import RuleState


def recovered_notice(base: Alert, state: RuleState, recovered_at: datetime) -> Alert:
    """`base`: the alert as this run would build it (current figures, the crossing's top mentions)."""
    crossed = state.crossed_at or recovered_at
    then = f" Then: {state.summary}" if state.summary else ""
    now = f" Now: {base.summary}" if base.summary else ""
    summary = (
        f"{base.brand_name}: {rule_label(base.rule)} from {iso(crossed)}, recovered by "
        f"{iso(recovered_at)}; its alert could not be delivered in time.{then}{now}"
    )
    details = dict(base.details) | {"status": RECOVERED}
    details |= {"crossed_at": iso(crossed), "recovered_at": iso(recovered_at)}
    severity = type(base.severity)(state.severity) if state.severity else base.severity
    return replace(base, severity=severity, fired_at=crossed, summary=summary, details=details)
