"""Build the CX scorer's learned layer from GoEmotions: `cx_weights.json`, the same bytes every run.

    python -m repmon.cli.sentiment_train --data ../shared/data/goemotions [--out FILE]

Reads `train.tsv`, `labels.txt` and `sentiment_dict.json` from --data (the GoEmotions files, CC BY
4.0). Each comment becomes negative, neutral or positive as the authors group the emotions
(ambiguous emotions count as neutral); a comment labelled both positive and negative is dropped
(mixed: it taught the layer nothing in a first trial). The layer is a three-class logistic regression
over hashed words and negated words plus the rules' dense signals
(`repmon.domain.cx_learned`), fitted by plain SGD in pure Python and stopped early: after each epoch
the log-loss on `dev.tsv` (held out) is measured, and the epoch before it stops falling is kept.
Python floats give the same bits on every machine, so a rebuild matches the committed file byte for
byte (numpy's vectorised sums and exp do not promise that across CPUs).
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
from collections.abc import Sequence
from pathlib import Path

from repmon.domain.cx_learned import hashed_features, softmax
from repmon.domain.errors import InvalidConfig

BUCKETS = 2**14
#: At most this many passes; early stopping on dev.tsv usually ends sooner.
EPOCHS = 8
LEARNING_RATE = 0.5
SEED = 13
#: 16-bit weights: the largest weight maps to this integer.
_QUANT = 32767

Example = tuple[list[int], float, tuple[float, ...], int]


def read_goemotions(folder: Path, split: str = "train.tsv") -> list[tuple[str, int]]:
    """(text, class) of each comment of `split` that is not mixed: 0 negative, 1 neutral, 2 positive."""
    try:
        labels = (folder / "labels.txt").read_text(encoding="utf-8").split()
        groups = json.loads((folder / "sentiment_dict.json").read_text(encoding="utf-8"))
        lines = (folder / split).read_text(encoding="utf-8").splitlines()
    except OSError as error:
        raise InvalidConfig(f"--data {folder}: {error.strerror or error} ({error.filename})") from None
    except ValueError as error:
        raise InvalidConfig(f"--data {folder}/sentiment_dict.json: not JSON: {error}") from None
    positive, negative = set(groups["positive"]), set(groups["negative"])
    rows = []
    for number, line in enumerate(lines, 1):
        parts = line.split("\t")
        try:
            names = {labels[int(index)] for index in parts[1].split(",")}
        except (IndexError, ValueError):
            raise InvalidConfig(f"{folder}/{split}:{number}: labels: not label numbers") from None
        is_positive, is_negative = bool(names & positive), bool(names & negative)
        if not (is_positive and is_negative):
            rows.append((parts[0], 0 if is_negative else 2 if is_positive else 1))
    return rows


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


def fit(
    data: list[Example], held_out: list[Example], buckets: int, epochs: int, rate: float, seed: int
) -> dict[str, object]:
    """Three-class logistic regression by SGD, step `rate / (1 + epoch)`, in a seeded order, stopped
    at the epoch whose log-loss on `held_out` is lowest (the first epoch that does not improve ends it)."""
    signals = len(data[0][2])
    weights = [0.0] * (buckets * 3)
    signal_weights = [[0.0] * 3 for _ in range(signals)]
    bias = [0.0] * 3
    order = list(range(len(data)))
    shuffle = random.Random(seed)
    best = (math.inf, 0, weights[:], [row[:] for row in signal_weights], bias[:])
    for epoch in range(epochs):
        shuffle.shuffle(order)
        step = rate / (1 + epoch)
        for i in order:
            logits = _logits(weights, signal_weights, bias, data[i])
            _step(weights, signal_weights, bias, data[i], logits, step)
        loss = _log_loss(weights, signal_weights, bias, held_out)
        if loss >= best[0]:
            break
        best = (loss, epoch + 1, weights[:], [row[:] for row in signal_weights], bias[:])
    _, kept, weights, signal_weights, bias = best
    return _document(buckets, weights, signal_weights, bias, kept, rate, seed)


def _log_loss(
    weights: list[float], signal_weights: list[list[float]], bias: list[float], data: list[Example]
) -> float:
    total = sum(-math.log(softmax(_logits(weights, signal_weights, bias, ex))[ex[3]] + 1e-12) for ex in data)
    return total / max(len(data), 1)


def _logits(
    weights: list[float], signal_weights: list[list[float]], bias: list[float], ex: Example
) -> list[float]:
    slots, value, dense, _ = ex
    return [
        bias[c]
        + value * sum(weights[slot * 3 + c] for slot in slots)
        + sum(row[c] * signal for row, signal in zip(signal_weights, dense, strict=True))
        for c in range(3)
    ]


def _step(
    weights: list[float],
    signal_weights: list[list[float]],
    bias: list[float],
    ex: Example,
    logits: Sequence[float],
    step: float,
) -> None:
    slots, value, dense, label = ex
    probabilities = softmax(logits)
    for c in range(3):
        gradient = step * (probabilities[c] - (c == label))
        bias[c] -= gradient
        for row, signal in zip(signal_weights, dense, strict=True):
            row[c] -= gradient * signal
        for slot in slots:
            weights[slot * 3 + c] -= gradient * value


def _document(
    buckets: int,
    weights: list[float],
    signal_weights: list[list[float]],
    bias: list[float],
    epochs: int,
    rate: float,
    seed: int,
) -> dict[str, object]:
    from repmon.adapters.cx_model import FORMAT, encode_weights

    scale = max(abs(w) for w in weights) / _QUANT or 1.0
    return {
        "format": FORMAT,
        "about": "CX scorer learned layer (repmon.domain.cx_learned); trained on GoEmotions "
        "(Demszky et al., ACL 2020; CC BY 4.0) by repmon.cli.sentiment_train",
        "training": {"buckets": buckets, "epochs": epochs, "learning_rate": rate, "seed": seed},
        "buckets": buckets,
        "scale": float(f"{scale:.9g}"),
        "signal_weights": [[round(w, 6) for w in row] for row in signal_weights],
        "bias": [round(b, 6) for b in bias],
        "weights": encode_weights([round(w / scale) for w in weights]),
    }


def build(folder: Path, out: Path) -> int:
    rows, held_out = read_goemotions(folder), read_goemotions(folder, "dev.tsv")
    if not rows or not held_out:
        raise InvalidConfig(f"--data {folder}: no labelled comments in train.tsv or dev.tsv")
    train, dev = examples(rows, BUCKETS), examples(held_out, BUCKETS)
    document = fit(train, dev, BUCKETS, EPOCHS, LEARNING_RATE, SEED)
    out.write_text(json.dumps(document, indent=1) + "\n", encoding="utf-8")
    return len(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m repmon.cli.sentiment_train",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--data", type=Path, required=True, help="the GoEmotions folder (train.tsv ...)")
    from repmon.adapters.cx_model import WEIGHTS_FILE

    parser.add_argument("--out", type=Path, default=WEIGHTS_FILE, help=f"(default: {WEIGHTS_FILE})")
    args = parser.parse_args(argv)
    try:
        count = build(args.data, args.out)
    except InvalidConfig as error:
        print(f"sentiment train: {error}", file=sys.stderr)
        return 2
    print(f"{args.out}: trained on {count} comments")
    return 0


if __name__ == "__main__":
    sys.exit(main())
