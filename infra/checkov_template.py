"""checkov on template.yaml as CloudFormation deploys it (after the SAM transform), with the accepted
findings of infra/checkov-skips.yaml attached to their resources as checkov's inline skips, so
checkov prints each one as skipped with its reason and fails on anything else.

    .venv/bin/python infra/checkov_template.py [path/to/checkov]    # default: checkov on PATH

checkov is not a dependency of the project (install it in a venv of its own); exit status is
checkov's: 0 when every finding is fixed or accepted in the skip list.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import yaml

from repmon.localstack.template_loader import transformed_template

SKIPS_PATH = Path(__file__).with_name("checkov-skips.yaml")


def load_skips(path: Path = SKIPS_PATH) -> dict[str, list[dict[str, str]]]:
    """The skip list by resource: {logical id: [{"id": check, "comment": reason}]}."""
    by_resource: dict[str, list[dict[str, str]]] = {}
    for check, entry in yaml.safe_load(path.read_text(encoding="utf-8")).items():
        for resource in entry["resources"]:
            by_resource.setdefault(resource, []).append(
                {"id": check, "comment": " ".join(entry["reason"].split())}
            )
    return by_resource


def annotated_template(skips: dict[str, list[dict[str, str]]] | None = None) -> dict[str, Any]:
    """The transformed template with each accepted finding as Metadata.checkov.skip on its resource."""
    template = transformed_template()
    for resource, entries in (load_skips() if skips is None else skips).items():
        metadata = template["Resources"][resource].setdefault("Metadata", {})
        metadata.setdefault("checkov", {}).setdefault("skip", []).extend(entries)
    return template


def main(argv: list[str]) -> int:
    checkov = argv[1] if len(argv) > 1 else shutil.which("checkov")
    if not checkov:
        print("error: checkov not found: pass its path, e.g. /tmp/checkov-venv/bin/checkov", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "template.json"
        path.write_text(json.dumps(annotated_template(), indent=1, default=str), encoding="utf-8")
        command = [checkov, "-f", str(path), "--framework", "cloudformation", "--compact", "--quiet"]
        # Offline: no download of Bridgecrew's guidelines or external checks
        command.append("--skip-download")
        environment = os.environ | {"BC_SKIP_MAPPING": "TRUE"}
        return subprocess.run(command, check=False, env=environment).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv))
