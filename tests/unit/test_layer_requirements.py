"""The layer's requirements stay in step with the package's, and cover every import a handler can make.

shared/requirements.txt is what `sam build` installs into the layer; pyproject's dependencies are
what the dev venv gets. A package imported by the code the layer ships but missing from the layer
is a cold-start ModuleNotFoundError in Lambda that no venv test can see.
"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions, requires
from pathlib import Path

from packaging.requirements import Requirement

from repmon.localstack.artifact import RUNTIME_PROVIDED

REPO = Path(__file__).resolve().parents[2]
#: The layer ships repmon without localstack (shared/Makefile); the CLI is shipped but never imported.
SHIPPED = [
    p
    for p in (REPO / "shared" / "repmon").rglob("*.py")
    if not {"localstack", "cli"} & set(p.relative_to(REPO / "shared" / "repmon").parts)
] + sorted((REPO / "functions").glob("*/app.py"))


def _requirements(lines: list[str]) -> dict[str, Requirement]:
    reqs = [Requirement(line.split("#")[0].strip()) for line in lines if line.split("#")[0].strip()]
    return {r.name.lower(): r for r in reqs}


def _layer() -> dict[str, Requirement]:
    return _requirements((REPO / "shared" / "requirements.txt").read_text().splitlines())


def _project() -> dict[str, Requirement]:
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    return _requirements(project["dependencies"])


def test_the_layer_requires_what_the_package_requires_but_the_runtime_provided_sdk():
    layer, project = _layer(), _project()
    assert set(project) - set(layer) == {"boto3"}  # provided by the Lambda runtime
    assert set(layer) - set(project) == set()
    for name, requirement in layer.items():
        assert requirement == project[name], f"{name}: layer {requirement} vs pyproject {project[name]}"


def _top_level_imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def _normalised(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _closure(names: set[str]) -> set[str]:
    """The distributions pip installs for `names`: they and their dependencies (no extras)."""
    seen: set[str] = set()
    todo = list(names)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        for line in requires(name) or []:
            requirement = Requirement(line)
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                todo.append(_normalised(requirement.name))
    return seen


def _uncovered(paths: list[Path]) -> dict[str, list[str]]:
    """{"file: module": its distributions} for each third-party import no layer requirement covers."""
    distributions = packages_distributions()
    allowed = _closure({_normalised(name) for name in _layer()}) | {"boto3", "botocore"}
    missing = {}
    for path in paths:
        for name in _top_level_imports(path) - set(sys.stdlib_module_names) - {"repmon", "app", "__future__"}:
            owners = {_normalised(d) for d in distributions.get(name, [name])}
            if name not in RUNTIME_PROVIDED and not owners & allowed:
                missing[f"{path.name}: {name}"] = sorted(owners)
    return missing


def test_every_third_party_import_of_the_shipped_code_is_in_the_layer_or_the_runtime():
    assert _uncovered(SHIPPED) == {}


def test_an_import_no_requirement_covers_is_found(tmp_path: Path):
    module = tmp_path / "m.py"
    module.write_text("import json\nimport yaml\nfrom moto import mock_aws\nfrom . import sibling\n")
    assert _uncovered([module]) == {"m.py: moto": ["moto"]}
