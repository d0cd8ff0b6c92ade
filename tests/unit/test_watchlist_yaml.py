"""`brands validate` on YAML that PyYAML itself chokes on: explicit tags it cannot apply and nesting
deeper than its recursive composer goes. Before: exit 1 with a Python error (ValueError,
RecursionError); now one line naming the file and line, exit 2, and nothing stored."""

from __future__ import annotations

from pathlib import Path

import pytest

from repmon.adapters.watchlist_yaml import YamlProblem, parse
from repmon.cli.main import main

HEAD = "brands:\n  - id: acme\n    query: acme\n"


@pytest.mark.parametrize(
    ("field", "tag_and_value", "words"),
    [
        ("name", "!!int word", "'!!int' cannot be applied to 'word'"),
        ("name", "!!float many", "'!!float' cannot be applied to 'many'"),
        ("name", "!!bool maybe", "'!!bool' cannot be applied to 'maybe'"),
        ("name", "!!timestamp 2026-13-45", "'!!timestamp' cannot be applied to '2026-13-45'"),
        ("name", "!!custom thing", "unknown tag '!!custom'"),
    ],
)
def test_a_tag_that_cannot_be_applied_is_a_line_error_not_a_crash(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], field: str, tag_and_value: str, words: str
) -> None:
    path = tmp_path / "brands.yaml"
    path.write_text(HEAD + f"    {field}: {tag_and_value}\n", encoding="utf-8")
    code = main(["brands", "validate", str(path)])
    err = capsys.readouterr().err
    assert code == 2, err
    assert err.startswith(f"error: {path}:4: invalid YAML: ")
    assert words in err
    assert "Traceback" not in err and "ValueError" not in err


def test_a_tag_that_fits_its_value_still_works(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "brands.yaml"
    path.write_text(HEAD + "    name: !!str 1234\n", encoding="utf-8")
    assert main(["brands", "validate", str(path)]) == 0, capsys.readouterr().err


@pytest.mark.parametrize(
    "text",
    [
        "brands: " + "[" * 5000 + "]" * 5000 + "\n",
        "brands: " + "{a: " * 3000 + "x" + "}" * 3000 + "\n",
        "brands:\n" + "".join("  " * i + f"k{i}:\n" for i in range(1, 1200)) + "  " * 1200 + "x: 1\n",
    ],
    ids=["flow sequences", "flow mappings", "block mappings"],
)
def test_nesting_deeper_than_a_watchlist_needs_is_a_line_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str
) -> None:
    path = tmp_path / "brands.yaml"
    path.write_text(text, encoding="utf-8")
    code = main(["brands", "validate", str(path)])
    err = capsys.readouterr().err
    assert code == 2, err
    assert f"{path}:" in err and "nested deeper than 50 levels" in err
    assert "RecursionError" not in err


def test_the_depth_limit_names_the_line_where_it_is_passed() -> None:
    text = "brands:\n" + "".join("  " * i + f"k{i}:\n" for i in range(1, 60)) + "  " * 60 + "x: 1\n"
    with pytest.raises(YamlProblem) as raised:
        parse(text)
    assert raised.value.line == 51  # "brands:" opens level 1 on line 1, so level 51 is on line 51
