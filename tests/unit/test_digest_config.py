"""The watchlist's `competitors` and `digest:` keys: checked by `brands validate` with file, line,
brand and field (exit 2)."""

from __future__ import annotations

import pytest

from repmon.cli.main import main

WATCHLIST = """\
brands:
  - id: acme
    name: Acme Air
    query: acme
    competitors: [zeta, nope, acme]
    digest: {hour: 7, weekly: true, weekday: friday}
  - id: zeta
    name: Zeta
    query: zeta
    competitors: [acme]
"""


def test_given_competitors_that_are_not_other_brands_then_each_is_named_with_its_line(tmp_path, capsys):
    path = tmp_path / "brands.yaml"
    path.write_text(WATCHLIST)
    assert main(["brands", "validate", str(path)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err == [
        f"error: {path}:5: brand 'acme', competitors[1]: 'nope' is not a brand of this watchlist (ids: zeta)",
        f"{path}:5: brand 'acme', competitors[2]: 'acme' is the brand itself (ids: zeta)",
    ]


def test_given_known_competitors_and_digest_settings_then_the_watchlist_is_valid(tmp_path, capsys):
    path = tmp_path / "brands.yaml"
    path.write_text(WATCHLIST.replace("[zeta, nope, acme]", "[zeta]"))
    assert main(["brands", "validate", str(path)]) == 0


@pytest.mark.parametrize(
    ("digest", "said"),
    [
        ("{hour: 24}", "brand 'acme', digest.hour:"),
        ("{weekday: someday}", "brand 'acme', digest.weekday:"),
        ("{dayly: true}", "brand 'acme', digest.dayly: unknown key; did you mean 'daily'?"),
    ],
)
def test_given_bad_digest_settings_then_the_field_is_named(tmp_path, capsys, digest, said):
    path = tmp_path / "brands.yaml"
    path.write_text(
        WATCHLIST.replace("[zeta, nope, acme]", "[zeta]").replace(
            "{hour: 7, weekly: true, weekday: friday}", digest
        )
    )
    assert main(["brands", "validate", str(path)]) == 2
    assert f"{path}:6: {said}" in capsys.readouterr().err
