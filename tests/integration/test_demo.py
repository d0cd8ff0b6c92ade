"""`repmon demo`, shortened to the hour after the crisis is over: every section of the report appears,
from the real handlers' work, with the incident's emails the README's Quickstart describes."""

from __future__ import annotations

import io
import re

import pytest

from repmon.cli.demo import run

pytestmark = pytest.mark.slow

#: Mon 01:00 to Tue 02:00 hourly (26), then half-hourly to Tue 13:30: the outage and its resolution.
CYCLES = 49
#: The outage as one incident, its emails in the order they arrive: (kind, rule it leads with,
#: severity, what the body's first line says). Before incidents: five emails in its first hour and
#: none saying it was over.
EMAILS = (
    (
        "alert",
        "negative_share",
        "critical",
        "\nOPEN | CRITICAL | 26 of 31 mentions negative (84%, usually 0%)",
    ),
    ("update", "reputation_low", "critical", "\nWORSE | CRITICAL | reputation 28, under 35"),
    # A new kind of evidence after the grouping interval: fran's thread spreading (issue 16's demo)
    ("update", "viral_negative", "critical", "\nWORSE | CRITICAL | negative mention spreading on YouTube"),
    ("resolved", "reputation_drop", "critical", "\nRESOLVED | CRITICAL | over after 9 h 00 min"),
)
SUBJECT = "Subject: [repmon] Acme Air: reputation incident ec4683 (opened Tue 03:30 UTC)"


def test_a_short_demo_polls_every_source_reports_each_section_and_queries_the_export():
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
    assert f"Alert emails as a subscriber received them ({len(EMAILS)}):" in report
    attributes = re.findall(
        r"^Attributes: brand=acme-air kind=(\w+) rule=(\w+) severity=(\w+)$", report, re.M
    )
    assert attributes == [(kind, rule, severity) for kind, rule, severity, _ in EMAILS]
    for *_, first_line in EMAILS:
        assert first_line in report
    assert report.count(SUBJECT) == len(EMAILS)
    assert "Worst point: index 17.6 at its lowest, 51 mentions in an hour at the peak" in report
    # The export is announced when it runs: after the last cycle (Tue 13:30), not at the end of the
    # full scenario
    assert "BI export (daily in production), run at Tue 14:00Z" in report
    assert "acme-air   2026-11-02" in report  # the DuckDB query over the flat export
