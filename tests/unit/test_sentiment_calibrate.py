"""`repmon sentiment calibrate`: the fast choice of the scorer's three numbers is the scorer's own
labelling, measured as `sentiment eval` measures it; bad paths are one error line, exit 2."""

from __future__ import annotations

import io
import random
from pathlib import Path

import pytest

from repmon.adapters.vader_scorer import CxVaderScorer
from repmon.cli.main import main as cli_main
from repmon.cli.sentiment import main
from repmon.cli.sentiment_choice import (
    Choice,
    Reading,
    _measure,
    _Share,
    best_bars,
    predict,
    readings,
)
from repmon.cli.sentiment_eval import metrics, mix_weights
from repmon.domain.models import LABELS

#: Our own labelled messages, a few of each kind (the CLI test reads them as a CSV).
LABELLED = [
    ("Three weeks and still no refund, nobody answers the phone", "negative"),
    ("The app logs me out every time I open it", "negative"),
    ("Thanks for the two hour delay, really made my day", "negative"),
    ("Charged twice for one order, please fix this", "negative"),
    ("Lost my bag again and the desk just shrugged", "negative"),
    ("My parcel says delivered but it is not here", "negative"),
    ("Does the lounge open at six?", "neutral"),
    ("Flying to Porto with them on Friday", "neutral"),
    ("How do I change the email on my account?", "neutral"),
    ("Their new branch opens next month", "neutral"),
    ("Loved the friendly crew, best flight in years", "positive"),
    ("Refund landed this morning, thanks for sorting it", "positive"),
    ("Great support, fixed in five minutes", "positive"),
]


def _random_items(seed: int, n: int) -> list[tuple[Reading | None, int, float]]:
    rng = random.Random(seed)
    items: list[tuple[Reading | None, int, float]] = []
    for _ in range(n):
        if rng.random() < 0.05:
            items.append((None, rng.randrange(3), 1.0))  # unscored: counts against recall only
            continue
        # Readings that lean their label's way, with noise: bars can then reach precision 0.80
        label = rng.randrange(3)
        negative = min(max(rng.gauss((0.7, 0.2, 0.1)[label], 0.25), 0.0), 1.0)
        positive = min(max(rng.gauss((0.1, 0.2, 0.7)[label], 0.25), 0.0), 1.0 - negative)
        reading = Reading(
            rules=min(max(rng.gauss((-0.5, 0.0, 0.5)[label], 0.4), -1.0), 1.0),
            probabilities=(negative, 1 - negative - positive, positive),
            failure=rng.random() < (0.3, 0.05, 0.02)[label],
        )
        items.append((reading, label, rng.choice((0.5, 1.0, 2.0))))
    return items


@pytest.mark.parametrize("seed", range(5))
def test_the_fast_counts_are_the_scorers_labels_measured_as_eval_measures_them(seed: int) -> None:
    items = _random_items(seed, 400)
    rng = random.Random(seed)
    for _ in range(20):
        share, low, high = rng.choice((0.2, 0.35, 0.5)), rng.uniform(-0.5, 0.0), rng.uniform(0.2, 0.8)
        choice = Choice(share, round(low, 2), round(high, 2), 0.0, 0.0, 0.0)
        table = _Share(share, items)
        fast = _measure(table.counts(choice.negative_below, choice.positive_above), table.gold)
        gold: list[str] = [LABELS[label] for _, label, _ in items]
        slow = metrics(gold, [predict(reading, choice) for reading, _, _ in items], [w for *_, w in items])
        assert fast == pytest.approx((slow["macro_f1"], slow["negative_recall"], slow["negative_precision"]))


def test_the_bars_chosen_keep_complaint_precision_and_no_other_bars_do_better() -> None:
    items = _random_items(7, 300)
    best = best_bars(0.35, items)
    assert best is not None and best.precision >= 0.80
    table = _Share(0.35, items)
    for low in (-0.4, -0.3, -0.2, -0.1, 0.0):
        for high in (0.3, 0.5, 0.7):
            f1, recall, precision = _measure(table.counts(low, high), table.gold)
            assert precision < 0.80 or f1 + recall <= best.objective + 1e-12


def test_readings_leave_unscored_what_the_scorer_leaves_unscored() -> None:
    scorer = CxVaderScorer()
    got = readings(
        scorer, ["", "   ", "Der Flug wurde gestrichen und niemand hilft uns", "Lost my bag again"]
    )
    assert got[:3] == [None, None, None]
    assert got[3] is not None and got[3].failure
    # And the reading scores as the scorer does, at the scorer's own numbers
    now = Choice(
        scorer.LEARNED_WEIGHT, scorer.LEARNED_NEGATIVE_BELOW, scorer.LEARNED_POSITIVE_ABOVE, 0.0, 0.0, 0.0
    )
    for text, _ in LABELLED:
        (reading,) = readings(scorer, [text])
        assert predict(reading, now) == scorer.score(text).label, text


