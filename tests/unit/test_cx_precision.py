"""Precision rules: complaint words inside hashtags, and thanks that a weak hint does not silence."""

from __future__ import annotations

import pytest

from repmon.adapters.vader_scorer import CxVaderScorer, PlainVaderScorer
from repmon.domain.cx_rules import normalise, rule_hits


@pytest.fixture(scope="module")
def cx() -> CxVaderScorer:
    return CxVaderScorer()


@pytest.fixture(scope="module")
def plain() -> PlainVaderScorer:
    return PlainVaderScorer()


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("#acmefail", "acme fail"),
        ("#worstdeliveryever", "worst deliveryever"),
        ("#nothappy", "not happy"),
        ("#noanswer", "no answer"),
        ("#neveragain", "never again"),
        ("#NeverAgain", "Never Again"),
    ],
)
def test_complaint_words_in_a_hashtag_are_set_apart(text: str, words: str) -> None:
    # Given a complaint run together in one hashtag; Then its words are read apart
    assert normalise(text) == words


@pytest.mark.parametrize("tag", ["#nothing", "#nowplaying", "#notebook", "#travel", "#nofilter"])
def test_other_hashtags_stay_one_word(tag: str) -> None:
    assert normalise(tag) == tag[1:]


def test_a_hashtag_complaint_is_negative(cx: CxVaderScorer, plain: PlainVaderScorer) -> None:
    # Given a complaint that lives only in a lower-case hashtag
    text = "@AcmeAir checked in at the desk #worstserviceever"
    # Then plain VADER misses it and CX reads it
    assert plain.score(text).label != "negative"
    verdict = cx.score(text)
    assert verdict.label == "negative"
    assert "worst" in verdict.reasons


@pytest.mark.parametrize(
    "text",
    [
        "Sorted at the kiosk in the end, still thanks for following up!",
        "Thanks so much, it didn't take long at all and the agent was great",
    ],
)
def test_a_weak_hint_does_not_silence_thanks(cx: CxVaderScorer, text: str) -> None:
    # Given thanks next to a weak hint only ("still", "didn't"); Then the thanks still counts
    assert cx.score(text).label != "negative"


@pytest.mark.parametrize(
    "text",
    [
        "On hold for 2 hours and still no reply, thanks",
        "Nobody has called me back since Monday. Thanks a lot",
    ],
)
def test_thanks_after_a_clear_complaint_are_manners(cx: CxVaderScorer, text: str) -> None:
    # Given a clear complaint signed off with thanks; Then it stays negative
    assert cx.score(text).label == "negative"


@pytest.mark.parametrize(
    "text",
    [
        "Thanks for the lovely dinner last night",
        "Is the museum open on Sunday?",
        "The storm was awful and the roads were flooded",
        "Thank you, that was a wonderful concert",
        "I lost my keys at the park",
    ],
)
def test_ordinary_text_still_scores_as_plain_vader(
    cx: CxVaderScorer, plain: PlainVaderScorer, text: str
) -> None:
    # Given everyday text with no service language; Then CX adds nothing to VADER's reading
    assert rule_hits(normalise(text)) == []
    # The rules add nothing; the learned layer (fused on top) may, so the rules alone are compared
    assert CxVaderScorer(learned=False).score(text).score == pytest.approx(plain.score(text).score)
