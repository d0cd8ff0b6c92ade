"""`repmon brands validate`: every problem named with file, brand and field; exit 2, no traceback."""

from __future__ import annotations

from pathlib import Path

from repmon.cli.main import main

REPO = Path(__file__).resolve().parents[2]


def test_the_shipped_example_is_valid(capsys):
    assert main(["brands", "validate", str(REPO / "brands.example.yaml")]) == 0
    assert "2 brand(s) valid" in capsys.readouterr().out


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
    assert f"{path}: brand 'acme': query: invalid query: unterminated quote" in err
    assert f"{path}: brand 'acme': thresholds.reputation_low:" in err
    assert f"{path}: brand 'globex': sources.appstore: app_id is required" in err
    assert f"{path}: brand 'globex': id: used by 2 brands" in err
    assert "Traceback" not in err


def test_given_a_missing_field_when_validating_then_the_field_is_named(tmp_path, capsys):
    path = tmp_path / "brands.yaml"
    path.write_text("brands:\n  - {id: acme, name: Acme}\n")
    assert main(["brands", "validate", str(path)]) == 2
    assert "brand 'acme': query: Field required" in capsys.readouterr().err


def test_given_broken_yaml_or_no_file_when_validating_then_exit_2_with_the_line(tmp_path, capsys):
    path = tmp_path / "brands.yaml"
    path.write_text("brands:\n  - id: x\n   name: [\n")
    assert main(["brands", "validate", str(path)]) == 2
    assert "invalid YAML at line 3" in capsys.readouterr().err
    assert main(["brands", "validate", str(tmp_path / "none.yaml")]) == 2
    assert "cannot read" in capsys.readouterr().err


def test_given_no_table_when_applying_then_exit_2_says_what_to_give(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("TABLE_NAME", raising=False)
    assert main(["brands", "apply", str(REPO / "brands.example.yaml")]) == 2
    assert "--table" in capsys.readouterr().err
