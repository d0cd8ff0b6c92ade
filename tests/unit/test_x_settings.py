"""`sources.x` in the watchlist: off unless enabled, checked by `brands validate` with file, line, brand
and field in the user's words."""

from __future__ import annotations

from pathlib import Path

import pytest

from repmon.cli.main import main

HEAD = "brands:\n  - id: acme\n    name: Acme\n    query: acme\n    sources:\n      x:\n"


def _validate(tmp_path: Path, capsys: pytest.CaptureFixture[str], body: str) -> tuple[int, str]:
    path = tmp_path / "brands.yaml"
    path.write_text(HEAD + body, encoding="utf-8")
    code = main(["brands", "validate", str(path)])
    return code, capsys.readouterr().err.replace(str(path), "brands.yaml")


def test_every_key_passes_with_good_values(tmp_path, capsys) -> None:
    body = "        enabled: true\n        monthly_budget_usd: 12.5\n        retweets: true\n"
    body += "        lang: en\n        max_items: 50\n        own_accounts: ['@AcmeAir']\n"
    code, err = _validate(tmp_path, capsys, body)
    assert code == 0, err


@pytest.mark.parametrize(
    ("body", "words"),
    [
        (
            "        monthly_budget_usd: -5\n",
            "brands.yaml:7: brand 'acme', sources.x.monthly_budget_usd: must be",
        ),
        ("        lang: English\n", "brands.yaml:7: brand 'acme', sources.x.lang: 'English' is not a"),
        ("        own_accounts: [acme air]\n", "sources.x.own_accounts"),
        ("        budget: 5\n", "sources.x.budget: unknown key"),
    ],
)
def test_bad_settings_name_file_line_brand_and_field(tmp_path, capsys, body, words) -> None:
    code, err = _validate(tmp_path, capsys, body)
    assert code == 2 and words in err and "Traceback" not in err, err
