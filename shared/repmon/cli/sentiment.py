"""`repmon sentiment`: score JSON lines from stdin, or compare the scorers on a labelled file.

    repmon sentiment < mentions.jsonl      one {"id", "text", "rating"?} per line in, one verdict out
    repmon sentiment eval --data PATH [--ground-truth DIR]
                                           plain VADER vs CX: accuracy, macro-F1, per-class P/R on a
                                           labelled CSV; correlation with VADER's human ratings
    repmon sentiment calibrate --data PATH [--ground-truth DIR] [--folds K]
                                           choose the learned layer's share and the label bars

Every input line gives exactly one output line, in order: a bad line is answered with an error
object, never a crash, so a batch job can zip inputs with outputs. Lines are streamed.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterable
from typing import Any, TextIO

from repmon.cli.sentiment_calibrate import add_calibrate_arguments
from repmon.cli.sentiment_eval import add_eval_arguments
from repmon.domain.errors import InvalidConfig
from repmon.ports import SentimentScorer

_DESCRIPTION = """\
Score JSON lines from stdin, one verdict line out per line in, in order. Lines are streamed.

in:   {"id": any, "text": "...", "rating": 1..5 (optional: a review's stars)}
out:  {"id": ..., "label": "negative"|"neutral"|"positive"|null, "score": -1.0..1.0,
       "language": "en", "reasons": [...]}
      label null: not scored (another language); the reasons say why
bad line:  {"id": ... (when there is one), "label": null, "score": 0.0, "error": "what is wrong"}
"""


class LineError(ValueError):
    """A line we cannot score; the message goes into the output line."""


def _reject_constant(name: str) -> Any:
    raise LineError(f"malformed JSON: {name} is not allowed")


def parse_line(line: str) -> tuple[Any, str, int | None]:
    """(id, text, rating) of one input line; LineError says what is wrong with it."""
    try:
        item = json.loads(line, parse_constant=_reject_constant)
    except (ValueError, RecursionError) as error:
        raise LineError(str(error) if isinstance(error, LineError) else "malformed JSON") from None
    if not isinstance(item, dict):
        raise LineError("not a JSON object")
    text, rating = item.get("text"), item.get("rating")
    if not isinstance(text, str):
        raise LineError("text must be a string")
    for name in ("id", "text"):
        if not _writable(item.get(name)):
            raise LineError(f"{name}: not valid Unicode (a lone surrogate)")
    if not text.strip():
        raise LineError("empty text")
    if rating is not None and (
        isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5
    ):
        raise LineError("rating must be an integer from 1 to 5")
    return item.get("id"), text, rating


def _writable(value: Any) -> bool:
    """Whether `value` can be written as UTF-8: JSON's "\\ud83d" escapes decode to lone surrogates,
    which no UTF-8 stdout accepts, so echoing one would stop the whole run."""
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _line_id(line: str) -> Any:
    """The id of a line we reject, when it is an object with one we can write back; echoing it lets
    callers match."""
    try:
        item = json.loads(line, parse_constant=_reject_constant)
    except (ValueError, RecursionError):
        return None
    item_id = item.get("id") if isinstance(item, dict) else None
    return item_id if _writable(item_id) else None


def score_line(line: str, scorer: SentimentScorer) -> dict[str, Any]:
    """The output object for one input line."""
    try:
        item_id, text, rating = parse_line(line)
    except LineError as error:
        return {"id": _line_id(line), "label": None, "score": 0.0, "error": str(error)}
    verdict = scorer.score(text, rating)
    return {
        "id": item_id,
        "label": verdict.label,
        "score": verdict.score,
        "language": verdict.language,
        "reasons": list(verdict.reasons),
    }


def score_stream(lines: Iterable[str], scorer: SentimentScorer, stdout: TextIO) -> None:
    for line in lines:
        stdout.write(json.dumps(score_line(line.rstrip("\r\n"), scorer), ensure_ascii=False) + "\n")


def parser() -> argparse.ArgumentParser:
    """`repmon sentiment [eval ...]`; argparse answers --help (exit 0) and bad arguments (exit 2)."""
    command = argparse.ArgumentParser(
        prog="repmon sentiment",
        usage="%(prog)s [-h] [eval ...] < mentions.jsonl",
        description=_DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    actions = command.add_subparsers(dest="action", title="commands", prog="repmon sentiment")
    add_eval_arguments(
        actions.add_parser(
            "eval",
            help="compare plain VADER with our scorer on labelled data",
            description="Plain VADER against our scorer: accuracy, macro-F1 and per-class "
            "precision/recall on a labelled CSV; correlation with VADER's human ratings.",
        )
    )
    add_calibrate_arguments(
        actions.add_parser(
            "calibrate",
            help="choose the learned layer's share and the label bars on labelled data",
            description="The CX scorer's three numbers set on labelled data (never trained on it): "
            "for each share of the learned layer, the label bars with the best macro-F1 plus "
            "complaint recall at precision >= 0.80, then the same choice cross-validated.",
        )
    )
    return command


def main(argv: list[str], stdin: TextIO, stdout: TextIO) -> int:
    """Entry point of `repmon sentiment`; the scorers are imported here so other commands stay light."""
    args = parser().parse_args(argv)
    from repmon.adapters.vader_lexicon import LexiconNotInstalled
    from repmon.adapters.vader_scorer import CxVaderScorer, PlainVaderScorer

    try:
        if args.action is None:
            score_stream(stdin, CxVaderScorer(), stdout)
            return 0
        if args.action == "calibrate":
            from repmon.cli.sentiment_calibrate import run_calibrate

            return run_calibrate(args, stdout)
        from repmon.cli.sentiment_eval import run_eval

        return run_eval(args, {"plain": PlainVaderScorer(), "cx": CxVaderScorer()}, stdout)
    except LexiconNotInstalled as error:
        # An installation problem, not a result: stderr and the usage exit code, as every CLI error
        raise InvalidConfig(str(error)) from None
