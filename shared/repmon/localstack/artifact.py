"""The Lambda artifact as `sam build` makes it, and handlers run from it alone.

A handler that imports in the dev venv but not from the built layer is a broken release: the venv
holds moto, the test tools and their dependencies, which Lambda never has. `build_layer` runs the
same `shared/Makefile` target as `sam build`; `BuiltArtifact.invoke` runs a handler in a fresh
interpreter whose sys.path is the standard library, the function's folder, the layer's python/
and the boto3 the Lambda runtime provides, in Lambda's order, and nothing else.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from repmon.localstack.template_loader import REPO_ROOT

SHARED_DIR = REPO_ROOT / "shared"
BOOTSTRAP = Path(__file__).with_name("lambda_bootstrap.py")
#: Where Lambda mounts a layer: the deployed environment names paths under it (NLTK_DATA).
LAYER_MOUNT = "/opt/python"
#: What the Lambda Python runtime itself has importable (its boto3 and what boto3 needs).
RUNTIME_PROVIDED = ("boto3", "botocore", "s3transfer", "jmespath", "dateutil", "six", "urllib3")


class HandlerError(RuntimeError):
    """The handler raised: Lambda's error payload, with the traceback printed by the child."""

    def __init__(self, payload: Mapping[str, Any]) -> None:
        super().__init__(f"{payload.get('errorType')}: {payload.get('errorMessage')}")
        self.payload = dict(payload)


def build_layer(artifacts_dir: Path, *, wheelhouse: Path | None = None, python: str = sys.executable) -> Path:
    """`make build-SharedLayer` for this interpreter's platform; returns the layer's python/.

    With a wheelhouse, pip reads only it (PIP_NO_INDEX): a build that needs the network fails.
    """
    env = {**os.environ}
    if wheelhouse is not None:
        env |= {"PIP_NO_INDEX": "1", "PIP_FIND_LINKS": str(wheelhouse)}
    subprocess.run(
        [
            "make",
            "--no-print-directory",
            "-C",
            str(SHARED_DIR),
            "build-SharedLayer",
            f"ARTIFACTS_DIR={artifacts_dir}",
            "LAYER_PLATFORM=host",
            f"PYTHON={python}",
        ],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return artifacts_dir / "python"


def runtime_sdk_dir(dest: Path) -> Path:
    """A folder holding (links to) only the packages the Lambda runtime provides."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in RUNTIME_PROVIDED:
        spec = importlib.util.find_spec(name)
        if spec is None or spec.origin is None:
            raise RuntimeError(f"{name} is not installed here, but the Lambda runtime provides it")
        origin = Path(spec.origin)
        source = origin.parent if origin.name == "__init__.py" else origin
        link = dest / source.name
        if not link.exists():
            link.symlink_to(source)
    return dest


@dataclass(frozen=True)
class BuiltArtifact:
    """Handlers run from a built layer, each invocation a cold start in its own interpreter."""

    layer_python: Path
    runtime_dir: Path
    python: str = sys.executable

    def invoke(self, app_dir: Path, event: Any, env: Mapping[str, str], context: Mapping[str, Any]) -> Any:
        """The handler's return value; HandlerError when it raised (its traceback on stderr)."""
        return self.run(app_dir, event, env, context)["result"]

    def run(
        self, app_dir: Path, event: Any, env: Mapping[str, str], context: Mapping[str, Any]
    ) -> dict[str, Any]:
        """The bootstrap's whole outcome: {"result"} and the top-level modules it loaded."""
        context = {"aws_request_id": str(uuid.uuid4()), **context}
        env = {key: _mounted(value, self.layer_python) for key, value in env.items()}
        with tempfile.TemporaryDirectory(prefix="repmon-invoke-") as tmp:
            request, result = Path(tmp) / "request.json", Path(tmp) / "result.json"
            request.write_text(json.dumps({"event": event, "context": context}, default=str))
            paths = [str(app_dir), str(self.layer_python), str(self.runtime_dir)]
            done = subprocess.run(
                [self.python, "-I", "-S", str(BOOTSTRAP), str(request), str(result), *paths],
                env={"PATH": os.environ.get("PATH", ""), **env},
                capture_output=True,
                text=True,
                timeout=float(context["timeout_seconds"]) + 30,
            )
            # What the handler printed (logs, EMF metrics) is the function's output, as in Lambda
            sys.stdout.write(done.stdout)
            if not result.exists():
                raise HandlerError({"errorType": "Runtime.ExitError", "errorMessage": done.stderr[-2000:]})
            outcome: dict[str, Any] = json.loads(result.read_text())
        if "errorType" in outcome:
            sys.stderr.write("".join(outcome.get("stackTrace", [])))
            raise HandlerError(outcome)
        return outcome


def _mounted(value: str, layer_python: Path) -> str:
    """A deployed variable's value with Lambda's layer mount point replaced by the built layer."""
    if value == LAYER_MOUNT or value.startswith(LAYER_MOUNT + "/"):
        return str(layer_python) + value[len(LAYER_MOUNT) :]
    return value
