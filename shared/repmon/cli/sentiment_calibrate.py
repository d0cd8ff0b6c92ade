"""`repmon sentiment calibrate`: choose the CX scorer's three numbers set on labelled data.

    repmon sentiment calibrate --data airline_tweets.csv [--ground-truth hutto_ICWSM_2014/] [--folds 5]

The learned layer's share of the score and the two label bars (`CxVaderScorer.LEARNED_WEIGHT`,
`LEARNED_NEGATIVE_BELOW`, `LEARNED_POSITIVE_ABOVE`) are the only numbers set on a labelled file that
may not be trained on. This prints, for each share, the bars that give the best macro-F1 plus
complaint recall at complaint precision >= 0.80 on the file reweighted to the customer-traffic mix
(`sentiment_eval.MIX`); with --ground-truth, the share's correlation with VADER's rated tweets, and
shares under plain VADER's are not chosen (a gain on complaints must not cost general sentiment).
Then the same choice made on k-1 of k folds and applied to the k-th, pooled: whether the in-sample
figures are an overfit. Nothing is written: the numbers go into the code by hand, with the README.

Every text is read by the rules and the layer once; a choice is then a few bisections (a text the
rules read as a failure is negative whatever the bars; the others are sorted by score).
"""

from __future__ import annotations

import argparse
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from itertools import accumulate
from pathlib import Path
from typing import TextIO

from repmon.cli.sentiment_eval import MIX, mix_weights, pearson, read_ground_truth, read_labelled
from repmon.domain.cx_learned import combined_score, fuse
from repmon.domain.errors import InvalidConfig
from repmon.domain.language import UNDETERMINED, detect_language
from repmon.domain.models import LABELS

SHARES = (0.20, 0.25, 0.30, 0.35, 0.40, 0.45, 0.50)
NEGATIVE_BARS = tuple(round(-0.40 + 0.01 * i, 2) for i in range(41))  # -0.40 .. 0.00
POSITIVE_BARS = tuple(round(0.30 + 0.05 * i, 2) for i in range(9))  # 0.30 .. 0.70
MIN_PRECISION = 0.80


@dataclass(frozen=True, slots=True)
class Reading:
    """What the scorer needs to score a text at any share and bars: rules' score, layer, failure."""

    rules: float
    probabilities: tuple[float, float, float]
    failure: bool


@dataclass(frozen=True, slots=True)
class Choice:
    share: float
    negative_below: float
    positive_above: float
    macro_f1: float
    recall: float
    precision: float

    @property
    def objective(self) -> float:
        return self.macro_f1 + self.recall


def readings(scorer: object, texts: list[str]) -> list[Reading | None]:
    """Each text's reading (None: the scorer leaves it unscored, as it does empty or foreign text)."""
    from repmon.adapters.vader_scorer import CxVaderScorer

    assert isinstance(scorer, CxVaderScorer) and scorer.model is not None
    out: list[Reading | None] = []
    for text in texts:
        if not text.strip() or detect_language(text) not in ("en", UNDETERMINED):
            out.append(None)
            continue
        reading = scorer.rule_reading(text)
        probabilities = scorer.model.probabilities(reading.normalised, reading.signals)
        out.append(Reading(reading.score, probabilities, reading.reads_failure))
    return out


class _Share:
    """The texts at one share: failures (negative whatever the bars) apart, the rest sorted by score,
    with running sums of each gold label's weight, so any bars' confusion counts are two bisections."""

    def __init__(self, share: float, items: list[tuple[Reading | None, int, float]]) -> None:
        self.gold = [0.0, 0.0, 0.0]
        self.failures = [0.0, 0.0, 0.0]
        scored: list[tuple[float, int, float]] = []
        for reading, label, weight in items:
            self.gold[label] += weight
            if reading is None:
                continue
            if reading.failure:
                self.failures[label] += weight
            else:
                scored.append((fuse(reading.rules, reading.probabilities, share), label, weight))
        scored.sort()
        self.scores = [score for score, _, _ in scored]
        self.running = [
            [0.0, *accumulate(weight if label == k else 0.0 for _, label, weight in scored)] for k in range(3)
        ]

    def counts(self, negative_below: float, positive_above: float) -> list[list[float]]:
        """counts[predicted][gold] weight; predicted 0 negative, 1 neutral, 2 positive."""
        low = bisect_right(self.scores, negative_below)
        high = max(bisect_left(self.scores, positive_above), low)
        end = len(self.scores)
        return [
            [self.failures[k] + self.running[k][low] for k in range(3)],
            [self.running[k][high] - self.running[k][low] for k in range(3)],
            [self.running[k][end] - self.running[k][high] for k in range(3)],
        ]


