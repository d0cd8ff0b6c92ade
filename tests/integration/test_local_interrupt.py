"""Ctrl-C during a local run: the command stops without Powertools' empty-metrics warning (issue 13),
and no other warning is hidden."""

from __future__ import annotations

import warnings
from contextlib import suppress
from pathlib import Path

from repmon.localstack.stack import LocalStack
from tests.integration import stack_fixtures

local_stack = stack_fixtures.local_stack

#: A handler as ours are (Powertools metrics decorator) that records no metric before `stop` happens.
HANDLER = """
import warnings
from aws_lambda_powertools import Metrics

metrics = Metrics(namespace="Repmon")


@metrics.log_metrics
def handler(event, context):
    if event.get("warn"):
        warnings.warn("a real warning", UserWarning)
    if event.get("interrupt"):
        raise KeyboardInterrupt
    return {"ok": True}
"""
EMPTY = "No application metrics to publish"


def _handler_root(tmp_path: Path) -> Path:
    (tmp_path / "plan_polls").mkdir()
    (tmp_path / "plan_polls" / "app.py").write_text(HANDLER)
    return tmp_path


def _invoke(stack: LocalStack, root: Path, event: dict[str, bool]) -> list[str]:
    """The warnings the invocation shows, as messages."""
    with warnings.catch_warnings(record=True) as shown:
        warnings.simplefilter("always")
        with suppress(KeyboardInterrupt):
            stack.invoke("plan_polls", event, functions_root=root)
    return [str(w.message) for w in shown]


def test_an_interrupted_handler_shows_no_empty_metrics_warning(
    local_stack: LocalStack, tmp_path: Path
) -> None:
    # Before: "UserWarning: No application metrics to publish..." on stderr after Ctrl-C
    assert _invoke(local_stack, _handler_root(tmp_path), {"interrupt": True}) == []


def test_other_warnings_still_show_when_interrupted(local_stack: LocalStack, tmp_path: Path) -> None:
    shown = _invoke(local_stack, _handler_root(tmp_path), {"interrupt": True, "warn": True})
    assert shown == ["a real warning"]


def test_a_handler_that_was_not_interrupted_keeps_its_empty_metrics_warning(
    local_stack: LocalStack, tmp_path: Path
) -> None:
    shown = _invoke(local_stack, _handler_root(tmp_path), {"warn": True})
    assert shown[0] == "a real warning" and EMPTY in shown[1] and len(shown) == 2
