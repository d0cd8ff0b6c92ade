"""What the CX layer is trained on, read for `repmon.cli.sentiment_train`: GoEmotions and our messages.

Both readers give (text, class) pairs, class 0 negative, 1 neutral, 2 positive, and raise
InvalidConfig naming the file (and the line) for anything they cannot read.
"""

from __future__ import annotations

import json
from pathlib import Path

from repmon.domain.errors import InvalidConfig

#: Our own customer messages (label, industry, text; written for repmon, see shared/training/README.md).
MESSAGES_FILE = Path(__file__).resolve().parents[2] / "training" / "cx_messages.tsv"
_CLASS = {"negative": 0, "neutral": 1, "positive": 2}


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


def read_messages(path: Path) -> list[tuple[str, int]]:
    """(text, class) of each line of our messages file: `label<TAB>industry<TAB>text`.

    Lines end at a newline only (a message may hold any other Unicode line separator) and may end
    in a carriage return; a byte-order mark and the last line's newline are allowed.
    """
    rows = []
    for number, line in enumerate(_lines(path), 1):
        parts = line.split("\t")
        if len(parts) != 3 or parts[0] not in _CLASS or not parts[1].strip() or not parts[2].strip():
            raise InvalidConfig(
                f"{path}:{number}: need label<TAB>industry<TAB>text with a label of "
                f"{', '.join(_CLASS)}; got {line[:60]!r}"
            )
        rows.append((parts[2], _CLASS[parts[0]]))
    if not rows:
        raise InvalidConfig(f"--messages {path}: no messages")
    return rows


def split_messages(rows: list[tuple[str, int]]) -> tuple[list[tuple[str, int]], list[tuple[str, int]]]:
    """Every tenth message held out to stop the fit; the other nine of ten fitted."""
    return [r for i, r in enumerate(rows) if i % 10], [r for i, r in enumerate(rows) if not i % 10]


def _lines(path: Path) -> list[str]:
    """The file's lines; InvalidConfig names the line of a byte that is not UTF-8."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise InvalidConfig(f"--messages {path}: {error.strerror or error}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise InvalidConfig(f"{path}:{line}: not UTF-8: {error.reason}") from None
    lines = [line.removesuffix("\r") for line in text.split("\n")]
    return lines[:-1] if lines and not lines[-1] else lines
