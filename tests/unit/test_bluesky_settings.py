"""`sources.bluesky` in the watchlist: off unless enabled, checked by `brands validate` with file, line,
brand and field in the user's words."""

from __future__ import annotations

from pathlib import Path

import pytest

from repmon.cli.main import main
from repmon.domain.brand import Brand

HEAD = "brands:\n  - id: acme\n    name: Acme\n    query: acme\n    sources:\n      bluesky:\n"


def _validate(tmp_path: Path, capsys: pytest.CaptureFixture[str], body: str) -> tuple[int, str]:
    path = tmp_path / "brands.yaml"
    path.write_text(HEAD + body, encoding="utf-8")
    code = main(["brands", "validate", str(path)])
    return code, capsys.readouterr().err.replace(str(path), "brands.yaml")


def test_enabled_turns_it_on_and_it_is_off_by_default(tmp_path, capsys) -> None:
    code, err = _validate(tmp_path, capsys, "        enabled: true\n        lang: pt-BR\n")
    assert code == 0, err
    on = Brand.model_validate(
        {"id": "a", "name": "A", "query": "a", "sources": {"bluesky": {"enabled": True}}}
    )
    assert "bluesky" in on.sources.enabled()
    assert "bluesky" not in Brand.model_validate({"id": "a", "name": "A", "query": "a"}).sources.enabled()


@pytest.mark.parametrize(
    ("body", "words"),
    [
        (
            "        lang: English!\n",
            "brands.yaml:7: brand 'acme', sources.bluesky.lang: 'English!' is not a",
        ),
        (
            "        max_items: 0\n",
            "brands.yaml:7: brand 'acme', sources.bluesky.max_items: must be at least 1",
        ),
        (
            "        handle: me.bsky.social\n",
            "sources.bluesky.handle: unknown key; expected one of: own_accounts, enabled",
        ),
    ],
)
def test_bad_settings_name_file_line_brand_and_field(tmp_path, capsys, body, words) -> None:
    code, err = _validate(tmp_path, capsys, body)
    assert code == 2 and words in err and "Traceback" not in err
