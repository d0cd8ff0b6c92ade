"""Per-text cost of bare nltk VADER vs CxVaderScorer on the same generated texts, in one run.

    .venv/bin/python -m tests.bench.bench_sentiment

Target: CxVaderScorer at most 0.5 ms a text (language check, normalisation, rules included).
Adversarial: one 40 KB text built to make a regex backtrack ("can you " * 5000, no "?") scores in
well under 0.5 s: the cost is linear in length (tests/unit/test_cx_linear.py bounds the ratio).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable

from nltk.sentiment.vader import SentimentIntensityAnalyzer

from repmon.adapters.cx_model import WEIGHTS_FILE, load_model
from repmon.adapters.vader_scorer import CxVaderScorer

_OPENERS = ["@AcmeAir", "Hey @ShopCo", "", "Honestly,", "So", "#travel"]
_BODIES = [
    "my order {n} was delayed again and still no update",
    "thanks for the {n} hour delay, really appreciated",
    "the crew on flight {n} was lovely and the seats were comfy",
    "been on hold for {n} minutes, nobody answers",
    "what time does gate {n} open tomorrow?",
    "great, another cancellation. refund please",
    "the app crashes every time I open my basket 😡",
    "love the new lounge, best coffee in years 😍",
    "lost my bag on route {n}, no response to my emails",
    "can you change my seat to an aisle please",
]
_CLOSERS = ["", "!", "!!", "?", " https://t.co/x{n}", " #fail", " :(", " thank you"]


#: Built to make the old "asks for information" regex backtrack: quadratic before, linear now.
ADVERSARIAL = "can you " * 5000


def texts(count: int, seed: int = 7) -> list[str]:
    """`count` varied customer-style texts, reproducible from `seed`."""
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        n = rng.randint(1, 999)
        body = rng.choice(_BODIES).format(n=n)
        out.append(f"{rng.choice(_OPENERS)} {body}{rng.choice(_CLOSERS).format(n=n)}".strip())
    return out


def per_text_ms(score: Callable[[str], object], sample: list[str], rounds: int = 3) -> float:
    """The best of `rounds` passes, in milliseconds a text: the least disturbed by other work."""
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        for text in sample:
            score(text)
        best = min(best, time.perf_counter() - start)
    return best / len(sample) * 1000


def main() -> None:
    sample = texts(3000)
    bare = SentimentIntensityAnalyzer()
    start = time.perf_counter()
    load_model()
    load_ms = (time.perf_counter() - start) * 1000
    cx, rules = CxVaderScorer(), CxVaderScorer(learned=False)
    bare_ms = per_text_ms(bare.polarity_scores, sample)
    rules_ms = per_text_ms(rules.score, sample)
    cx_ms = per_text_ms(cx.score, sample)
    print(f"{len(sample)} texts, best of 3 passes")
    print(f"bare nltk VADER   {bare_ms:.3f} ms/text")
    print(f"CX rules alone    {rules_ms:.3f} ms/text")
    ratio = cx_ms / bare_ms
    print(f"CxVaderScorer     {cx_ms:.3f} ms/text  ({ratio:.1f}x; target <= 0.5 ms, learned layer included)")
    size = WEIGHTS_FILE.stat().st_size // 1024
    print(f"learned weights   {size} KB, cold load {load_ms:.1f} ms")
    adversarial = per_text_ms(cx.score, [ADVERSARIAL]) / 1000
    size = len(ADVERSARIAL) // 1000
    print(f"adversarial text  {adversarial:.3f} s for {size} KB  (target < 0.5 s; was 0.5-6 s)")


if __name__ == "__main__":
    main()
