"""`repmon sentiment eval`: plain VADER against our scorer, on labelled data and on human ratings.

    repmon sentiment eval --data airline_tweets.csv [--ground-truth hutto_ICWSM_2014/]

--data: a CSV with `text` and `airline_sentiment` (or `label`) columns; prints accuracy, macro-F1 and
per-class precision/recall. --ground-truth: the folder of VADER's own human-rated sets
(`*_GroundTruth.txt`: id, mean human rating -4..4, text; shipped in the vaderSentiment sdist on PyPI);
prints the Pearson correlation of each scorer's score with the human ratings, the check that tuning
for customer-service language has not hurt general sentiment, and how often each score takes the
side of a clear rating (|rating| >= 1; a score of 0 takes none). --reviews (default: our own review set,
`sentiment_reviews`): how often each scorer agrees with the reviewers' stars, without and with them.
A path that is not there is an error (exit 2) found before anything is scored: a typo must not pass
for a run.
"""

from __future__ import annotations

import argparse
import csv
import math
from pathlib import Path
from typing import TextIO

from repmon.cli.sentiment_reviews import REVIEW_SET, review_table
from repmon.domain.errors import InvalidConfig
from repmon.domain.models import LABELS, Sentiment
from repmon.ports import SentimentScorer


def metrics(
    gold: list[str], predicted: list[str | None], weights: list[float] | None = None
) -> dict[str, float]:
    """Accuracy, macro-F1 and per-class precision/recall; an unscored prediction counts as wrong.

    `weights` count each text that many times (a reweighted class mix); 1 each by default.
    """
    weights = weights or [1.0] * len(gold)
    rows = list(zip(gold, predicted, weights, strict=True))
    result = {"accuracy": sum(w for g, p, w in rows if g == p) / max(sum(weights), 1e-9)}
    f1_sum = 0.0
    for label in LABELS:
        hits = sum(w for g, p, w in rows if g == p == label)
        precision = hits / max(sum(w for _, p, w in rows if p == label), 1e-9)
        recall = hits / max(sum(w for g, _, w in rows if g == label), 1e-9)
        result[f"{label}_precision"], result[f"{label}_recall"] = precision, recall
        f1_sum += 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    result["macro_f1"] = f1_sum / len(LABELS)
    return result


def read_labelled(path: Path) -> tuple[list[str], list[str]]:
    """(texts, gold labels) from a CSV with a `text` column and an `airline_sentiment` or `label` one."""
    texts, gold = [], []
    # A stray non-UTF-8 byte becomes U+FFFD in its own text: one row scored a little off, none lost.
    with path.open(newline="", encoding="utf-8", errors="replace") as handle:
        rows = csv.DictReader(handle)
        try:
            for row in rows:
                label = (row.get("airline_sentiment") or row.get("label") or "").strip().lower()
                if label in LABELS and row.get("text"):
                    texts.append(row["text"])
                    gold.append(label)
        except csv.Error as exc:
            raise InvalidConfig(f"{path}:{rows.line_num}: not CSV: {exc}") from None
    if not texts:
        raise InvalidConfig(
            f"{path}: no labelled rows (need a `text` column and an `airline_sentiment` or `label` "
            f"column holding {', '.join(LABELS)})"
        )
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


#: Customer-service traffic is less one-sided than complaint-heavy sets: negative/neutral/positive.
MIX: dict[str, float] = {"negative": 0.46, "neutral": 0.30, "positive": 0.24}


def mix_weights(gold: list[str]) -> list[float] | None:
    """Weights that make the labels' shares `MIX` (None when a label is missing: no reweighting)."""
    counts: dict[str, int] = {label: gold.count(label) for label in LABELS}
    if not all(counts.values()):
        return None
    return [MIX[label] * len(gold) / counts[label] for label in gold]


def evaluate(path: Path, scorers: dict[str, SentimentScorer], stdout: TextIO) -> int:
    try:
        texts, gold = read_labelled(path)
    except OSError as exc:
        raise InvalidConfig(f"{path}: cannot read: {exc.strerror or exc}") from None
    predicted: dict[str, list[str | None]] = {}
    for name, scorer in scorers.items():
        verdicts: list[Sentiment] = [scorer.score(text) for text in texts]
        predicted[name] = [verdict.label for verdict in verdicts]
    results = {name: metrics(gold, labels) for name, labels in predicted.items()}
    stdout.write(f"{len(texts)} labelled texts from {path}\n" + "\n".join(_table(results)) + "\n")
    weights = mix_weights(gold)
    if weights is not None:
        mixed = {name: metrics(gold, labels, weights) for name, labels in predicted.items()}
        shares = "/".join(f"{MIX[label] * 100:.0f}" for label in LABELS)
        stdout.write(f"\nreweighted to a {shares} negative/neutral/positive mix\n")
        stdout.write("\n".join(_table(mixed)) + "\n")
    return 0