def _labelled_csv(tmp_path: Path) -> Path:
    data = tmp_path / "labelled.csv"
    data.write_text(
        "text,label\n" + "".join(f'"{t}",{label}\n' for t, label in LABELLED * 2), encoding="utf-8"
    )
    return data


def test_calibrate_prints_each_share_the_choice_and_the_cross_check(tmp_path: Path) -> None:
    out = io.StringIO()
    code = main(["calibrate", "--data", str(_labelled_csv(tmp_path)), "--folds", "2"], io.StringIO(), out)
    lines = out.getvalue().splitlines()
    assert code == 0
    assert lines[1].split() == ["share", "negative", "positive", "macro-F1", "recall", "precision"]
    assert [line.split()[0] for line in lines[2:9]] == [
        "0.20",
        "0.25",
        "0.30",
        "0.35",
        "0.40",
        "0.45",
        "0.50",
    ]
    # Our 26 texts are easy: every share separates them, and the best objective's first share wins
    assert lines[9] == "chosen: share 0.20, negative at <= -0.14, positive at >= 0.30"
    now = CxVaderScorer
    assert lines[10] == (
        f"in the code (CxVaderScorer.LEARNED_*): share {now.LEARNED_WEIGHT:.2f}, negative at <= "
        f"{now.LEARNED_NEGATIVE_BELOW:+.2f}, positive at >= {now.LEARNED_POSITIVE_ABOVE:.2f}"
    )
    assert lines[-1] == "  pooled: macro-F1 1.000, complaint recall 1.000 @ precision 1.000"
    assert mix_weights([label for _, label in LABELLED]) is not None  # the file is reweighted


def test_calibrate_chooses_only_shares_that_keep_the_tweets_correlation(tmp_path: Path) -> None:
    folder = tmp_path / "hutto"
    folder.mkdir()
    (folder / "tweets_GroundTruth.txt").write_text(
        "1\t3.1\tI love this, best day ever!\n2\t-3.0\tThis is horrible and I hate it.\n"
        "3\t0.1\tThe meeting is at noon.\n4\t2.0\tPretty good service, thanks.\n"
        "5\t-1.5\tStill waiting on my refund\n6\t0.5\tok thanks\n"
    )
    out = io.StringIO()
    argv = [
        "calibrate",
        "--data",
        str(_labelled_csv(tmp_path)),
        "--ground-truth",
        str(folder),
        "--folds",
        "2",
    ]
    assert main(argv, io.StringIO(), out) == 0
    lines = out.getvalue().splitlines()
    assert lines[1].split()[-2:] == ["tweets", "r"]
    floor = float(next(line for line in lines if line.startswith("plain VADER's tweets r: ")).split()[4][:-1])
    kept = [line.split()[0] for line in lines[2:9] if float(line.split()[6]) >= floor]
    # a share under the floor is marked, one over it is not
    assert all(line.endswith(" *") == (line.split()[0] not in kept) for line in lines[2:9])
    chosen = next(line for line in lines if line.startswith("chosen: "))
    if kept:
        assert chosen.split()[2].rstrip(",") in kept, (chosen, kept)
    else:
        assert chosen == "chosen: none (no share keeps the tweets r at plain VADER's)"


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["--data", "absent.csv"], "--data {tmp}/absent.csv: no such file"),
        (["--data", "labelled.csv", "--ground-truth", "."], "no tweets_GroundTruth.txt"),
        (["--data", "labelled.csv", "--folds", "1"], "--folds 1: at least 2"),
        (["--data", "labelled.csv", "--folds", "3"], "--folds 3: more than the 1 labelled texts"),
    ],
)
def test_calibrate_refuses_bad_arguments_in_one_line_exit_2(
    argv: list[str], said: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "labelled.csv").write_text("text,label\nfine,neutral\n", encoding="utf-8")
    args = [str(tmp_path / a) if a.endswith(".csv") or a == "." else a for a in argv]
    code = cli_main(["sentiment", "calibrate", *args])
    captured = capsys.readouterr()
    assert code == 2 and captured.out == ""
    assert said.format(tmp=tmp_path) in captured.err and len(captured.err.splitlines()) == 1
