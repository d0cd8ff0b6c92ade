"""Our own customer messages (`shared/training/cx_messages.tsv`), the learned layer's second lesson.

The file must read as the trainer reads it, hold enough of each label, and owe nothing to the
airline tweets the scorer is measured on (CC BY-NC-SA, never trained on): no message may share a
run of eight words with one of them.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from pathlib import Path

import pytest

from repmon.cli import sentiment_train
from repmon.cli.sentiment_eval import MIX
from repmon.domain.errors import InvalidConfig

AIRLINE = Path(__file__).resolve().parents[3] / "shared" / "data" / "airline_tweets_dev.csv"
RUN = 8


def _lines() -> list[list[str]]:
    text = sentiment_train.MESSAGES_FILE.read_text(encoding="utf-8")
    return [line.split("\t") for line in text.splitlines()]


def test_every_message_is_label_industry_text_and_none_is_there_twice() -> None:
    rows = _lines()
    assert len(rows) >= 5000
    assert all(len(row) == 3 and row[1].isalpha() and row[1].islower() for row in rows)
    texts = [re.sub(r"\W+", " ", row[2].lower()).strip() for row in rows]
    assert len(set(texts)) == len(texts)
    assert len(sentiment_train.read_messages(sentiment_train.MESSAGES_FILE)) == len(rows)


def test_each_label_holds_at_least_a_fifth_of_the_messages() -> None:
    # The second fit weighs the classes equally; each needs enough messages to be learnt from.
    labels = Counter(row[0] for row in _lines())
    assert set(labels) == set(MIX)
    assert min(labels.values()) / sum(labels.values()) >= 0.2, labels


def test_the_second_fit_weighs_each_class_the_same() -> None:
    data: list[sentiment_train.Example] = [([], 0.0, (0.0,), label) for label in (0, 0, 0, 0, 1, 1, 2, 2)]
    weights = sentiment_train.balanced(data)
    # 4, 2 and 2 examples: each class weighs 8/3 in all
    assert [round(w * n, 6) for w, n in zip(weights, (4, 2, 2), strict=True)] == [round(8 / 3, 6)] * 3


def test_every_tenth_message_is_held_out_to_stop_the_fit() -> None:
    rows = [(f"m{i}", i % 3) for i in range(25)]
    fitted, held_out = sentiment_train.split_messages(rows)
    assert [t for t, _ in held_out] == ["m0", "m10", "m20"]
    assert len(fitted) == 22 and not {t for t, _ in held_out} & {t for t, _ in fitted}


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("negative\tbank\tok\nangry\tbank\twhat\n", ":2: need label<TAB>industry<TAB>text"),
        ("negative\tbank\n", ":1: need label<TAB>industry<TAB>text"),
        ("positive\thotel\t  \n", ":1: need label<TAB>industry<TAB>text"),
        ("", ": no messages"),
    ],
)
def test_a_broken_messages_file_is_refused_naming_the_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, expected: str
) -> None:
    broken = tmp_path / "m.tsv"
    broken.write_text(content, encoding="utf-8")
    args = ["--data", str(tmp_path), "--messages", str(broken), "--out", str(tmp_path / "w.json")]
    with pytest.raises(InvalidConfig, match=re.escape(expected)):
        sentiment_train.read_messages(broken)
    # Refused before GoEmotions is read (the folder here has none): one line, naming the file.
    assert sentiment_train.main(args) == 2
    err = capsys.readouterr().err
    assert err.startswith((f"sentiment train: {broken}", f"sentiment train: --messages {broken}"))
    assert expected in err and len(err.splitlines()) == 1


def test_a_messages_file_that_is_not_there_or_not_utf8_is_named(tmp_path: Path) -> None:
    with pytest.raises(InvalidConfig, match=r"absent\.tsv"):
        sentiment_train.read_messages(tmp_path / "absent.tsv")
    latin = tmp_path / "latin.tsv"
    latin.write_bytes("neutral\thotel\tcaf\xe9 open?\n".encode("latin-1"))
    with pytest.raises(InvalidConfig, match="not UTF-8"):
        sentiment_train.read_messages(latin)


def _runs(text: str) -> set[str]:
    words = re.findall(r"[a-z0-9']+", text.lower())
    return {" ".join(words[i : i + RUN]) for i in range(len(words) - RUN + 1)}


@pytest.mark.skipif(not AIRLINE.is_file(), reason=f"the airline tweets are not at {AIRLINE}")
def test_no_message_shares_a_run_of_eight_words_with_the_airline_tweets() -> None:
    with AIRLINE.open(newline="", encoding="utf-8", errors="replace") as handle:
        tweets = set().union(*(_runs(row["text"]) for row in csv.DictReader(handle)))
    shared = [row[2] for row in _lines() if _runs(row[2]) & tweets]
    assert not shared, shared[:5]
