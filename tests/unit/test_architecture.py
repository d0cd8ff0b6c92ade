"""House rules that review alone would not keep: pure domain, thin handlers, no import-time clients."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "shared" / "repmon"
BANNED_IN_CORE = (
    "boto3",
    "botocore",
    "praw",
    "prawcore",
    "nltk",
    "aws_lambda_powertools",
    "requests",
    "urllib3",
)


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


CORE = sorted(
    [*(PACKAGE / "domain").rglob("*.py"), *(PACKAGE / "services").glob("*.py"), *PACKAGE.glob("*ports.py")]
)


@pytest.mark.parametrize("path", CORE, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_domain_services_and_ports_import_no_sdk(path):
    assert _imports(path).isdisjoint(BANNED_IN_CORE), (
        f"{path.name} imports {_imports(path) & set(BANNED_IN_CORE)}"
    )


def _module_level_calls(path: Path) -> list[str]:
    calls = []
    for node in ast.parse(path.read_text()).body:
        for call in ast.walk(node) if isinstance(node, ast.Assign | ast.Expr) else ():
            if (
                isinstance(call, ast.Call)
                and isinstance(call.func, ast.Attribute)
                and call.func.attr
                in (
                    "client",
                    "resource",
                    "Reddit",
                )
            ):
                calls.append(ast.unparse(call))
    return calls


ALL = sorted([*PACKAGE.rglob("*.py"), *(ROOT / "functions").rglob("*.py")])


@pytest.mark.parametrize("path", ALL, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_client_is_built_at_import_time(path):
    assert _module_level_calls(path) == []


HANDLERS = sorted((ROOT / "functions").glob("*/app.py"))


@pytest.mark.parametrize("path", HANDLERS, ids=lambda p: p.parent.name)
def test_handlers_are_thin_and_read_no_environment(path):
    source = path.read_text()
    assert "os.environ" not in source and "getenv" not in source
    assert len(source.splitlines()) < 80
    assert _imports(path).isdisjoint({"boto3", "botocore", "praw", "nltk"})
