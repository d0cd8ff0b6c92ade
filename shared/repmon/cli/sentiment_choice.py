"""The search behind `repmon sentiment calibrate`: the CX scorer's share and label bars on labelled data.

Every text is read by the rules and the layer once (`readings`); a choice is then a few bisections: a
text the rules read as a failure is negative whatever the bars, the others are sorted by score with
running sums of each gold label's weight (`_Share`). `predict` labels as the scorer does, through the
scorer's own `combined_score`.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from itertools import accumulate
from typing import TYPE_CHECKING

from repmon.cli.sentiment_eval import mix_weights, pearson
from repmon.domain.cx_learned import combined_score, fuse
from repmon.domain.language import scorable
from repmon.domain.models import LABELS, label_for

if TYPE_CHECKING:
    from repmon.adapters.vader_scorer import CxVaderScorer

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

    def score(self, choice: Choice) -> float:
        """The scorer's score with `choice`'s share and negative bar."""
        return combined_score(
            self.rules, self.probabilities, choice.share, self.failure, choice.negative_below
        )


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


def readings(scorer: CxVaderScorer, texts: list[str]) -> list[Reading | None]:
    """Each text's reading (None: the scorer leaves it unscored, as it does empty or foreign text)."""
    model = scorer.model
    if model is None:
        raise ValueError("calibration needs the scorer's learned layer (CxVaderScorer(learned=True))")
    out: list[Reading | None] = []
    for text in texts:
        if not scorable(text):
            out.append(None)
            continue
        reading = scorer.rule_reading(text)
        probabilities = model.probabilities(reading.normalised, reading.signals)
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
    return label_for(reading.score(choice), choice.negative_below, choice.positive_above)


def correlation(choice: Choice, rated: list[tuple[float, Reading | None]]) -> float:
    """Pearson r of the scorer's score with `choice`'s numbers against people's ratings."""
    scores = [0.0 if reading is None else reading.score(choice) for _, reading in rated]
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
