"""`sources.feeds` in the watchlist: on when urls are set, checked by `brands validate` with file,
line, brand and field in the user's words; site weights by the most specific domain."""

from __future__ import annotations

from pathlib import Path

import pytest

from repmon.cli.main import main
from repmon.domain.brand import Brand
from repmon.domain.sources.feeds import DEFAULT_WEIGHT, FeedSettings

HEAD = "brands:\n  - id: acme\n    name: Acme\n    query: acme\n    sources:\n      feeds:\n"


def _validate(tmp_path: Path, capsys: pytest.CaptureFixture[str], body: str) -> tuple[int, str]:
    path = tmp_path / "brands.yaml"
    path.write_text(HEAD + body, encoding="utf-8")
    code = main(["brands", "validate", str(path)])
    return code, capsys.readouterr().err.replace(str(path), "brands.yaml")


def test_a_feed_list_and_weights_are_valid_and_turn_the_source_on(tmp_path, capsys) -> None:
    body = "        urls: ['https://news.example/rss?q={query}']\n        site_weights: {Reuters.com: 80}\n"
    code, err = _validate(tmp_path, capsys, body)
    assert code == 0, err
    brand = Brand.model_validate(
        {"id": "a", "name": "A", "query": "a", "sources": {"feeds": {"urls": ["https://n.example/f"]}}}
    )
    assert "feeds" in brand.sources.enabled()
    assert "feeds" not in Brand.model_validate({"id": "a", "name": "A", "query": "a"}).sources.enabled()


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ("        urls: ['news.example/rss']\n", "is not a feed address: write it as https://host/path"),
        ("        urls: ['file:///etc/passwd']\n", "is not a feed address"),
        ("        urls: ['https://a.example/{query}/{query}']\n", "put {query} in it once at most"),
        ("        site_weights: {'https://reuters.com': 80}\n", "is not a site's domain"),
        ("        urls: ['https://a.example/f']\n        site_weights: {reuters.com: 101}\n", "100"),
        ("        enabled: true\n", "urls is required when the feeds source is enabled"),
        ("        url: ['https://a.example/f']\n", "url"),
    ],
)
def test_bad_feed_settings_are_one_line_naming_file_brand_and_field(tmp_path, capsys, body, words) -> None:
    code, err = _validate(tmp_path, capsys, body)
    assert code == 2
    assert err.startswith("error: brands.yaml:") and "acme" in err and "feeds" in err, err
    assert words in err and "Traceback" not in err


def test_a_site_weight_applies_to_its_subdomains_the_most_specific_listed_wins() -> None:
    feeds = FeedSettings(site_weights={"bbc.co.uk": 80, "news.bbc.co.uk": 90, "www.blog.example": 30})
    assert feeds.weight("www.news.bbc.co.uk") == 90
    assert feeds.weight("sport.bbc.co.uk") == 80
    assert feeds.weight("blog.example") == 30
    assert feeds.weight("co.uk") == feeds.weight("") == DEFAULT_WEIGHT
