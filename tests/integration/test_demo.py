"""`repmon demo` as `make demo` runs it: every section of the report appears, from the real handlers'
work, with the incident's emails and the digest the README's Quickstart describes."""

from __future__ import annotations

import io
import re

import pytest

from repmon.cli.demo import cycle_times, run

pytestmark = pytest.mark.slow

#: Mon 01:00 to Tue 02:00 hourly (26), then half-hourly to Tue 13:30: the outage and its resolution.
CYCLES = 49
#: The outage as one incident, its emails in the order they arrive: (kind, rule it leads with,
#: severity, what the body's first line says). Before incidents: five emails in its first hour and
#: none saying it was over; then four (the index's floor and fran's thread spreading were two updates).
EMAILS = (
    (
        "alert",
        "negative_share",
        "critical",
        "\nOPEN | CRITICAL | 26 of 31 mentions negative (84%, usually 0%)",
    ),
    # A new kind of evidence after the grouping interval, which the email leads with: the complaint
    # by an account with 508k karma, spreading (the same kind, reach: one line under the incident);
    # the index's floor at 04:00 rode along, the same kind as the negative share (figures)
    (
        "update",
        "influencer_negative",
        "critical",
        "\nWORSE | CRITICAL | negative mention by u/frequent_flyer_fran on Reddit (influence 75)",
    ),
    ("resolved", "reputation_drop", "critical", "\nRESOLVED | CRITICAL | over after 9 h 00 min"),
)
SUBJECT = "Subject: [repmon] Acme Air: reputation incident ec4683 (opened Tue 03:30 UTC)"


def test_the_demo_polls_every_source_reports_each_section_and_queries_the_export():
    assert len(list(cycle_times(None))) == CYCLES  # the whole demo, as `make demo` runs it
    out = io.StringIO()
    assert run(cycles=CYCLES, out=out) == 0
    report = out.getvalue()
    progress = [line for line in report.splitlines() if re.match(r"^\w{3} \d\d:\d\dZ +\|", line)]
    assert len(progress) == CYCLES
    polled = [[int(n) for n in line.split("|")[1].split()] for line in progress]
    assert all(sum(column) > 0 for column in zip(*polled, strict=True)), "each source brought mentions"
    for section in ("Scored mentions", "Reputation index over time", "Alert emails", "BI export"):
        assert section in report
    # The emails the Quickstart promises: one incident, opened, worse once, resolved, one subject
    emails = report[report.index("Alert emails as a subscriber") :]
    assert f"Alert emails as a subscriber received them ({len(EMAILS)}):" in report, emails[:6000]
    alerts = report[: report.index("Digests sent at")]
    attributes = re.findall(
        r"^Attributes: brand=acme-air kind=(\w+) rule=(\w+) severity=(\w+)$", alerts, re.M
    )
    assert attributes == [(kind, rule, severity) for kind, rule, severity, _ in EMAILS]
    for *_, first_line in EMAILS:
        assert first_line in report
    assert report.count(SUBJECT) == len(EMAILS)
    assert "Worst point: index 15.1 at its lowest, 51 mentions in an hour at the peak" in report
    # Issue 16: fran's thread spreading, and a complaint answered hours late, closed by the reply
    assert "- negative mention spreading fast: warning, since Tue 05:00 UTC" in report
    assert "complaint without an answer (64, 1 answered since)" in report
    # Then the day's digest, after the all-clear: the incident, the replies, the reviews by location
    assert "Digests sent at Tue 14:00Z, as a subscriber received them (2):" in report
    digest = report[report.index("[DIGEST] Acme Air: Daily digest to 2026-11-03") :]
    assert "Attributes: brand=acme-air kind=digest rule=daily severity=info" in digest
    for block in ("Top complaints by influence:", "Your replies", "Reviews by location:"):
        assert block in digest
    assert "Incidents and alerts (1 incident, 3 emails):" in digest
    assert "Still unanswered past their response-time target (63, oldest first):" in digest
    # The export is announced when it runs: after the last cycle (Tue 13:30), not at the end of the
    # full scenario
    assert "BI export (daily in production), run at Tue 14:00Z" in report
    assert "acme-air   2026-11-02" in report  # the DuckDB query over the flat export
