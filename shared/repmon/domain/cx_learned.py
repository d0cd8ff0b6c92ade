"""The learned layer of the CX scorer: a logistic regression over hashed words and the CX rules. Pure.

The rules read customer-service failures; they do not know that "what a gem" or "meh, returned it"
carry an opinion. The learned layer does, from 38k Reddit comments people labelled with emotions
(GoEmotions, CC BY 4.0; see README). Its inputs are the text's words and adjacent word pairs, the
words after a negation marked as negated ("not helpful" is not "helpful"), hashed into `buckets`
slots (no vocabulary to ship: CRC-32, stable across runs and machines, unlike Python's salted
`hash`), scaled to unit length so a long review weighs no more than a tweet; plus dense signals from
the rules: the rule-based CX score and its praise and blame sums (so the words learn what the rules
miss, not what they already read). The rules' names are no input: on Reddit "nobody", "why" and
"never" are mostly not complaints, and a layer that learned so talked service failures down without
catching more of them. Out come probabilities for negative, neutral and positive; `fuse` blends
them with the CX score.

Inference is a few hundred additions in pure Python (numpy is not in the Lambda layer). The weights
are small integers times one `scale`, as the weights file stores them; loading it is an adapter's job.
"""

from __future__ import annotations

import math
import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

CLASSES = ("negative", "neutral", "positive")
#: Words a text contributes at most: a review's opinion is in its first few hundred words, and a
#: 1 MB paste must cost what a long review costs.
MAX_TOKENS = 300
_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?|[!?]|[.,;:]")
#: Punctuation that ends a negation's scope; it is no feature itself.
_SCOPE_END = frozenset(".,;:!?")
_NEGATORS = frozenset(
    {"not", "no", "never", "nothing", "nobody", "none", "cannot", "without", "hardly", "neither", "nor"}
)


def tokens(normalised: str) -> list[str]:
    """Lower-cased words (with their apostrophe: "don't") and punctuation marks, the first `MAX_TOKENS`."""
    found: list[str] = []
    for match in _TOKEN.finditer(normalised.lower()):
        found.append(match.group(0))
        if len(found) == MAX_TOKENS:
            break
    return found


def _is_negator(word: str) -> bool:
    return word in _NEGATORS or word.endswith("n't")


def grams(normalised: str) -> list[str]:
    """The text's features: words (negated ones as "not_word" up to the next punctuation), !/? marks
    and adjacent word pairs."""
    out: list[str] = []
    words: list[str] = []
    negated = False
    for token in tokens(normalised):
        if token in _SCOPE_END:
            negated = False
            if token in "!?":
                out.append(token)
            continue
        out.append(f"not_{token}" if negated else token)
        words.append(token)
        negated = negated or _is_negator(token)
    out += [f"{a} {b}" for a, b in pairwise(words)]
    return out


def hashed_features(normalised: str, buckets: int) -> tuple[list[int], float]:
    """The slots of the text's features (`grams`; sorted, each once) and the value each carries.

    Sorted so that sums run in one order everywhere: training is reproducible to the byte.
    """
    slots = sorted({zlib.crc32(gram.encode()) % buckets for gram in grams(normalised)})
    return slots, (1.0 / math.sqrt(len(slots)) if slots else 0.0)


def softmax(logits: Sequence[float]) -> tuple[float, float, float]:
    top = max(logits)
    exps = [math.exp(value - top) for value in logits]
    total = sum(exps)
    return exps[0] / total, exps[1] / total, exps[2] / total


@dataclass(frozen=True, slots=True)
class LearnedModel:
    """Weights of the layer: `weights[slot * 3 + class]` integers times `scale`, one row per signal."""

    buckets: int
    scale: float
    weights: Sequence[int]
    signal_weights: tuple[tuple[float, float, float], ...]
    bias: tuple[float, float, float]

    def probabilities(self, normalised: str, signals: Sequence[float]) -> tuple[float, float, float]:
        """P(negative), P(neutral), P(positive) of a normalised text and its CX signals."""
        slots, value = hashed_features(normalised, self.buckets)
        weights, unit = self.weights, value * self.scale
        logits = []
        for c in range(3):
            words = sum(weights[slot * 3 + c] for slot in slots)
            dense = sum(row[c] * signal for row, signal in zip(self.signal_weights, signals, strict=True))
            logits.append(self.bias[c] + unit * words + dense)
        return softmax(logits)


def fuse(cx_score: float, probabilities: Sequence[float], weight: float) -> float:
    """The verdict's score: the CX score blended with the layer's P(positive) - P(negative)."""
    learned = probabilities[2] - probabilities[0]
    return round(min(max((1 - weight) * cx_score + weight * learned, -1.0), 1.0), 4)


def combined_score(
    rules_score: float,
    probabilities: Sequence[float],
    weight: float,
    reads_failure: bool,
    negative_below: float,
) -> float:
    """The scorer's score: the fused score, except that a failure the rules read ("the agent
    refused"), one the words of Reddit do not know, may be deepened by the layer (past the label's own
    bar), never talked down."""
    fused = fuse(rules_score, probabilities, weight)
    return min(rules_score, fused, negative_below) if reads_failure else fused


def learned_reason(probabilities: Sequence[float]) -> str:
    """What the layer says, for people: its likeliest class and how sure it is ("learned: negative 0.82")."""
    best = max(range(3), key=lambda c: probabilities[c])
    return f"learned: {CLASSES[best]} {probabilities[best]:.2f}"
