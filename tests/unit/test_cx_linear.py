"""The CX scorer's cost grows linearly with text length, whatever the text (adversarial input).

Each case scores a text and the same text ten times longer and bounds the time ratio generously
(linear: about 10; the quadratic "asks for information" rule gave 50-90 here before it was cut
to its clause). Timing goals in absolute terms live in `make bench` (tests/bench/bench_sentiment.py).
"""

from __future__ import annotations

import re
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from repmon.adapters.vader_scorer import CxVaderScorer
from repmon.domain.cx_phrases import question_clause
from repmon.domain.cx_rules import RULES, normalise, rule_hits

#: Fragments each rule is built from, repeated without the punctuation that would end a match early.
ADVERSARIAL = [
    "can you ",
    "is there ",
    "thanks for ",
    "for 3 hours ",
    "SHOUT a ",
    "no reply ",
    "#unitedfail ",
    "@acme http://x ",
]
#: Ten times the input may cost at most this many times the time (best of three: noise only adds time).
RATIO_BOUND = 30


@pytest.fixture(scope="module")
def cx() -> CxVaderScorer:
    return CxVaderScorer()


def _best_time(score: object, text: str) -> float:
    # CPU time of this process, not wall time: other processes on a loaded machine do not count
    best = float("inf")
    for _ in range(3):
        start = time.process_time()
        score(text)  # type: ignore[operator]
        best = min(best, time.process_time() - start)
    return best


@pytest.mark.slow
@pytest.mark.parametrize("fragment", ADVERSARIAL)
def test_ten_times_the_text_costs_about_ten_times_the_time(cx, fragment):
    # Large enough that the small text takes milliseconds of CPU, well above the clock's resolution
    small, large = fragment * 1000, fragment * 10_000
    ratio = _best_time(cx.score, large) / _best_time(cx.score, small)
    assert ratio < RATIO_BOUND, f"{fragment!r}: 10x the text took {ratio:.0f}x the time"


#: The rule as it was, one regex: kept here to prove the linear form finds exactly the same texts.
_QUADRATIC = re.compile(
    r"^[^?]*\b(?:is there|are there|do you|does it|can you|could you|can i|will (?:you|there|my|the|it)|"
    r"any (?:idea|chance|update|word|news|info)|when (?:will|is|does|do)|how (?:do|can) i)\b[^?.!]*\?"
)
_ASKS = next(rule for rule in RULES if rule.reason == "asks for information")
_PIECES = ["can you", "is there", "how do i", "will it", " ", "?", ".", "!", "\n", "x", "cane", "you", "i"]


@settings(max_examples=500, derandomize=True, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=14).map("".join))
def test_the_question_clause_finds_what_the_old_regex_found(text):
    assert bool(re.search(_ASKS.pattern, question_clause(text))) == bool(_QUADRATIC.search(text))


def test_asks_for_information_is_still_read_in_the_first_question_only():
    assert "asks for information" in {h.reason for h in rule_hits(normalise("Hi. Can you check my seat?"))}
    assert "asks for information" not in {h.reason for h in rule_hits(normalise("Why? can you fix it?"))}
    assert "asks for information" not in {h.reason for h in rule_hits(normalise("can you. fix it?"))}
    assert question_clause("no question here") == ""
