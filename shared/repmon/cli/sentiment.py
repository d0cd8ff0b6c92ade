"""`repmon sentiment`: score JSON lines from stdin, or compare the scorers on a labelled file.

    repmon sentiment < mentions.jsonl      one {"id", "text", "rating"?} per line in, one verdict out
    repmon sentiment eval --data PATH      accuracy, macro-F1, per-class P/R: plain VADER vs CX

Every input line gives exactly one output line, in order: a bad line is answered with an error
object, never a crash, so a batch job can zip inputs with outputs. Lines are streamed.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any, TextIO

from repmon.domain.models import LABELS, Sentiment
from repmon.ports import SentimentScorer

USAGE = "usage: repmon sentiment [eval --data PATH]  (JSON lines on stdin)"


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


def metrics(gold: list[str], predicted: list[str | None]) -> dict[str, float]:
    """Accuracy, macro-F1 and per-class precision/recall; an unscored prediction counts as wrong."""
    result = {"accuracy": sum(g == p for g, p in zip(gold, predicted, strict=True)) / max(len(gold), 1)}
    f1_sum = 0.0
    for label in LABELS:
        hits = sum(g == p == label for g, p in zip(gold, predicted, strict=True))
        precision = hits / max(predicted.count(label), 1)
        recall = hits / max(gold.count(label), 1)
        result[f"{label}_precision"], result[f"{label}_recall"] = precision, recall
        f1_sum += 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    result["macro_f1"] = f1_sum / len(LABELS)
    return result


def _labelled(path: Path) -> tuple[list[str], list[str]]:
    """(texts, gold labels) from a CSV with a `text` column and an `airline_sentiment` or `label` one."""
    texts, gold = [], []
    with path.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            label = (row.get("airline_sentiment") or row.get("label") or "").strip().lower()
            if label in LABELS and row.get("text"):
                texts.append(row["text"])
                gold.append(label)
    return texts, gold


def _table(results: dict[str, dict[str, float]]) -> list[str]:
    columns = ["accuracy", "macro_f1"] + [f"{label}_{m}" for label in LABELS for m in ("precision", "recall")]
    header = f"{'scorer':<8}" + "".join(
        f"{c.replace('_precision', ' P').replace('_recall', ' R'):>12}" for c in columns
    )
    lines = [header]
    for name, values in results.items():
        lines.append(f"{name:<8}" + "".join(f"{values[c]:>12.3f}" for c in columns))
    for name, values in results.items():
        recall, precision = values["negative_recall"], values["negative_precision"]
        lines.append(f"{name}: negative recall {recall:.3f} @ precision {precision:.3f}")
    return lines


def evaluate(path: Path, scorers: dict[str, SentimentScorer], stdout: TextIO) -> int:
    if not path.is_file():
        stdout.write(f"No labelled data at {path}: nothing to evaluate (pass --data PATH to a CSV).\n")
        return 0
    texts, gold = _labelled(path)
    results: dict[str, dict[str, float]] = {}
    for name, scorer in scorers.items():
        verdicts: list[Sentiment] = [scorer.score(text) for text in texts]
        results[name] = metrics(gold, [verdict.label for verdict in verdicts])
    stdout.write(f"{len(texts)} labelled texts from {path}\n" + "\n".join(_table(results)) + "\n")
    return 0


def _data_path(args: list[str]) -> Path | None:
    if len(args) == 2 and args[0] == "--data":
        return Path(args[1])
    if len(args) == 1 and args[0].startswith("--data="):
        return Path(args[0].removeprefix("--data="))
    return None


def main(argv: list[str], stdin: TextIO, stdout: TextIO) -> int:
    """Entry point of `repmon sentiment`; the scorers are imported here so other commands stay light."""
    from repmon.adapters.vader_lexicon import LexiconNotInstalled
    from repmon.adapters.vader_scorer import CxVaderScorer, PlainVaderScorer

    try:
        if not argv:
            score_stream(stdin, CxVaderScorer(), stdout)
            return 0
        path = _data_path(argv[1:]) if argv[0] == "eval" else None
        if path is None:
            stdout.write(USAGE + "\n")
            return 2
        return evaluate(path, {"plain": PlainVaderScorer(), "cx": CxVaderScorer()}, stdout)
    except LexiconNotInstalled as error:
        stdout.write(f"{error}\n")
        return 1
