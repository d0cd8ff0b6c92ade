"""The DuckDB commands of README.md and infra/athena/README.md, copied from the READMEs and run as written.

Each README's DuckDB part has one `sh` block (the DuckDB CLI) and one `python` block; only their two
placeholders, /path/to/repmon and /path/to/export, are replaced. They run from an unrelated working
directory against a real small export (test_export_duckdb's), and what they print or return is checked
against DynamoDB, row for row.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.integration import test_export_duckdb
from tests.integration.test_export_duckdb import ATHENA, assert_index_rows

exported = test_export_duckdb.exported  # the small real export and the store it came from

REPO = ATHENA.parents[1]
VENV_BIN = Path(sys.executable).parent  # .venv/bin: the DuckDB CLI (duckdb-cli) is a dev dependency
SECTIONS = {"README.md": "**DuckDB**", "infra/athena/README.md": "## DuckDB"}
PLACEHOLDERS = ("/path/to/repmon", "/path/to/export")


def documented(readme: str, language: str) -> str:
    """The one fenced `language` block of the README's DuckDB part, placeholders filled in."""
    text = (REPO / readme).read_text()
    start = text.index(SECTIONS[readme])
    end = text.find("\n## ", start + 1)
    blocks = re.findall(rf"^```{language}\n(.*?)^```$", text[start : end if end > 0 else None], re.S | re.M)
    assert len(blocks) == 1, f"{readme}: expected one ```{language} block in its DuckDB part"
    for placeholder in PLACEHOLDERS:
        assert blocks[0].count(placeholder) == 1, f"{readme}: {placeholder} should be set once"
    return blocks[0]


def fill(block: str, export: Path) -> str:
    return block.replace(PLACEHOLDERS[0], str(REPO)).replace(PLACEHOLDERS[1], str(export))


#: The README that asks the reader to install the DuckDB CLI (on PATH); the main one names .venv's.
NEEDS_DUCKDB_ON_PATH = {"infra/athena/README.md"}


def run_shell(script: str, cwd: Path, stdin: str = "", readme: str = "README.md") -> str:
    path = os.environ["PATH"]
    env = {**os.environ, "PATH": f"{VENV_BIN}{os.pathsep}{path}" if readme in NEEDS_DUCKDB_ON_PATH else path}
    env["HOME"] = str(cwd)
    done = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script],
        cwd=cwd, env=env, input=stdin, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert (done.returncode, done.stderr) == (0, ""), done.stderr
    return done.stdout


def duckbox_rows(output: str) -> list[dict]:
    """The rows of a DuckDB CLI table (its default 'duckbox' output): header, types, then values."""
    lines = [[cell.strip() for cell in line.strip("│").split("│")] for line in output.splitlines()]
    lines = [cells for cells in lines if len(cells) > 1]
    names, rows = lines[0], lines[2:]
    return [dict(zip(names, row, strict=True)) for row in rows]


def test_the_documented_cli_is_the_venvs_duckdb_1_1_or_later():
    # SET VARIABLE / getvariable() arrived in DuckDB 1.1
    done = subprocess.run([VENV_BIN / "duckdb", "-version"], capture_output=True, text=True, check=True)
    major, minor = (int(part) for part in done.stdout.lstrip("v").split(".")[:2])
    assert (major, minor) >= (1, 1), done.stdout


@pytest.mark.parametrize("readme", list(SECTIONS))
def test_given_the_readme_cli_command_when_run_from_elsewhere_then_it_prints_the_index_of_each_day(
    readme, exported, tmp_path
):
    output = run_shell(fill(documented(readme, "sh"), exported[0]), cwd=tmp_path, readme=readme)
    assert_index_rows(exported[1], duckbox_rows(output))


@pytest.mark.parametrize("readme", list(SECTIONS))
def test_given_the_readme_cli_command_without_its_last_line_then_a_query_pasted_at_the_prompt_runs(
    readme, exported, tmp_path
):
    interactive = fill(documented(readme, "sh"), exported[0]).rstrip().rsplit(" \\\n", 1)
    assert "-c " in interactive[1] and "-c " not in interactive[0]
    pasted = (ATHENA / "duckdb" / "queries" / "reputation_index_daily.sql").read_text()
    output = run_shell(interactive[0], cwd=tmp_path, stdin=pasted, readme=readme)
    assert_index_rows(exported[1], duckbox_rows(output))


@pytest.mark.parametrize("readme", list(SECTIONS))
def test_given_the_readme_python_when_run_from_elsewhere_then_its_result_is_the_index_of_each_day(
    readme, exported, tmp_path, monkeypatch, capsys
):
    monkeypatch.chdir(tmp_path)
    namespace: dict = {}
    exec(compile(fill(documented(readme, "python"), exported[0]), readme, "exec"), namespace)
    result = namespace["index"]
    assert_index_rows(exported[1], [dict(zip(result.columns, row, strict=True)) for row in result.fetchall()])
    assert "reputation_index" in capsys.readouterr().out  # what the analyst sees printed
