"""`repmon demo`, shortened: every section of the report appears, from the real handlers' work."""

from __future__ import annotations

import io
import re

import pytest

from repmon.cli.demo import run

pytestmark = pytest.mark.slow


def test_a_short_demo_polls_every_source_reports_each_section_and_queries_the_export():
    out = io.StringIO()
    assert run(cycles=8, out=out) == 0
    report = out.getvalue()
    progress = [line for line in report.splitlines() if re.match(r"^\w{3} \d\d:\d\dZ +\|", line)]
    assert len(progress) == 8
    polled = [[int(n) for n in line.split("|")[1].split()] for line in progress]
    assert all(sum(column) > 0 for column in zip(*polled, strict=True)), "each source brought mentions"
    for section in ("Scored mentions", "Reputation index over time", "Alert emails", "BI export"):
        assert section in report
    # The export is announced when it runs: after the last of the 8 cycles (Mon 08:00), not at the end
    # of the full scenario
    assert "BI export (daily in production), run at Mon 08:30Z" in report
    assert "acme-air   2026-11-02" in report  # the DuckDB query over the flat export
