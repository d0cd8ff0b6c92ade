"""Run every benchmark: `make bench` or `.venv/bin/python -m tests.bench [name ...]`.

Each `tests/bench/bench_*.py` module's `main()` runs in turn under a heading. A benchmark that fails
prints its traceback and the others still run (one broken bench should not hide the other numbers);
the exit status is non-zero when any failed. Names on the command line ("pipeline", "bench_export")
run only those.
"""

from __future__ import annotations

import importlib
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path

_HERE = Path(__file__).resolve().parent
_PACKAGE = __package__ or "tests.bench"


def discover(only: list[str] | None = None) -> list[str]:
    """Module names of the benchmarks, sorted so the output is in a stable order."""
    names = sorted(path.stem for path in _HERE.glob("bench_*.py"))
    if only:
        wanted = {name if name.startswith("bench_") else f"bench_{name}" for name in only}
        names = [name for name in names if name in wanted]
    return names


def _entry_point(module_name: str) -> Callable[[], object]:
    main = getattr(importlib.import_module(f"{_PACKAGE}.{module_name}"), "main", None)
    if not callable(main):
        raise TypeError(f"{module_name} has no main()")
    return main


def _call_with_clean_argv(module_name: str, main: Callable[[], object]) -> None:
    """Run main() as if started alone: benches that read sys.argv must not see our module names."""
    saved = sys.argv
    sys.argv = [str(_HERE / f"{module_name}.py")]
    try:
        main()
    finally:
        sys.argv = saved


def run_one(module_name: str) -> bool:
    """Import the module and run its main(); True when it finished without raising."""
    print(f"\n=== {module_name} " + "=" * max(3, 72 - len(module_name)), flush=True)
    started = time.perf_counter()
    try:
        _call_with_clean_argv(module_name, _entry_point(module_name))
    except (Exception, SystemExit) as error:
        # SystemExit too: a bench calling sys.exit(1) has failed, but must not end the run.
        if isinstance(error, SystemExit) and error.code in (None, 0):
            return _done(module_name, started, ok=True)
        traceback.print_exc()
        return _done(module_name, started, ok=False)
    return _done(module_name, started, ok=True)


def _done(module_name: str, started: float, *, ok: bool) -> bool:
    status = "ok" if ok else "FAILED"
    print(f"--- {module_name}: {status} in {time.perf_counter() - started:.1f}s", flush=True)
    return ok


def main(argv: list[str] | None = None) -> int:
    names = discover(sys.argv[1:] if argv is None else argv)
    if not names:
        print("no benchmarks matched", file=sys.stderr)
        return 2
    failed = [name for name in names if not run_one(name)]
    print(
        f"\n{len(names) - len(failed)}/{len(names)} benchmarks ok" + (f"; failed: {failed}" if failed else "")
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
