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

The search itself is `repmon.cli.sentiment_choice`.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from repmon.cli.sentiment_choice import (
    MIN_PRECISION,
    SHARES,
    Choice,
    Reading,
    best_bars,
    choose,
    correlation,
    cross_validate,
    readings,
)
from repmon.cli.sentiment_eval import MIX, mix_weights, pearson, read_ground_truth, read_labelled
from repmon.domain.errors import InvalidConfig
from repmon.domain.models import LABELS

if TYPE_CHECKING:
    from repmon.adapters.vader_scorer import CxVaderScorer


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


def _rated(scorer: CxVaderScorer, tweets: Path) -> tuple[list[tuple[float, Reading | None]], float]:
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
        r = correlation(choice, rated) if rated else None
        under = floor is not None and r is not None and r < floor
        stdout.write(
            f"{share:>6.2f}{choice.negative_below:>10.2f}{choice.positive_above:>10.2f}"
            f"{choice.macro_f1:>10.3f}{choice.recall:>8.3f}{choice.precision:>11.3f}"
            + (f"{r:>10.4f}" if r is not None else "")
            + (" *" if under else "")
            + "\n"
        )
        if floor is None or (r is not None and r >= floor):
            eligible.append(share)
    return tuple(eligible)


def _labelled(args: argparse.Namespace) -> tuple[list[str], list[str]]:
    """The labelled file's texts and labels; InvalidConfig when unreadable or too short for the folds."""
    try:
        texts, gold = read_labelled(args.data)
    except OSError as exc:
        raise InvalidConfig(f"{args.data}: cannot read: {exc.strerror or exc}") from None
    if args.folds > len(texts):
        raise InvalidConfig(f"--folds {args.folds}: more than the {len(texts)} labelled texts in {args.data}")
    return texts, gold


def _header(count: int, data: Path, mixed: bool, rated: bool) -> str:
    shares = "/".join(f"{MIX[label] * 100:.0f}" for label in LABELS)
    how = f"reweighted to a {shares} mix" if mixed else "as they are (a label is missing: no reweighting)"
    return (
        f"{count} labelled texts from {data}, {how}; "
        f"best macro-F1 + complaint recall at complaint precision >= {MIN_PRECISION:.2f}\n"
        f"{'share':>6}{'negative':>10}{'positive':>10}{'macro-F1':>10}{'recall':>8}{'precision':>11}"
        + (f"{'tweets r':>10}" if rated else "")
        + "\n"
    )


def _choice_lines(
    items: list[tuple[Reading | None, int, float]], eligible: tuple[float, ...], floor: float | None
) -> str:
    """The floor, the choice, and the numbers in the code to compare it with."""
    from repmon.adapters.vader_scorer import CxVaderScorer as Cx

    lines = (
        [f"plain VADER's tweets r: {floor:.4f}; shares under it (*) are not chosen"]
        if floor is not None
        else []
    )
    best = (
        _describe(choose(items, eligible))
        if eligible
        else "none (no share keeps the tweets r at plain VADER's)"
    )
    now = Choice(Cx.LEARNED_WEIGHT, Cx.LEARNED_NEGATIVE_BELOW, Cx.LEARNED_POSITIVE_ABOVE, 0.0, 0.0, 0.0)
    lines += [f"chosen: {best}", f"in the code (CxVaderScorer.LEARNED_*): {_describe(now)}"]
    return "\n".join(lines) + "\n"


def _cross_check_lines(chosen: list[Choice | None], pooled: dict[str, float]) -> str:
    folds = len(chosen)
    lines = [f"\nchosen on {folds - 1} of {folds} folds, applied to the other:"]
    lines += [f"  fold {fold}: {_describe(choice)}" for fold, choice in enumerate(chosen)]
    lines.append(
        f"  pooled: macro-F1 {pooled['macro_f1']:.3f}, complaint recall {pooled['negative_recall']:.3f} "
        f"@ precision {pooled['negative_precision']:.3f}"
    )
    return "\n".join(lines) + "\n"


def run_calibrate(args: argparse.Namespace, stdout: TextIO) -> int:
    from repmon.adapters.vader_scorer import CxVaderScorer

    tweets = _checked(args)
    texts, gold = _labelled(args)
    mixed = mix_weights(gold)
    weights = mixed or [1.0] * len(gold)
    scorer = CxVaderScorer()
    read = readings(scorer, texts)
    items = [(reading, LABELS.index(label), w) for reading, label, w in zip(read, gold, weights, strict=True)]
    rated, floor = _rated(scorer, tweets) if tweets is not None else ([], None)
    stdout.write(_header(len(texts), args.data, mixed is not None, bool(rated)))
    eligible = _share_rows(items, rated, floor, stdout)
    stdout.write(_choice_lines(items, eligible, floor))
    stdout.write(_cross_check_lines(*cross_validate(read, gold, args.folds, eligible)))
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
