"""The learned layer's weights file: read once per process into a `LearnedModel`.

`cx_weights.json` ships inside the package (the layer build copies the whole repmon folder, and
pyproject's package-data takes every *.json), built by `python -m repmon.cli.sentiment_train` from
GoEmotions with a fixed seed. The word weights are 16-bit integers, little-endian, base64: a third of
the size of JSON numbers and decoded in milliseconds.
"""

from __future__ import annotations

import base64
import json
import sys
from array import array
from pathlib import Path
from typing import Any

from repmon.domain.cx_learned import LearnedModel

WEIGHTS_FILE = Path(__file__).with_name("cx_weights.json")
FORMAT = 1


class WeightsUnreadable(RuntimeError):
    """The weights file is missing or not one this code can read: rebuild it (see README)."""


def encode_weights(values: list[int]) -> str:
    packed = array("h", values)
    if sys.byteorder != "little":
        packed.byteswap()
    return base64.b64encode(packed.tobytes()).decode("ascii")


def decode_weights(text: str) -> array[int]:
    packed = array("h")
    packed.frombytes(base64.b64decode(text))
    if sys.byteorder != "little":
        packed.byteswap()
    return packed


def model_from_json(document: dict[str, Any]) -> LearnedModel:
    if document.get("format") != FORMAT:
        raise WeightsUnreadable(f"weights format {document.get('format')!r}, this code reads {FORMAT}")
    weights = decode_weights(document["weights"])
    buckets = int(document["buckets"])
    if len(weights) != buckets * 3:
        raise WeightsUnreadable(f"{len(weights)} word weights for {buckets} buckets x 3 classes")
    return LearnedModel(
        buckets=buckets,
        scale=float(document["scale"]),
        weights=weights,
        signal_weights=tuple((row[0], row[1], row[2]) for row in document["signal_weights"]),
        bias=(document["bias"][0], document["bias"][1], document["bias"][2]),
    )


def load_model(path: Path = WEIGHTS_FILE) -> LearnedModel:
    """The model in `path` (the shipped weights by default); WeightsUnreadable says what is wrong."""
    try:
        return model_from_json(json.loads(path.read_text(encoding="utf-8")))
    except OSError as error:
        raise WeightsUnreadable(f"{path}: cannot read: {error.strerror or error}") from None
    except (ValueError, KeyError, IndexError, TypeError) as error:
        raise WeightsUnreadable(f"{path}: not a weights file: {error}") from None
