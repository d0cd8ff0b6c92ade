"""The build-time lexicon installer: offline, idempotent, and in the layout nltk loads."""

from __future__ import annotations

import zipfile
from pathlib import Path

import nltk
import pytest
from nltk.sentiment.vader import SentimentIntensityAnalyzer

from repmon.adapters import vader_lexicon
from repmon.adapters.vader_lexicon import ARCHIVE, MEMBER, LexiconNotInstalled, install, main


def test_install_writes_the_archive_nltk_expects(tmp_path: Path) -> None:
    # Given an empty data folder; When the installer runs
    path = install(tmp_path)
    # Then the archive holds the lexicon under the member name nltk asks for
    assert path == tmp_path / ARCHIVE
    with zipfile.ZipFile(path) as archive:
        text = archive.read(MEMBER).decode("utf-8")
    assert not text.endswith("\n")
    assert any(line.startswith("love\t") for line in text.split("\n"))


def test_nltk_loads_the_installed_lexicon(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    install(tmp_path)
    monkeypatch.setattr(nltk.data, "path", [str(tmp_path)])
    nltk.data._resource_cache.clear()
    analyzer = SentimentIntensityAnalyzer()
    assert analyzer.polarity_scores("I love it")["compound"] > 0.5


def test_install_is_idempotent(tmp_path: Path) -> None:
    first = install(tmp_path)
    stamp = first.stat().st_mtime_ns
    second = install(tmp_path)
    assert second == first
    assert second.stat().st_mtime_ns == stamp


def test_a_corrupt_archive_is_replaced(tmp_path: Path) -> None:
    (tmp_path / ARCHIVE).parent.mkdir(parents=True)
    (tmp_path / ARCHIVE).write_bytes(b"not a zip")
    with zipfile.ZipFile(install(tmp_path)) as archive:
        assert archive.read(MEMBER)


def test_cli_usage_and_success(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert main([str(tmp_path)]) == 0
    assert "installed" in capsys.readouterr().out


def test_missing_lexicon_at_run_time_says_run_make_dev(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from repmon.adapters.vader_scorer import CxVaderScorer

    # Given nltk looks only in an empty folder
    monkeypatch.setattr(nltk.data, "path", [str(tmp_path)])
    nltk.data._resource_cache.clear()
    # When a scorer is built; Then the error tells what to run
    with pytest.raises(LexiconNotInstalled, match="make dev"):
        CxVaderScorer()


def test_missing_source_package_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    def no_package(name: str) -> object:
        raise ModuleNotFoundError(name)

    monkeypatch.setattr(vader_lexicon.resources, "files", no_package)
    assert main([str(tmp_path)]) == 1
