"""checkov on the transformed template reports nothing unexplained: each accepted finding is in
infra/checkov-skips.yaml with its reason, on resources that exist. checkov is not a dependency of
the package: `make dev` installs it in a venv of its own (.venv/checkov), where the last test finds
it (or CHECKOV names an executable)."""

from __future__ import annotations

import importlib.util
import os
import shutil
from pathlib import Path
from types import ModuleType

import pytest

from repmon.localstack.template_loader import REPO_ROOT, transformed_template


def _runner() -> ModuleType:
    path = REPO_ROOT / "infra" / "checkov_template.py"
    spec = importlib.util.spec_from_file_location("checkov_template", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_accepted_finding_names_existing_resources_and_a_reason() -> None:
    skips = _runner().load_skips()
    resources = transformed_template()["Resources"]
    assert skips
    for resource, entries in skips.items():
        assert resource in resources, f"{resource} is in the skip list but not in the template"
        for entry in entries:
            assert entry["id"].startswith("CKV_AWS_"), entry
            assert len(entry["comment"]) > 40, entry  # a reason, not a placeholder


def test_the_annotated_template_carries_each_skip_on_its_resource() -> None:
    runner = _runner()
    annotated = runner.annotated_template()
    for resource, entries in runner.load_skips().items():
        skipped = annotated["Resources"][resource]["Metadata"]["checkov"]["skip"]
        assert [s["id"] for s in skipped] == [e["id"] for e in entries]


def _checkov() -> str | None:
    own_venv = REPO_ROOT / ".venv" / "checkov" / "bin" / "checkov"
    return os.environ.get("CHECKOV") or (str(own_venv) if own_venv.exists() else shutil.which("checkov"))


@pytest.mark.slow
@pytest.mark.skipif(_checkov() is None, reason="no checkov: run `make dev` (or set CHECKOV=/path/to/checkov)")
def test_checkov_reports_no_unexplained_finding(capfd: pytest.CaptureFixture[str]) -> None:
    checkov = _checkov() or ""
    status = _runner().main(["checkov_template", str(Path(checkov))])
    out = capfd.readouterr().out
    assert status == 0, out
    assert "Failed checks: 0" in out
