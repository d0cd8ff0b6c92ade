"""Review language for `repmon sentiment eval`: does the text agree with the reviewer's own stars?

`review_set.csv` (next to this file) holds 119 short reviews we wrote ourselves, with stars, of
products, apps and service companies: phrased as people review, with the words that trip tweet rules
("still discovering", "again, another great buy", "delayed 20 min, no big deal"). Agreement is over
the 1-2 star (negative) and 4-5 star (positive) reviews: stars withheld, the text's score must lean
the stars' way; stars given, the blended verdict's score must. 3-star reviews are left out (people
mean different things by them).
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import TextIO

from repmon.domain.errors import InvalidConfig
from repmon.ports import SentimentScorer

REVIEW_SET = Path(__file__).with_name("review_set.csv")


def read_reviews(path: Path) -> list[tuple[str, str, int]]:
    """(domain, text, stars) per row of a CSV with `text` and `stars` columns (`domain` optional)."""
    rows = []
    try:
        with path.open(newline="", encoding="utf-8", errors="replace") as handle:
            reader = csv.DictReader(handle)
            for row in reader:
                stars = (row.get("stars") or "").strip()
                if stars in {"1", "2", "3", "4", "5"} and row.get("text"):
                    rows.append(((row.get("domain") or "all").strip(), row["text"], int(stars)))
    except OSError as exc:
        raise InvalidConfig(f"--reviews {path}: cannot read: {exc.strerror or exc}") from None
    except csv.Error as exc:
        raise InvalidConfig(f"--reviews {path}: not CSV: {exc}") from None
    if not rows:
        raise InvalidConfig(f"--reviews {path}: no rows with a `text` and `stars` (1-5) column")
    return rows


def _agreement(scorer: SentimentScorer, reviews: list[tuple[str, str, int]], stars: bool) -> float:
    """Share of 1-2 and 4-5 star reviews whose score is on the stars' side of 0 (0 itself disagrees).

    The side, not the label: each scorer has its own neutral band (the CX scorer's positive bar is
    high because mild praise to a company is manners), and the question is which way the text leans.
    """
    polar = [(text, rating) for _, text, rating in reviews if rating != 3]
    agree = 0
    for text, rating in polar:
        score = scorer.score(text, rating if stars else None).score
        agree += score < 0 if rating <= 2 else score > 0
    return agree / max(len(polar), 1)


def review_table(path: Path, scorers: dict[str, SentimentScorer], stdout: TextIO) -> int:
    reviews = read_reviews(path)
    domains = sorted({domain for domain, _, _ in reviews})
    stdout.write(f"\nscore on the side of the stars, 1-2 vs 4-5 ({len(reviews)} reviews, {path.name})\n")
    stdout.write(f"{'set':<24}{'texts':>7}" + "".join(f"{name:>10}" for name in scorers) + "\n")
    for domain in [*domains, "all"] if len(domains) > 1 else domains:
        subset = [row for row in reviews if domain in ("all", row[0])]
        count = sum(rating != 3 for _, _, rating in subset)
        for stars in (False, True):
            values = "".join(f"{_agreement(s, subset, stars):>10.3f}" for s in scorers.values())
            name = f"{domain} ({'stars given' if stars else 'no stars'})"
            stdout.write(f"{name:<24}{count:>7}{values}\n")
    return 0