def _measure(counts: list[list[float]], gold: list[float]) -> tuple[float, float, float]:
    """(macro-F1, negative recall, negative precision), as `sentiment_eval.metrics` computes them."""
    f1s, recall, precision = [], 0.0, 0.0
    for c in range(3):
        p = counts[c][c] / max(sum(counts[c]), 1e-9)
        r = counts[c][c] / max(gold[c], 1e-9)
        f1s.append(2 * p * r / (p + r) if p + r else 0.0)
        if c == 0:
            recall, precision = r, p
    return sum(f1s) / 3, recall, precision


def best_bars(share: float, items: list[tuple[Reading | None, int, float]]) -> Choice | None:
    """The bars with the best macro-F1 + recall at precision >= MIN_PRECISION (None: none reach it)."""
    table, best = _Share(share, items), None
    for negative_below in NEGATIVE_BARS:
        for positive_above in POSITIVE_BARS:
            f1, recall, precision = _measure(table.counts(negative_below, positive_above), table.gold)
            if precision < MIN_PRECISION:
                continue
            choice = Choice(share, negative_below, positive_above, f1, recall, precision)
            if best is None or choice.objective > best.objective:
                best = choice
    return best


def predict(reading: Reading | None, choice: Choice) -> str | None:
    """The label the scorer gives with `choice`'s numbers."""
    if reading is None:
        return None
    score = combined_score(
        reading.rules, reading.probabilities, choice.share, reading.failure, choice.negative_below
    )
    if score <= choice.negative_below:
        return "negative"
    return "positive" if score >= choice.positive_above else "neutral"


def _correlation(choice: Choice, rated: list[tuple[float, Reading | None]]) -> float:
    """Pearson r of the scorer's score with `choice`'s numbers against people's ratings."""
    scores = [
        0.0
        if reading is None
        else combined_score(
            reading.rules, reading.probabilities, choice.share, reading.failure, choice.negative_below
        )
        for _, reading in rated
    ]
    return pearson([rating for rating, _ in rated], scores)


def choose(
    items: list[tuple[Reading | None, int, float]], eligible: tuple[float, ...] = SHARES
) -> Choice | None:
    """The best choice over the eligible shares."""
    found = [choice for share in eligible if (choice := best_bars(share, items)) is not None]
    return max(found, key=lambda choice: choice.objective, default=None)


def cross_validate(
    readings_: list[Reading | None], gold: list[str], folds: int, eligible: tuple[float, ...]
) -> tuple[list[Choice | None], dict[str, float]]:
    """Choose on all folds but one, label that one; the choices and the pooled, reweighted metrics."""
    from repmon.cli.sentiment_eval import metrics

    predicted: list[str | None] = [None] * len(gold)
    chosen: list[Choice | None] = []
    for fold in range(folds):
        train = [i for i in range(len(gold)) if i % folds != fold]
        weights = mix_weights([gold[i] for i in train]) or [1.0] * len(train)
        choice = choose(
            [(readings_[i], LABELS.index(gold[i]), w) for i, w in zip(train, weights, strict=True)], eligible
        )
        chosen.append(choice)
        for i in range(fold, len(gold), folds):
            predicted[i] = predict(readings_[i], choice) if choice else None
    return chosen, metrics(gold, predicted, mix_weights(gold))


def _describe(choice: Choice | None) -> str:
    if choice is None:
        return f"none reaches precision {MIN_PRECISION:.2f}"
    return (
        f"share {choice.share:.2f}, negative at <= {choice.negative_below:+.2f}, "
        f"positive at >= {choice.positive_above:.2f}"
    )


def _checked(args: argparse.Namespace) -> Path | None:
    """The tweets file (None without --ground-truth); InvalidConfig for a path or count that is wrong,
    before anything is scored."""
    if not args.data.is_file():
        raise InvalidConfig(f"--data {args.data}: no such file (a labelled CSV)")
    if args.folds < 2:
        raise InvalidConfig(f"--folds {args.folds}: at least 2")
    if args.ground_truth is None:
        return None
    tweets: Path = args.ground_truth / "tweets_GroundTruth.txt"
    if not tweets.is_file():
        raise InvalidConfig(f"--ground-truth {args.ground_truth}: no tweets_GroundTruth.txt in this folder")
    return tweets


