"""`repmon sentiment`: score JSON lines from stdin, or compare the scorers on a labelled file.

    repmon sentiment < mentions.jsonl      one {"id", "text", "rating"?} per line in, one verdict out
    repmon sentiment eval --data PATH [--ground-truth DIR]
                                           plain VADER vs CX: accuracy, macro-F1, per-class P/R on a
                                           labelled CSV; correlation with VADER's human ratings

Every input line gives exactly one output line, in order: a bad line is answered with an error
object, never a crash, so a batch job can zip inputs with outputs. Lines are streamed.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any, TextIO

from repmon.ports import SentimentScorer

USAGE = "usage: repmon sentiment [eval --data PATH [--ground-truth DIR]]  (JSON lines on stdin)"


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
    if not text.strip():
        raise LineError("empty text")
    if rating is not None and (
        isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5
    ):
        raise LineError("rating must be an integer from 1 to 5")
    return item.get("id"), text, rating


def _line_id(line: str) -> Any:
    """The id of a line we reject, when it is an object with one; echoing it lets callers match."""
    try:
        item = json.loads(line, parse_constant=_reject_constant)
    except (ValueError, RecursionError):
        return None
    return item.get("id") if isinstance(item, dict) else None


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


def main(argv: list[str], stdin: TextIO, stdout: TextIO) -> int:
    """Entry point of `repmon sentiment`; the scorers are imported here so other commands stay light."""
    from repmon.adapters.vader_lexicon import LexiconNotInstalled
    from repmon.adapters.vader_scorer import CxVaderScorer, PlainVaderScorer

    try:
        if not argv:
            score_stream(stdin, CxVaderScorer(), stdout)
            return 0
        if argv[0] != "eval":
            stdout.write(USAGE + "\n")
            return 2
        from repmon.cli.sentiment_eval import run_eval

        return run_eval(argv[1:], {"plain": PlainVaderScorer(), "cx": CxVaderScorer()}, stdout)
    except LexiconNotInstalled as error:
        stdout.write(f"{error}\n")
        return 1
