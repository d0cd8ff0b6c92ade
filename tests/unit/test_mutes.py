"""Mute durations and rules: anything but a plain duration or a known rule is one line, exit 2,
before AWS is asked anything."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from repmon.cli.main import main
from repmon.domain.mutes import ALL_RULES, BadDuration, Mute, muted, parse_duration

AT = datetime(2026, 11, 2, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("6h", timedelta(hours=6)),
        ("90m", timedelta(minutes=90)),
        ("1h30m", timedelta(minutes=90)),
        ("2d", timedelta(days=2)),
        ("1w", timedelta(weeks=1)),
        ("90d", timedelta(days=90)),
        (" 6H ", timedelta(hours=6)),
    ],
)
def test_plain_durations_are_read(text, expected):
    assert parse_duration(text) == expected


@pytest.mark.parametrize("text", ["6x", "-1h", "400d", "", "0h", "6", "h", "6h-1m", "1.5h", "91d"])
def test_anything_else_is_refused(text):
    with pytest.raises(BadDuration):
        parse_duration(text)


@pytest.mark.parametrize(
    ("duration", "said"),
    [
        ("6x", "error: --for '6x' is not a duration such as 30m, 6h, 2d or 1w (m, h, d, w; at most 90d)"),
        ("-1h", "error: --for '-1h' is not a duration such as 30m, 6h, 2d or 1w (m, h, d, w; at most 90d)"),
        ("400d", "error: --for '400d' is too long: a duration such as 30m, 6h, 2d or 1w"),
    ],
)
def test_the_cli_refuses_a_bad_duration_in_one_line_with_exit_2(capsys, duration, said):
    code = main(["alerts", "mute", "acme", f"--for={duration}", "--table", "t"])
    err = capsys.readouterr().err
    assert code == 2 and err.startswith(said) and len(err.splitlines()) == 1


def test_the_cli_refuses_an_unknown_rule(capsys):
    assert main(["alerts", "mute", "acme", "--rule", "volume", "--for", "6h", "--table", "t"]) == 2
    assert capsys.readouterr().err.startswith("error: --rule 'volume' is not a rule; one of: reputation_low,")


def test_the_cli_wants_a_table(capsys, monkeypatch):
    monkeypatch.delenv("TABLE_NAME", raising=False)
    assert main(["alerts", "list"]) == 2
    assert "give --stack NAME or --table" in capsys.readouterr().err


def test_a_mute_covers_its_rule_or_every_rule_until_it_ends():
    spike = Mute("acme", "volume_spike", AT + timedelta(hours=6), AT)
    everything = Mute("acme", ALL_RULES, AT + timedelta(hours=1), AT)
    assert muted([spike], "volume_spike", AT) == spike
    assert muted([spike], "reputation_low", AT) is None
    assert muted([spike], "volume_spike", AT + timedelta(hours=6)) is None
    assert muted([everything], "reputation_low", AT + timedelta(minutes=59)) == everything
