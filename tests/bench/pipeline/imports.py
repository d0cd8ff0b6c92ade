"""Cold start of each function as Lambda runs it: a fresh interpreter that sees only the layer built by
shared/Makefile (for this machine's platform, from make dev's wheelhouse) and the runtime's boto3;
import app.py, build its deps, which packages load."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from repmon.localstack.artifact import build_layer, runtime_sdk_dir

REPO = Path(__file__).resolve().parents[3]

#: Runs in a fresh interpreter: import app.py by path, then build its dependencies as the first
#: invocation does (wiring is lazy: clients, scorer and lexicon are a cold-start cost too).
_PROBE = """
import importlib, importlib.util, json, sys, time
sys.path[:0] = json.loads(sys.argv[1])
del sys.argv[1]
start = time.perf_counter()
spec = importlib.util.spec_from_file_location("app", sys.argv[1])
module = importlib.util.module_from_spec(spec)
sys.modules["app"] = module
spec.loader.exec_module(module)
imported = time.perf_counter()
at_import = sorted({m.split(".")[0] for m in sys.modules})
deps_s, error = None, None
if len(sys.argv) > 2:
    path, _, name = sys.argv[2].partition(":")
    try:
        getattr(importlib.import_module(path), name)()
        deps_s = time.perf_counter() - imported
    except Exception as exc:
        error = repr(exc)
after = sorted({m.split(".")[0] for m in sys.modules})
print(json.dumps({"import_s": imported - start, "deps_s": deps_s, "at_import": at_import,
                  "after_deps": after, "error": error}))
"""
#: (package, column label): what makes a cold start slow, and what a function has no business loading.
HEAVY = (
    ("boto3", "boto3"),
    ("botocore", "botocore"),
    ("pydantic", "pydantic"),
    ("aws_lambda_powertools", "powertools"),
    ("aws_xray_sdk", "xray"),
    ("requests", "requests"),
    ("praw", "praw"),
    ("nltk", "nltk"),
)
#: What each handler calls first: the wiring that builds its clients and adapters.
_DEPS = {
    "plan_polls": "repmon.runtime.wiring:plan_deps",
    "collect_mentions": "repmon.runtime.wiring:collector",
    "evaluate_reputation": "repmon.runtime.wiring:evaluate_deps",
    "export_for_bi": "repmon.runtime.export_wiring:export_deps",
}
#: Dummy values: settings are validated and clients built in the handler, never at import; building
#: a boto3 client makes no request, and the endpoint is a closed local port all the same.
_FUNCTION_ENV = {
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_REGION": "us-east-1",
    "AWS_ENDPOINT_URL": "http://127.0.0.1:9",
    "POWERTOOLS_METRICS_NAMESPACE": "Repmon",
    "TABLE_NAME": "bench-table",
    "TABLE_ARN": "arn:aws:dynamodb:us-east-1:123456789012:table/bench-table",
    "POLL_QUEUE_URL": "https://sqs.us-east-1.amazonaws.com/123456789012/poll.fifo",
    "REDDIT_POLL_QUEUE_URL": "https://sqs.us-east-1.amazonaws.com/123456789012/reddit.fifo",
    "ALERT_TOPIC_ARN": "arn:aws:sns:us-east-1:123456789012:alerts",
    "EXPORT_BUCKET": "bench-bucket",
}


@dataclass(frozen=True)
class ImportCost:
    function: str
    import_ms: float
    deps_ms: float | None
    at_import: frozenset[str]
    after_deps: frozenset[str]
    top: list[tuple[str, float]]
    error: str | None = None

    def loads(self, package: str) -> str:
        """ "import" when app.py pulls it in, "deps" when only the first invocation does, else "-"."""
        if package in self.at_import:
            return "import"
        return "deps" if package in self.after_deps else "-"


@cache
def _built_paths() -> tuple[str, str]:
    """The built layer's python/ and the runtime's boto3 folder, built once per bench run."""
    root = Path(tempfile.mkdtemp(prefix="repmon-bench-layer-"))
    layer = build_layer(root / "layer", wheelhouse=REPO / ".venv" / "wheelhouse")
    return str(layer), str(runtime_sdk_dir(root / "runtime"))


def import_cost(function: str, rounds: int = 3) -> ImportCost:
    """Best of `rounds` fresh interpreters importing the function's app.py, plus one -X importtime run."""
    app = REPO / "functions" / function / "app.py"
    layer, runtime = _built_paths()
    env = {
        "PATH": os.environ.get("PATH", ""),
        **_FUNCTION_ENV,
        "POWERTOOLS_SERVICE_NAME": function,
        "NLTK_DATA": f"{layer}/nltk_data",
    }
    paths = json.dumps([str(app.parent), layer, runtime])
    args = [paths, str(app), *([_DEPS[function]] if function in _DEPS else [])]
    runs = [_probe(args, env) for _ in range(rounds)]
    traced = subprocess.run(
        [sys.executable, "-I", "-S", "-X", "importtime", "-c", _PROBE, paths, str(app)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    deps = [r["deps_s"] for r in runs if r["deps_s"] is not None]
    return ImportCost(
        function,
        import_ms=min(r["import_s"] for r in runs) * 1000,
        deps_ms=min(deps) * 1000 if deps else None,
        at_import=frozenset(runs[0]["at_import"]),
        after_deps=frozenset(runs[0]["after_deps"]),
        top=_top_packages(traced.stderr),
        error=runs[0]["error"],
    )


def _probe(args: list[str], env: dict[str, str]) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-I", "-S", "-c", _PROBE, *args], env=env, capture_output=True, text=True, check=True
    )
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def _top_packages(importtime: str, count: int = 3) -> list[tuple[str, float]]:
    """The packages whose own module bodies cost the most (summed `self` µs of -X importtime)."""
    spent: Counter[str] = Counter()
    for line in importtime.splitlines():
        parts = line.removeprefix("import time:").split("|")
        if len(parts) == 3 and parts[0].strip().isdigit():
            spent[parts[2].strip().split(".")[0]] += int(parts[0])
    return [(name, us / 1000) for name, us in spent.most_common(count)]


def measure_imports() -> list[ImportCost]:
    return [import_cost(p.parent.name) for p in sorted((REPO / "functions").glob("*/app.py"))]