def _rated(scorer: object, tweets: Path) -> tuple[list[tuple[float, Reading | None]], float]:
    """VADER's rated tweets as readings, and plain VADER's correlation with them (the floor)."""
    from repmon.adapters.vader_scorer import PlainVaderScorer

    rows = read_ground_truth(tweets)
    ratings = [rating for rating, _ in rows]
    rated = list(zip(ratings, readings(scorer, [text for _, text in rows]), strict=True))
    plain = PlainVaderScorer()
    return rated, pearson(ratings, [plain.score(text).score for _, text in rows])


def _share_rows(
    items: list[tuple[Reading | None, int, float]],
    rated: list[tuple[float, Reading | None]],
    floor: float | None,
    stdout: TextIO,
) -> tuple[float, ...]:
    """Print each share's best bars (and tweets r); the shares that may be chosen."""
    eligible = []
    for share in SHARES:
        choice = best_bars(share, items)
        if choice is None:
            stdout.write(f"{share:>6.2f}  {_describe(None)}\n")
            continue
        r = _correlation(choice, rated) if rated else None
        stdout.write(
            f"{share:>6.2f}{choice.negative_below:>10.2f}{choice.positive_above:>10.2f}"
            f"{choice.macro_f1:>10.3f}{choice.recall:>8.3f}{choice.precision:>11.3f}"
            + (f"{r:>10.3f}" if r is not None else "")
            + "\n"
        )
        if floor is None or (r is not None and r >= floor):
            eligible.append(share)
    return tuple(eligible)


def run_calibrate(args: argparse.Namespace, stdout: TextIO) -> int:
    from repmon.adapters.vader_scorer import CxVaderScorer

    tweets = _checked(args)
    texts, gold = read_labelled(args.data)
    weights = mix_weights(gold) or [1.0] * len(gold)
    scorer = CxVaderScorer()
    read = readings(scorer, texts)
    items = [(reading, LABELS.index(label), w) for reading, label, w in zip(read, gold, weights, strict=True)]
    rated, floor = _rated(scorer, tweets) if tweets is not None else ([], None)
    shares = "/".join(f"{MIX[label] * 100:.0f}" for label in LABELS)
    stdout.write(
        f"{len(texts)} labelled texts from {args.data}, reweighted to a {shares} mix; "
        f"best macro-F1 + complaint recall at complaint precision >= {MIN_PRECISION:.2f}\n"
        f"{'share':>6}{'negative':>10}{'positive':>10}{'macro-F1':>10}{'recall':>8}{'precision':>11}"
        + (f"{'tweets r':>10}" if rated else "")
        + "\n"
    )
    eligible = _share_rows(items, rated, floor, stdout)
    if floor is not None:
        stdout.write(f"plain VADER's tweets r: {floor:.3f}; shares under it are not chosen\n")
    if eligible:
        stdout.write(f"chosen: {_describe(choose(items, eligible))}\n")
    else:
        stdout.write("chosen: none (no share keeps the tweets r at plain VADER's)\n")
    now = Choice(
        CxVaderScorer.LEARNED_WEIGHT,
        CxVaderScorer.LEARNED_NEGATIVE_BELOW,
        CxVaderScorer.LEARNED_POSITIVE_ABOVE,
        0.0,
        0.0,
        0.0,
    )
    stdout.write(f"in the code (CxVaderScorer.LEARNED_*): {_describe(now)}\n")
    chosen, pooled = cross_validate(read, gold, args.folds, eligible)
    stdout.write(f"\nchosen on {args.folds - 1} of {args.folds} folds, applied to the other:\n")
    for fold, choice in enumerate(chosen):
        stdout.write(f"  fold {fold}: {_describe(choice)}\n")
    stdout.write(
        f"  pooled: macro-F1 {pooled['macro_f1']:.3f}, complaint recall {pooled['negative_recall']:.3f} "
        f"@ precision {pooled['negative_precision']:.3f}\n"
    )
    return 0


def add_calibrate_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data", type=Path, required=True, help="labelled CSV (text, airline_sentiment or label)"
    )
    parser.add_argument(
        "--ground-truth",
        type=Path,
        help="folder of VADER's *_GroundTruth.txt: keep tweets correlation >= plain VADER's (default: none)",
    )
    parser.add_argument("--folds", type=int, default=5, help="folds for the cross-check (default: 5)")
