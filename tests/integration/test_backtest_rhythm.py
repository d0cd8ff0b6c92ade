"""Issue 12's proof on the fast backtest: a month of rhythmic calm traffic for two brands fires
nothing; the same month with an outage at a quiet hour and one at a busy hour fires within an hour
of each onset, each rule once. The generator and its numbers: tests/integration/rhythm.py.

Before (the flat rule: last hour >= max(3 x the week's flat mean, 20)), on this very data:
53 alerts in the calm month (22 acme, 31 globex: ordinary busy hours); with the outages, the
3 a.m. one (1 -> 31 an hour) first heard after 1h30, and the 10 a.m. one missed (its volume rule
was still firing from that morning's false alarm at 09:40, so it said nothing new).
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from repmon.cli.main import main
from tests.integration.rhythm import OUTAGES, write

pytestmark = pytest.mark.slow


def _alerts(capsys, folder: Path, outages=()) -> list[dict]:
    brands, mentions, events = write(folder, outages)
    code = main(["backtest", "--brands", str(brands), "--mentions", str(mentions), "--events", str(events)])
    out, _ = capsys.readouterr()
    assert code == 0
    return [json.loads(line) for line in out.splitlines()]


def _when(alert: dict) -> datetime:
    return datetime.fromisoformat(alert["time"].replace("Z", "+00:00"))


def test_a_calm_rhythmic_month_fires_nothing(tmp_path, capsys):
    # Given a month of two brands whose busiest hour holds 18-36 times their quietest, weekends less
    # When it is replayed through the evaluator every 5 minutes
    alerts = _alerts(capsys, tmp_path)
    # Then no rule fires (before: 53 volume spikes, one most weekdays per brand)
    assert alerts == []


def test_outages_at_a_quiet_and_a_busy_hour_are_heard_within_the_hour_once(tmp_path, capsys):
    # Given the same month with an outage at 3 a.m. (acme) and one at 10 a.m. (globex)
    alerts = _alerts(capsys, tmp_path, OUTAGES)
    for outage in OUTAGES:
        during = [
            a
            for a in alerts
            if a["brand"] == outage.brand
            and outage.start <= _when(a) < outage.start + timedelta(hours=outage.hours + 24)
        ]
        # Then the first alert comes within an hour of the onset (before: 1h30 at 3 a.m., 10 a.m. missed)
        assert during, outage.label
        assert _when(during[0]) - outage.start <= timedelta(hours=1), (outage.label, during[0])
        # And each rule speaks once for it
        rules = [a["rule"] for a in during]
        assert len(rules) == len(set(rules)), (outage.label, rules)
    # And nothing fires outside the outages
    assert all(
        any(o.brand == a["brand"] and o.start <= _when(a) < o.start + timedelta(hours=27) for o in OUTAGES)
        for a in alerts
    ), alerts
    # And the busy-hour outage, complaints at an ordinary volume for a Tuesday morning, is heard by
    # its negative share first, which opens its incident
    first = next(a for a in alerts if a["brand"] == "globex")
    assert first["rule"] == "negative_share" and (first["kind"], first["emailed"]) == ("alert", True)
    assert first["subject"].startswith("[repmon] Globex Bank: reputation incident ")
