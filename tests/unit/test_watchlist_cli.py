"""`repmon brands validate`: every problem named with file, brand and field; exit 2, no traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from repmon.adapters.watchlist_yaml import parse
from repmon.cli.main import main
from repmon.domain.brand import Brand

REPO = Path(__file__).resolve().parents[2]


def test_the_shipped_example_is_valid(capsys):
    assert main(["brands", "validate", str(REPO / "brands.example.yaml")]) == 0
    assert "2 brand(s) valid" in capsys.readouterr().out


def _leaves(value: object, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    if isinstance(value, dict):
        return [leaf for key, child in value.items() for leaf in _leaves(child, (*path, key))]
    return [path]


def _at(dump: dict[str, object], path: tuple[str, ...]) -> object:
    value: object = dump
    for key in path:
        assert isinstance(value, dict)
        value = value[key]
    return value


def test_the_example_shows_each_default_except_on_the_lines_marked_example():
    # Before: line 1 said "every other key shows its default", but app_id and countries are not
    # defaults, and nothing said the App Store source is off without an app_id
    example = REPO / "brands.example.yaml"
    document = parse(example.read_text(encoding="utf-8"))
    assert isinstance(document.value, dict)
    entry = document.value["brands"][0]
    given = Brand.model_validate(entry).model_dump(mode="json")
    defaults = Brand.model_validate({k: entry[k] for k in ("id", "name", "query")}).model_dump(mode="json")
    marked = []
    for section in ("sources", "thresholds", "notifications"):
        for path in _leaves(entry[section], (section,)):
            line = document.source_line(document.line_of(("brands", 0, *path)))
            if line.partition("#")[2].strip().startswith("example"):
                marked.append(path[-1])
                assert _at(given, path) != _at(defaults, path), f"{path}: marked example but is the default"
            else:
                assert _at(given, path) == _at(defaults, path), f"{path}: not the default, not marked"
    assert marked == ["app_id", "countries"]
    assert "off without an app_id" in document.source_line(
        document.line_of(("brands", 0, "sources", "appstore"))
    )
    assert 'except the lines marked "example"' in example.read_text(encoding="utf-8").split("brands:")[0]


def test_given_only_id_name_and_query_when_validating_then_defaults_fill_the_rest(tmp_path, capsys):
    path = tmp_path / "brands.yaml"
    path.write_text("brands:\n  - {id: acme, name: Acme, query: acme}\n")
    assert main(["brands", "validate", str(path)]) == 0


def test_given_several_problems_when_validating_then_each_is_reported_with_file_brand_and_field(
    tmp_path, capsys
):
    path = tmp_path / "brands.yaml"
    path.write_text(
        "brands:\n"
        "  - {id: acme, name: Acme, query: '\"acme air', thresholds: {reputation_low: 150}}\n"
        "  - {id: globex, name: Globex, query: globex, sources: {appstore: {enabled: true}}}\n"
        "  - {id: globex, name: Again, query: again}\n"
    )
    assert main(["brands", "validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"{path}:2: brand 'acme', query: invalid query: unterminated quote" in err
    assert f"{path}:2: brand 'acme', thresholds.reputation_low: must be at most 100 (got 150)" in err
    assert f"{path}:3: brand 'globex', sources.appstore: app_id is required" in err
    assert f"{path}:4: brand 'globex', id: used by 2 brands" in err
    assert "Traceback" not in err


def test_given_a_missing_field_when_validating_then_the_field_is_named(tmp_path, capsys):
    path = tmp_path / "brands.yaml"
    path.write_text("brands:\n  - {id: acme, name: Acme}\n")
    assert main(["brands", "validate", str(path)]) == 2
    assert f"{path}:2: brand 'acme', query: missing; every brand needs one" in capsys.readouterr().err


def test_given_broken_yaml_or_no_file_when_validating_then_exit_2_with_the_line(tmp_path, capsys):
    path = tmp_path / "brands.yaml"
    path.write_text("brands:\n  - id: x\n   name: [\n")
    assert main(["brands", "validate", str(path)]) == 2
    assert f"{path}:3: invalid YAML: " in capsys.readouterr().err
    assert main(["brands", "validate", str(tmp_path / "none.yaml")]) == 2
    assert "cannot read" in capsys.readouterr().err


def test_given_no_table_when_applying_then_exit_2_says_what_to_give(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("TABLE_NAME", raising=False)
    assert main(["brands", "apply", str(REPO / "brands.example.yaml")]) == 2
    assert "--table" in capsys.readouterr().err


# First-use defects (issue 13): each message names file, line, brand and field in plain words.

JARGON = ("Input should", "Extra inputs", "tuple", "Value error", "^", "\\d", "Field required")


def _validate(tmp_path, capsys, text: str) -> tuple[int, Path, str]:
    path = tmp_path / "brands.yaml"
    path.write_text(text)
    code = main(["brands", "validate", str(path)])
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return code, path, err


def test_given_a_key_twice_in_one_brand_when_validating_then_both_lines_are_named(tmp_path, capsys):
    code, path, err = _validate(
        tmp_path, capsys, "brands:\n  - id: acme\n    name: Acme\n    query: acme\n    query: globex\n"
    )
    assert code == 2
    assert f"{path}:5: brand 'acme', query: given twice (first on line 4); keep one" in err


def test_given_an_unclosed_quote_when_validating_then_the_line_where_it_opens_is_named(tmp_path, capsys):
    # The scanner pairs the open quote on line 4 with the next quote (line 6) and fails there.
    text = 'brands:\n  - id: acme\n    name: Acme\n    query: "acme air\n  - id: globex\n    name: "Globex"\n'
    code, path, err = _validate(tmp_path, capsys, text)
    assert code == 2
    assert err.startswith(f"error: {path}:4: invalid YAML: the quote opened at column 12 is not closed"), err
    # ...and at the end of the file, where nothing closes it.
    code, path, err = _validate(tmp_path, capsys, 'brands:\n  - id: acme\n    query: "acme air\n\n')
    assert code == 2 and f"{path}:3: invalid YAML: the quote opened at column 12 is not closed" in err


def test_given_a_misspelt_key_when_validating_then_it_is_unknown_with_a_suggestion(tmp_path, capsys):
    text = (
        "brands:\n  - id: acme\n    name: Acme\n    query: acme\n    sources:\n      reddit:\n"
        "        subrediits: [python]\n    thresholdz: {}\n"
    )
    code, path, err = _validate(tmp_path, capsys, text)
    assert code == 2
    assert (
        f"{path}:7: brand 'acme', sources.reddit.subrediits: unknown key; did you mean 'subreddits'?" in err
    )
    assert f"{path}:8: brand 'acme', thresholdz: unknown key; did you mean 'thresholds'?" in err
    assert not [word for word in JARGON if word in err], err


def test_given_wrong_shapes_when_validating_then_the_messages_say_what_is_expected(tmp_path, capsys):
    text = (
        "brands:\n  - id: acme\n    name: Acme\n    query: acme\n    sources:\n      appstore:\n"
        "        app_id: '12ab'\n        countries: us\n    notifications: {min_severity: high}\n"
    )
    code, path, err = _validate(tmp_path, capsys, text)
    assert code == 2
    assert f"{path}:7: brand 'acme', sources.appstore.app_id: must be the app's numeric id" in err
    assert f"{path}:8: brand 'acme', sources.appstore.countries: should be a list, e.g. [us, gb]" in err
    assert (
        f"{path}:9: brand 'acme', notifications.min_severity: must be 'info', 'warning' or 'critical'" in err
    )
    assert not [word for word in JARGON if word in err], err


def test_given_a_numeric_app_id_when_validating_then_it_is_accepted(tmp_path, capsys):
    text = "brands:\n  - {id: acme, name: Acme, query: acme, sources: {appstore: {app_id: 1234567890}}}\n"
    code, _, err = _validate(tmp_path, capsys, text)
    assert code == 0, err
    # A pasted store link is not an id, but the id is in it.
    link = "https://apps.apple.com/us/app/acme/id1234567890"
    code, _, err = _validate(tmp_path, capsys, text.replace("1234567890", link))
    assert code == 2 and "app_id: must be the app's numeric id" in err and "did you mean '1234567890'?" in err


def test_given_norway_when_validating_then_no_is_a_country_not_false(tmp_path, capsys):
    text = "brands:\n  - id: acme\n    name: Acme\n    query: acme\n    sources:\n      appstore:\n"
    text += "        app_id: '1234567890'\n        countries: [US, no]\n        enabled: yes\n"
    code, _, err = _validate(tmp_path, capsys, text)
    assert code == 0, err


def test_given_unknown_countries_and_bad_subreddits_when_validating_then_each_is_named(tmp_path, capsys):
    text = (
        "brands:\n  - id: acme\n    name: Acme\n    query: acme\n    sources:\n      reddit:\n"
        '        subreddits:\n          - python\n          - "not a sub!"\n          - r/aviation\n'
        "      appstore:\n        app_id: '1234567890'\n        countries: [us, xx, uk]\n"
    )
    code, path, err = _validate(tmp_path, capsys, text)
    assert code == 2
    field = f"{path}:9: brand 'acme', sources.reddit.subreddits[1]:"
    assert f"{field} 'not a sub!' is not a subreddit name" in err
    field = f"{path}:10: brand 'acme', sources.reddit.subreddits[2]:"
    assert f"{field} write the name without 'r/'; did you mean 'aviation'?" in err
    assert f"{path}:13: brand 'acme', sources.appstore.countries[1]: 'xx' is not a country code" in err
    assert f"{path}:13: brand 'acme', sources.appstore.countries[2]: 'uk' is not a country code" in err
    assert "did you mean 'gb'?" in err


def test_given_reddits_own_name_forms_when_validating_then_they_are_accepted(tmp_path, capsys):
    # 3-21 letters, digits, '_' (not first), and the old two-letter language subreddits such as r/de.
    text = "brands:\n  - id: acme\n    name: Acme\n    query: acme\n    sources:\n      reddit:\n"
    text += "        subreddits: [de, AskReddit, ab_c, abcdefghijklmnopqrstu]\n"
    code, _, err = _validate(tmp_path, capsys, text)
    assert code == 0, err
    for bad in ("a1", "_abc", "abcdefghijklmnopqrstuv", "a"):
        code, _, err = _validate(tmp_path, capsys, text.replace("ab_c", bad))
        assert code == 2 and f"'{bad}' is not a subreddit name" in err, bad


def test_given_yaml_pitfalls_of_the_query_language_when_validating_then_the_fix_is_named(tmp_path, capsys):
    head = "brands:\n  - id: acme\n    name: Acme\n"
    code, path, err = _validate(tmp_path, capsys, head + "    query: @acmeair\n")
    assert code == 2 and f"{path}:4: invalid YAML: a value cannot start with '@'; put it in quotes" in err
    code, path, err = _validate(tmp_path, capsys, head + '    query: "acme air" OR acme\n')
    assert code == 2 and f"{path}:4: invalid YAML: text after a closing quote" in err
    code, path, err = _validate(tmp_path, capsys, head + "    query: #acmeair\n")
    assert code == 2
    assert f"{path}:4: brand 'acme', query: has no value ('#' starts a YAML comment: quote the value)" in err


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", ":1: expected a top-level 'brands:' list with at least one brand"),
        ("brandz: []\n", ":1: top-level key 'brandz': unknown key; did you mean 'brands'?"),
        ("brands:\n  acme: {}\n", ":1: brands: should be a list of brands"),
        ("brands:\n  - acme\n", ":2: brand #1: should be a mapping with at least id, name and query"),
        ("brands:\n  - {id: 2024, name: A, query: a}\n", ":2: brand #1, id: should be text, not a number"),
        ("brands:\n  - {id: a, name: A, query: a, sources: }\n", ":2: brand 'a', sources: has no value"),
        ("brands:\n  - {id: a, name: A, query: a, [1]: x}\n", ":2: invalid YAML: a key must be plain text"),
        ("brands:\n  - {id: a, name: A, query: a}\n---\nx: 1\n", ":3: invalid YAML: more than one document"),
        ("brands:\n  - {id: a, name: A, query: a, 1: x}\n", ":2: brand 'a', 1: unknown key"),
        ("brands:\n\t- {id: a}\n", ":2: invalid YAML: a tab character; indent with spaces"),
        (
            "brands:\n  - {id: a, name: [A, query: a}\n",
            ":2: invalid YAML: the '[' opened at column 19 is not closed",
        ),
        (  # before: reported at line 8, the line after the '['
            "brands:\n  - id: a\n    name: A\n    query: a\n    sources:\n      reddit:\n"
            "        subreddits: [python, aviation\n      hackernews:\n        enabled: true\n",
            ":7: invalid YAML: the '[' opened at column 21 is not closed (line 8 was read as inside it)",
        ),
        (
            "brands:\n  - id: a\n    name: A\n    query: a\n    sources:\n      reddit:\n"
            "        subreddits: [python,\n          aviation\n      hackernews: {}\n",
            ":7: invalid YAML: the '[' opened at column 21 is not closed (line 9 was read as inside it)",
        ),
        (  # on its own line, a missing comma is still named where it is
            "brands:\n  - {id: a, name: A, query: a, sources: {reddit: {subreddits: [a, b c, d: e: f]}}}\n",
            ":2: invalid YAML: expected ',' or ']' at column",
        ),
    ],
)
def test_given_malformed_files_when_validating_then_exit_2_with_file_and_line(
    tmp_path, capsys, text, expected
):
    code, path, err = _validate(tmp_path, capsys, text)
    assert code == 2
    assert f"{path}{expected}" in err, err
    assert not [word for word in JARGON if word in err], err


def test_given_an_invalid_file_when_applying_then_nothing_is_stored_and_exit_is_2(tmp_path, capsys):
    path = tmp_path / "brands.yaml"
    path.write_text("brands:\n  - {id: acme, name: Acme, query: acme, sources: {reddit: {subrediits: []}}}\n")
    # An unreachable table: a stored write would fail differently; validation must stop first.
    assert main(["brands", "apply", str(path), "--table", "no-such-table"]) == 2
    err = capsys.readouterr().err
    assert f"{path}:2: brand 'acme', sources.reddit.subrediits: unknown key" in err


_VALID = (
    "brands:\n  - id: acme\n    name: Acme\n    query: '\"acme air\" OR @acme'\n"
    "    sources: {reddit: {subreddits: [python]}, appstore: {app_id: 12345, countries: [us]}}\n"
)
_YAMLISH = st.sampled_from([*"{}[],:-'\"#@&*!|>?`% \t\n", "\n  ", "\n    ", "id: ", "query:", "---", "r/x"])


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(_YAMLISH, max_size=12).map("".join), st.integers(0, len(_VALID)))
def test_any_edit_of_a_valid_file_gives_exit_0_or_2_with_file_named_lines(tmp_path, capsys, insert, at):
    code, path, err = _validate(tmp_path, capsys, _VALID[:at] + insert + _VALID[at:])
    assert code in (0, 2), err
    assert all(line.removeprefix("error: ").startswith(f"{path}") for line in err.splitlines()), err


def test_a_bad_count_aware_threshold_is_explained(tmp_path, capsys):
    # Given a sensitivity of 5 (a probability was meant)
    path = tmp_path / "brands.yaml"
    path.write_text("brands:\n  - {id: acme, name: Acme, query: acme, thresholds: {sensitivity: 5}}\n")
    # Then validate names the line, the field, the bound and what the key means
    assert main(["brands", "validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"{path}:2: brand 'acme', thresholds.sensitivity: must be at most 0.01 (got 5)" in err
    assert "the chance an ordinary hour would hold that many mentions" in err and "default 0.0001" in err


def test_given_an_unknown_time_zone_when_validating_then_file_line_brand_and_field_are_named(
    tmp_path, capsys
):
    text = "brands:\n  - id: acme\n    name: Acme\n    query: acme\n    timezone: Europe/Pariss\n"
    code, path, err = _validate(tmp_path, capsys, text)
    assert code == 2
    assert f"{path}:5: brand 'acme', timezone: unknown time zone 'Europe/Pariss'" in err
    assert "Traceback" not in err
    code, _, err = _validate(tmp_path, capsys, text.replace("Pariss", "Paris"))
    assert code == 0, err
