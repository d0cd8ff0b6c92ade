"""Our own customer messages (`shared/training/cx_messages.tsv`), the learned layer's second lesson.

The file must read as the trainer reads it, hold enough of each label, and owe nothing to the
airline tweets the scorer is measured on (CC BY-NC-SA, never trained on): no message may share a
run of eight words with one of them, handles and numbers aside. The second fit must move the word
weights only, each class weighing the same.
"""

from __future__ import annotations

import csv
import json
import re
from collections import Counter
from pathlib import Path

import pytest

from repmon.cli import sentiment_train
from repmon.cli.sentiment_data import MESSAGES_FILE, read_messages, split_messages
from repmon.cli.sentiment_eval import MIX
from repmon.domain.errors import InvalidConfig

AIRLINE = Path(__file__).resolve().parents[3] / "shared" / "data" / "airline_tweets_dev.csv"
RUN = 8


def _rows() -> list[list[str]]:
    return [
        line.split("\t") for line in MESSAGES_FILE.read_text(encoding="utf-8").removesuffix("\n").split("\n")
    ]


def test_every_message_is_label_industry_text_and_none_is_there_twice() -> None:
    rows = _rows()
    assert len(rows) >= 6000
    assert all(len(row) == 3 and row[1].isalpha() and row[1].islower() for row in rows)
    texts = [re.sub(r"\W+", " ", row[2].lower()).strip() for row in rows]
    assert len(set(texts)) == len(texts)
    assert len(read_messages(MESSAGES_FILE)) == len(rows)


def test_each_label_holds_at_least_a_fifth_of_the_messages() -> None:
    # The second fit weighs the classes equally; each needs enough messages to be learnt from.
    labels = Counter(row[0] for row in _rows())
    assert set(labels) == set(MIX)
    assert min(labels.values()) / sum(labels.values()) >= 0.2, labels


def test_every_tenth_message_is_held_out_to_stop_the_fit() -> None:
    rows = [(f"m{i}", i % 3) for i in range(25)]
    fitted, held_out = split_messages(rows)
    assert [t for t, _ in held_out] == ["m0", "m10", "m20"]
    assert len(fitted) == 22 and not {t for t, _ in held_out} & {t for t, _ in fitted}


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("negative\tbank\tok\nangry\tbank\twhat\n", ":2: need label<TAB>industry<TAB>text"),
        ("negative\tbank\n", ":1: need label<TAB>industry<TAB>text"),
        ("positive\thotel\t  \n", ":1: need label<TAB>industry<TAB>text"),
        ("positive\t\tlovely stay\n", ":1: need label<TAB>industry<TAB>text"),
        ("neutral\thotel\topen?\n\nneutral\thotel\tclosed?\n", ":2: need label<TAB>industry<TAB>text"),
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
        read_messages(broken)
    # Refused before GoEmotions is read (the folder here has none): one line, naming the file.
    assert sentiment_train.main(args) == 2
    err = capsys.readouterr().err
    assert err.startswith((f"sentiment train: {broken}", f"sentiment train: --messages {broken}"))
    assert expected in err and len(err.splitlines()) == 1


def test_a_messages_file_that_is_not_there_or_not_utf8_is_named_with_its_line(tmp_path: Path) -> None:
    with pytest.raises(InvalidConfig, match=r"absent\.tsv"):
        read_messages(tmp_path / "absent.tsv")
    latin = tmp_path / "latin.tsv"
    latin.write_bytes("neutral\thotel\topen?\nneutral\thotel\tcaf\xe9 open?\n".encode("latin-1"))
    with pytest.raises(InvalidConfig, match=r"latin\.tsv:2: not UTF-8"):
        read_messages(latin)


def test_a_bom_crlf_and_unicode_separators_inside_a_message_are_read(tmp_path: Path) -> None:
    # Windows editors write a BOM and CRLF; U+2028 and form feed are text, not line ends
    path = tmp_path / "m.tsv"
    path.write_bytes(
        "\ufeffnegative\tbank\tno refund\u2028still\r\npositive\tbank\tgreat\x0cstaff\r\n".encode()
    )
    assert read_messages(path) == [("no refund\u2028still", 0), ("great\x0cstaff", 2)]


