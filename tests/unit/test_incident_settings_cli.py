"""`brands validate` on the watchlist's `incidents:` section: bad windows, days and durations are one
line naming the file, the line, the brand and the field, exit 2; the example watchlist passes."""

from __future__ import annotations

from pathlib import Path

import pytest

from repmon.cli.main import main

ROOT = Path(__file__).resolve().parents[2]
HEAD = "brands:\n  - id: acme\n    name: Acme\n    query: acme\n    incidents:\n"


@pytest.mark.parametrize(
    ("section", "line", "expected"),
    [
        (
            "      quiet_hours: {window: '22:00-7:00'}\n",
            6,
            "brand 'acme', incidents.quiet_hours.window: '22:00-7:00' is not a window: write it like "
            "'22:00-07:00' (24-hour local times)",
        ),
        (
            "      quiet_hours:\n        window: '22:00-07:00'\n        days: [monday, fridy]\n",
            8,
            "brand 'acme', incidents.quiet_hours.days[1]: should be 'monday', ",
        ),
        (
            "      group_interval: an hour\n",
            6,
            "brand 'acme', incidents.group_interval: 'an hour' is not a duration: write it like 45m, "
            "1h30m, 24h or 2d",
        ),
        ("      settle: 90s\n", 6, "brand 'acme', incidents.settle: '90s' is not a duration"),
        (
            # No day: quiet hours that never apply, silently (leave quiet_hours out for that)
            "      quiet_hours:\n        window: '22:00-07:00'\n        days: []\n",
            8,
            "brand 'acme', incidents.quiet_hours.days: give at least one day (or leave quiet_hours out)",
        ),
        ("      quiet_hour: {window: '22:00-07:00'}\n", 6, "brand 'acme', incidents.quiet_hour: "),
    ],
)
def test_bad_incident_settings_name_file_line_brand_and_field(tmp_path, capsys, section, line, expected):
    path = tmp_path / "brands.yaml"
    path.write_text(HEAD + section)
    assert main(["brands", "validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and f"{path}:{line}: {expected}" in err, err


def test_the_example_watchlist_with_its_incidents_section_is_valid(capsys):
    assert main(["brands", "validate", str(ROOT / "brands.example.yaml")]) == 0
    assert "incidents:" in (ROOT / "brands.example.yaml").read_text()
