"""`repmon demo`, shortened to the crisis' first hour: every section of the report appears, from the
real handlers' work, with the alert emails the README's Quickstart describes."""

from __future__ import annotations

import io
import re

import pytest

from repmon.cli.demo import run

pytestmark = pytest.mark.slow

#: Mon 01:00 to Tue 02:00 hourly (26), then half-hourly to Tue 04:30: the outage's first hour.
CYCLES = 31
#: The Quickstart's emails, in the order they arrive: (rule, severity, what the subject quotes).
EMAILS = (
    ("negative_share", "critical", "12 of 16 mentions negative in the last hour (75%, usually 0%)"),
    ("reputation_drop", "warning", "reputation down 24 to 36 (was 60)"),
    ("volume_spike", "critical", "about 34 mentions in the last hour (9.6x usual for a weekday 3 a.m. UTC)"),
    ("reputation_low", "warning", "reputation 30, under 35"),
    ("influencer_negative", "critical", "influence 87 (karma 508k, 5.4k upvotes, 860 comments)"),
)


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
    # The emails the Quickstart promises: five, their rules and severities in order, its figures
    assert f"Alert emails as a subscriber received them ({len(EMAILS)}):" in report
    attributes = re.findall(r"^Attributes: brand=acme-air rule=(\w+) severity=(\w+)$", report, re.M)
    assert attributes == [(rule, severity) for rule, severity, _ in EMAILS]
    for _, _, quoted in EMAILS:
        assert quoted in report
    # The export is announced when it runs: after the last cycle (Tue 04:30), not at the end of the
    # full scenario
    assert "BI export (daily in production), run at Tue 05:00Z" in report
    assert "acme-air   2026-11-02" in report  # the DuckDB query over the flat export
