"""`own_accounts` in each source's watchlist settings: the brand's own handles, normalised per platform
(case, a leading @, u/), refused with file, line, brand and field when the platform could not have them."""

from __future__ import annotations

from pathlib import Path

import pytest

from repmon.cli.main import main
from repmon.domain.brand import Brand
from repmon.domain.models import Author, Mention
from repmon.domain.sources.handles import is_own


def _brand(sources: dict[str, object]) -> Brand:
    return Brand.model_validate({"id": "acme", "name": "Acme", "query": "acme", "sources": sources})


def _validate(tmp_path: Path, capsys: pytest.CaptureFixture[str], source: str, body: str) -> tuple[int, str]:
    path = tmp_path / "brands.yaml"
    head = f"brands:\n  - id: acme\n    name: Acme\n    query: acme\n    sources:\n      {source}:\n"
    path.write_text(head + body, encoding="utf-8")
    code = main(["brands", "validate", str(path)])
    return code, capsys.readouterr().err.replace(str(path), "brands.yaml")


@pytest.mark.parametrize(
    ("source", "given", "stored"),
    [
        ("reddit", ["u/AcmeSupport", "/u/Acme_Air", "@acme-help"], ("acmesupport", "acme_air", "acme-help")),
        ("hackernews", ["@AcmeHQ"], ("AcmeHQ",)),  # as written: Algolia's author tag is case-sensitive
        (
            "bluesky",
            ["@Acme.BSky.Social", "did:plc:abcdefghijklmnopqrstuvwx"],
            ("acme.bsky.social", "did:plc:abcdefghijklmnopqrstuvwx"),
        ),
        ("mastodon", ["@Acme@Mastodon.Social"], ("acme@mastodon.social",)),
    ],
)
def test_handles_are_normalised_per_platform(source: str, given: list[str], stored: tuple[str, ...]) -> None:
    extra: dict[str, object] = {"instances": ["mastodon.social"]} if source == "mastodon" else {}
    brand = _brand({source: {"own_accounts": given, **extra}})
    assert getattr(brand.sources, source).own_accounts == stored


@pytest.mark.parametrize(
    ("source", "body", "words"),
    [
        ("reddit", "        own_accounts: ['acme support']\n", "is not a Reddit username"),
        ("reddit", "        own_accounts: [ab]\n", "is not a Reddit username"),
        ("reddit", "        own_accounts: ['r/acme']\n", "is not a Reddit username"),
        (
            "hackernews",
            "        own_accounts: [a-name-far-too-long-for-hn]\n",
            "is not a Hacker News username",
        ),
        ("bluesky", "        own_accounts: [acme]\n", "is not a Bluesky handle"),
        (
            "bluesky",
            "        own_accounts: ['https://bsky.app/profile/acme.com']\n",
            "is not a Bluesky handle",
        ),
        ("mastodon", "        instances: [a.example]\n        own_accounts: [acme]\n", "user@instance"),
        ("appstore", "        own_accounts: [acme]\n", "App Store"),
        ("feeds", "        urls: ['https://a.example/feed']\n        own_accounts: [acme]\n", "feeds"),
    ],
)
def test_impossible_handles_are_one_line_naming_file_line_brand_and_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], source: str, body: str, words: str
) -> None:
    code, err = _validate(tmp_path, capsys, source, body)
    assert code == 2
    assert err.startswith("error: brands.yaml:") and "acme" in err and "own_accounts" in err, err
    assert words in err and "Traceback" not in err and err.count("\n") == 1, err


def _mention(source: str, handle: str, author_id: str = "") -> Mention:
    return Mention(source, "1", _T0, "hi", author=Author(id=author_id or handle, handle=handle))


from datetime import UTC, datetime  # noqa: E402

_T0 = datetime(2026, 11, 1, tzinfo=UTC)


def test_a_mention_by_an_own_account_is_own_whatever_the_case_or_prefix() -> None:
    brand = _brand(
        {
            "reddit": {"own_accounts": ["AcmeSupport"]},
            "bluesky": {"own_accounts": ["acme.com"]},
            "mastodon": {"instances": ["mastodon.social"], "own_accounts": ["acme@mastodon.social"]},
        }
    )
    assert is_own(brand, _mention("reddit", "acmesupport"))
    assert not is_own(brand, _mention("reddit", "acmesupporter"))
    assert is_own(brand, _mention("bluesky", "Acme.com", "did:plc:x"))
    # Mastodon's acct is relative to the instance read: the account's address decides.
    assert is_own(brand, _mention("mastodon", "acme", "https://mastodon.social/@acme"))
    assert not is_own(brand, _mention("mastodon", "acme", "https://other.example/@acme"))
    # A handle on another platform is another person.
    assert not is_own(brand, _mention("hackernews", "acmesupport"))


def test_a_youtube_channel_named_after_the_brands_channel_id_is_not_the_brand() -> None:
    # A channel's title and a commenter's display name are free text: anyone can write an id there.
    brand_channel = "UCabcdefghijklmnopqrstuv"
    brand = _brand({"youtube": {"channel_id": brand_channel}})
    assert is_own(brand, _mention("youtube", "Acme Air", brand_channel))
    assert not is_own(brand, _mention("youtube", brand_channel, "UCimpostor0000000000000x"))
    assert not is_own(brand, _mention("youtube", "@" + brand_channel.lower(), "UCimpostor0000000000000x"))