def _normalised_runs(text: str) -> set[str]:
    """Runs of RUN words, handles and numbers blanked: a swapped @handle or flight number hides nothing."""
    text = re.sub(r"@\w+", " @ ", text.lower())
    words = [re.sub(r"\d+", "0", word) for word in re.findall(r"[a-z0-9']+|@", text)]
    return {" ".join(words[i : i + RUN]) for i in range(len(words) - RUN + 1)}


@pytest.mark.skipif(not AIRLINE.is_file(), reason=f"the airline tweets are not at {AIRLINE}")
def test_no_message_shares_a_run_of_eight_words_with_the_airline_tweets() -> None:
    with AIRLINE.open(newline="", encoding="utf-8", errors="replace") as handle:
        tweets = set().union(*(_normalised_runs(row["text"]) for row in csv.DictReader(handle)))
    shared = [row[2] for row in _rows() if _normalised_runs(row[2]) & tweets]
    assert not shared, shared[:5]


def _example(label: int, slot: int) -> sentiment_train.Example:
    return ([slot], 1.0, (0.5, -0.25, 0.0), label)


def test_a_words_only_fit_leaves_the_bias_and_the_signals_as_they_were() -> None:
    start = sentiment_train.State(
        [0.0] * 12, [[0.1, 0.2, 0.3], [0.0, 0.0, 0.0], [1.0, 0.0, -1.0]], [0.5, 0.0, -0.5]
    )
    data = [_example(0, 1), _example(2, 2)] * 5
    state, epochs = sentiment_train.fit(data, data, 3, 0.5, 13, start, words_only=True)
    assert epochs >= 1 and state.weights != start.weights
    assert (state.bias, state.signal_weights) == (start.bias, start.signal_weights)
    free, _ = sentiment_train.fit(data, data, 3, 0.5, 13, start)
    assert free.bias != start.bias  # the same fit with everything free moves them


def test_a_class_weighing_nothing_teaches_nothing_and_no_better_epoch_keeps_the_start() -> None:
    start = sentiment_train.State.zero(4, 3)
    only_positive = [_example(2, 1)] * 4
    state, epochs = sentiment_train.fit(
        only_positive, only_positive, 3, 0.5, 13, start, class_weights=(1, 1, 0)
    )
    assert (state.weights, state.bias, epochs) == (start.weights, start.bias, 0)


def _goemotions(folder: Path) -> Path:
    """A GoEmotions-shaped folder of a dozen comments of our own."""
    folder.mkdir()
    (folder / "labels.txt").write_text("anger\njoy\nneutral\n")
    (folder / "sentiment_dict.json").write_text(
        '{"positive": ["joy"], "negative": ["anger"], "ambiguous": []}'
    )
    comments = [("I hate this so much", 0), ("what a lovely day", 1), ("the bus comes at ten", 2)] * 4
    for split in ("train.tsv", "dev.tsv"):
        (folder / split).write_text(
            "".join(f"{text}\t{label}\tid{i}\n" for i, (text, label) in enumerate(comments))
        )
    return folder


def test_the_built_layer_keeps_the_first_fits_bias_and_signals(tmp_path: Path) -> None:
    folder = _goemotions(tmp_path / "goemotions")
    messages = tmp_path / "m.tsv"
    messages.write_text(
        "negative\tbank\tday 9 and still no refund\nneutral\tbank\tdo you open on sundays\n"
        "positive\tbank\trefund landed, thank you\n" * 4,
        encoding="utf-8",
    )
    out = tmp_path / "w.json"
    assert sentiment_train.build(folder, messages, out) == (12, 10)
    document = json.loads(out.read_text())
    first, _ = sentiment_train.fit_goemotions(folder)
    assert document["bias"] == [round(b, 6) for b in first.bias]
    assert document["signal_weights"] == [[round(w, 6) for w in row] for row in first.signal_weights]
    assert document["training"]["messages"]["epochs"] >= 1  # and the words did move