def pearson(xs: list[float], ys: list[float]) -> float:
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    cov = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    spread = math.sqrt(sum((x - mx) ** 2 for x in xs) * sum((y - my) ** 2 for y in ys))
    return cov / spread if spread else 0.0


def read_ground_truth(path: Path) -> list[tuple[float, str]]:
    """(mean human rating, text) per line of a VADER `*_GroundTruth.txt` file (tab separated)."""
    rows = []
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        parts = line.split("\t")
        if len(parts) >= 3:
            try:
                rows.append((float(parts[1]), parts[2]))
            except ValueError:
                continue
        # Lines that are not id/rating/text are headers or blanks.
    return rows


def _ground_truth_files(folder: Path) -> list[Path]:
    """The human-rated sets in `folder`; InvalidConfig when there are none to read."""
    if not folder.is_dir():
        raise InvalidConfig(f"--ground-truth {folder}: {_missing(folder, 'folder')}")
    files = sorted(folder.glob("*_GroundTruth.txt"))
    if not files:
        raise InvalidConfig(
            f"--ground-truth {folder}: no *_GroundTruth.txt files (VADER's human-rated sets) in this folder"
        )
    return files


def _missing(path: Path, kind: str) -> str:
    return f"not a {kind}" if path.exists() else "no such file or folder"


#: People's mean rating (-4..4) at least this far from 0: a clear opinion, whose side a score must take.
CLEAR_RATING = 1.0


def correlations(files: list[Path], scorers: dict[str, SentimentScorer], stdout: TextIO) -> int:
    """Each scorer's Pearson r with people's ratings, then how often its score takes the side of a
    clear rating (Amazon's snippets are product reviews with the stars withheld)."""
    folder = files[0].parent
    header = f"{'set':<24}{'texts':>7}" + "".join(f"{name:>10}" for name in scorers) + "\n"
    correlated, agreed = [], []
    for path in files:
        rows = read_ground_truth(path)
        scores = [[s.score(text).score for _, text in rows] for s in scorers.values()]
        human = [rating for rating, _ in rows]
        name = path.name.removesuffix("_GroundTruth.txt")
        correlated.append(
            f"{name:<24}{len(rows):>7}" + "".join(f"{pearson(human, v):>10.3f}" for v in scores)
        )
        clear = [i for i, rating in enumerate(human) if abs(rating) >= CLEAR_RATING]
        # A score of exactly 0 takes no side (plain VADER gives 0 to a fifth of Amazon's clear reviews)
        sides = [sum(v[i] * human[i] > 0 for i in clear) / max(len(clear), 1) for v in scores]
        agreed.append(f"{name:<24}{len(clear):>7}" + "".join(f"{a:>10.3f}" for a in sides))
    stdout.write(f"\ncorrelation with human ratings ({folder})\n{header}" + "\n".join(correlated) + "\n")
    stdout.write(f"\nscore on the side of a clear rating (|rating| >= {CLEAR_RATING:g})\n{header}")
    stdout.write("\n".join(agreed) + "\n")
    return 0


def add_eval_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data", type=Path, help="labelled CSV (text, airline_sentiment or label) (default: none)"
    )
    parser.add_argument(
        "--ground-truth", type=Path, help="folder of VADER's *_GroundTruth.txt files (default: none)"
    )
    parser.add_argument(
        "--reviews",
        type=Path,
        default=REVIEW_SET,
        help="reviews with stars (text, stars, domain), read with and without the stars "
        "(default: our own set of 119 reviews, printed with --data or --ground-truth)",
    )


def run_eval(args: argparse.Namespace, scorers: dict[str, SentimentScorer], stdout: TextIO) -> int:
    if args.data is None and args.ground_truth is None:
        raise InvalidConfig("sentiment eval: give --data CSV, --ground-truth DIR or both")
    # Both paths are checked before either is scored: a wrong second path fails at once, not later
    if args.data is not None and not args.data.is_file():
        raise InvalidConfig(f"--data {args.data}: {_missing(args.data, 'file')} (a labelled CSV)")
    if not args.reviews.is_file():
        raise InvalidConfig(
            f"--reviews {args.reviews}: {_missing(args.reviews, 'file')} (reviews with stars)"
        )
    sets = _ground_truth_files(args.ground_truth) if args.ground_truth is not None else []
    if args.data is not None:
        evaluate(args.data, scorers, stdout)
    if sets:
        correlations(sets, scorers, stdout)
    review_table(args.reviews, scorers, stdout)
    return 0
