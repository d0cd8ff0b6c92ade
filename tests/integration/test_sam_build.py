"""The README's build commands, exactly as written, in a copy of the repository: `sam validate --lint`
and `sam build` succeed with clean output, and build the arm64 layer and the functions we ship.

pip reads only the wheelhouse `make dev` filled (PIP_NO_INDEX): the build downloads nothing.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from repmon.localstack.template_loader import REPO_ROOT

pytestmark = pytest.mark.slow

WHEELHOUSE = REPO_ROOT / ".venv" / "wheelhouse"
FUNCTIONS = (
    "PlanPollsFunction",
    "CollectMentionsFunction",
    "EvaluateReputationFunction",
    "ExportForBiFunction",
    "SendDigestFunction",
    "CheckIngestionFunction",
)
#: Lines of SAM's output that mean something is off, whatever the exit code.
NOISE = re.compile(r"requirements\.txt file not found|warning|error|deprecat|traceback", re.IGNORECASE)


def _readme_commands(prefix: str) -> list[str]:
    """The commands starting with `prefix` in the README's deploy section's code blocks."""
    readme = (REPO_ROOT / "README.md").read_text()
    section = readme.split("## Deploying with SAM", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```\n(.*?)```", section, re.DOTALL)
    return [
        line.strip() for block in blocks for line in block.splitlines() if line.strip().startswith(prefix)
    ]


@pytest.fixture(scope="module")
def checkout(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """What `sam build` reads, as a fresh clone has it (no caches, no egg-info), and the venv."""
    assert WHEELHOUSE.is_dir(), "no .venv/wheelhouse: run `make dev`"
    root = tmp_path_factory.mktemp("checkout")
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", ".mypy_cache")
    for folder in ("functions", "shared", "infra"):
        shutil.copytree(REPO_ROOT / folder, root / folder, ignore=ignore)
    shutil.copy(REPO_ROOT / "template.yaml", root)
    (root / ".venv").symlink_to(REPO_ROOT / ".venv")
    # The host's python3 may have no pip (Ubuntu without python3-pip): the build must not need it
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(root / "host-python")], check=True)
    return root


def _run(command: str, cwd: Path) -> str:
    env = {
        **os.environ,
        "PATH": f"{cwd / 'host-python' / 'bin'}:{os.environ['PATH']}",
        "PIP_NO_INDEX": "1",
        "PIP_FIND_LINKS": str(WHEELHOUSE),
        "SAM_CLI_TELEMETRY": "0",
        "AWS_DEFAULT_REGION": "us-east-1",
    }
    done = subprocess.run(
        ["bash", "-c", command], cwd=cwd, env=env, capture_output=True, text=True, timeout=540
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    return output


def test_the_readme_validates_the_template_with_lint_cleanly(checkout: Path):
    [command] = _readme_commands(".venv/bin/sam validate")
    assert "--lint" in command
    output = _run(command, checkout)
    assert "is a valid SAM Template" in output
    assert not [line for line in output.splitlines() if NOISE.search(line)]


def test_the_host_python3_in_the_build_has_no_pip(checkout: Path):
    output = _run("python3 -m pip --version || echo no-pip", checkout)
    assert "No module named pip" in output and "no-pip" in output.splitlines()


def test_the_readme_build_makes_the_arm64_layer_and_each_function_with_clean_output(checkout: Path):
    [command] = _readme_commands(".venv/bin/sam build")
    output = _run(command, checkout)
    assert "Build Succeeded" in output
    assert not [line for line in output.splitlines() if NOISE.search(line)]
    build = checkout / ".aws-sam" / "build"
    for function in FUNCTIONS:
        assert sorted(p.name for p in (build / function).iterdir()) == ["app.py"], function
    layer = build / "SharedLayer" / "python"
    assert (layer / "repmon" / "runtime" / "wiring.py").is_file()
    assert (layer / "nltk_data" / "sentiment" / "vader_lexicon.zip").is_file()
    assert not (layer / "repmon" / "localstack").exists() and not (layer / "boto3").exists()
    # Compiled dependencies are Lambda's: CPython 3.12 on arm64, not this machine's
    [core] = (layer / "pydantic_core").glob("_pydantic_core*.so")
    assert "cpython-312-aarch64" in core.name
