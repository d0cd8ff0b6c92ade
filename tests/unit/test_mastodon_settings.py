"""`sources.mastodon` in the watchlist: on when instances are set, checked by `brands validate` with
file, line, brand and field in the user's words."""

from __future__ import annotations

from pathlib import Path

import pytest

from repmon.cli.main import main
from repmon.domain.brand import Brand

HEAD = "brands:\n  - id: acme\n    name: Acme\n    query: acme\n    sources:\n      mastodon:\n"


def _validate(tmp_path: Path, capsys: pytest.CaptureFixture[str], body: str) -> tuple[int, str]:
    path = tmp_path / "brands.yaml"
    path.write_text(HEAD + body, encoding="utf-8")
    code = main(["brands", "validate", str(path)])
    return code, capsys.readouterr().err.replace(str(path), "brands.yaml")


def test_instances_and_hashtags_are_valid_and_turn_the_source_on(tmp_path, capsys) -> None:
    code, err = _validate(
        tmp_path, capsys, "        instances: [Mastodon.Social]\n        hashtags: [acme]\n"
    )
    assert code == 0, err
    on = {"mastodon": {"instances": ["mastodon.social"]}}
    brand = Brand.model_validate({"id": "a", "name": "A", "query": "a", "sources": on})
    assert "mastodon" in brand.sources.enabled() and brand.sources.mastodon.search
    assert "mastodon" not in Brand.model_validate({"id": "a", "name": "A", "query": "a"}).sources.enabled()


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ("        instances: ['https://mastodon.social']\n", "is not an instance's host name"),
        ("        instances: ['a.example/../api']\n", "is not an instance's host name"),
        ("        instances: [a.example]\n        hashtags: ['#acme']\n", "without '#'; did you mean 'acme'"),
        ("        instances: [a.example]\n        hashtags: ['2026']\n", "is not a hashtag"),
        ("        instances: [a.example]\n        hashtags: ['ac/me']\n", "is not a hashtag"),
        ("        enabled: true\n", "instances is required when the mastodon source is enabled"),
        ("        instances: [a.example]\n        search: false\n", "set hashtags, or leave search on"),
        ("        instance: [a.example]\n", "instance"),
        ("        instances: [a.example]\n        max_items: 0\n", "max_items"),
    ],
)
def test_bad_mastodon_settings_are_one_line_naming_file_brand_and_field(
    tmp_path, capsys, body, words
) -> None:
    code, err = _validate(tmp_path, capsys, body)
    assert code == 2
    assert err.startswith("error: brands.yaml:") and "acme" in err and "mastodon" in err, err
    assert words in err and "Traceback" not in err
