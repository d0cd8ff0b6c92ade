"""`sources.gdelt` in the watchlist: off unless enabled, checked by `brands validate` with file, line,
brand and field; a brand query GDELT would refuse (a term under 3 characters) is refused there too."""

from __future__ import annotations

from pathlib import Path

import pytest

from repmon.cli.main import main


def _validate(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], body: str, query: str = "acme"
) -> tuple[int, str]:
    path = tmp_path / "brands.yaml"
    head = f"brands:\n  - id: acme\n    name: Acme\n    query: '{query}'\n    sources:\n      gdelt:\n"
    path.write_text(head + body, encoding="utf-8")
    code = main(["brands", "validate", str(path)])
    return code, capsys.readouterr().err.replace(str(path), "brands.yaml")


def test_every_key_passes_with_good_values(tmp_path, capsys) -> None:
    body = "        enabled: true\n        languages: [english, French]\n"
    body += "        max_requests: 3\n        max_items: 50\n"
    code, err = _validate(tmp_path, capsys, body, query='"acme air" OR acmeair -anvil')
    assert code == 0, err


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ("        max_requests: 9\n", "brands.yaml:7: brand 'acme', sources.gdelt.max_requests:"),
        ("        languages: [en-GB]\n", "sources.gdelt.languages: 'en-GB' is not a language name"),
        ("        query: acme\n", "sources.gdelt.query: unknown key"),
    ],
)
def test_bad_settings_name_file_line_brand_and_field(tmp_path, capsys, body, words) -> None:
    code, err = _validate(tmp_path, capsys, body)
    assert code == 2 and words in err and "Traceback" not in err, err


def test_a_query_term_too_short_for_gdelt_is_refused_only_while_gdelt_is_on(tmp_path, capsys) -> None:
    code, err = _validate(tmp_path, capsys, "        enabled: true\n", query="acme OR ai")
    assert code == 2 and "brand 'acme', sources:" in err and "'ai' is too short for GDELT" in err, err
    code, err = _validate(tmp_path, capsys, "        enabled: false\n", query="acme OR ai")
    assert code == 0, err
