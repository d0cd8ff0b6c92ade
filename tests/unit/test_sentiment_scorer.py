"""The CX scorer reads complaints that plain VADER calls neutral, and keeps ordinary text as VADER does."""

from __future__ import annotations

import pytest

from repmon.adapters.vader_scorer import CxVaderScorer, PlainVaderScorer
from repmon.domain.cx_rules import blend_rating, normalise, rule_hits
from repmon.domain.models import SentimentLabel
from repmon.ports import SentimentScorer


@pytest.fixture(scope="module")
def cx() -> CxVaderScorer:
    return CxVaderScorer()


@pytest.fixture(scope="module")
def plain() -> PlainVaderScorer:
    return PlainVaderScorer()


def test_plain_vader_misses_a_complaint_that_cx_reads(cx: CxVaderScorer, plain: PlainVaderScorer) -> None:
    # Given a complaint with no emotional word; Then plain VADER shrugs and CX does not
    text = "Been on hold for 2 hours, nobody picks up"
    assert plain.score(text).label != "negative"
    assert cx.score(text).label == "negative"


def test_both_scorers_implement_the_port(cx: CxVaderScorer, plain: PlainVaderScorer) -> None:
    scorers: list[SentimentScorer] = [cx, plain]
    assert all(scorer.score("fine").label is not None for scorer in scorers)


@pytest.mark.parametrize(
    "text",
    [
        "My parcel was delayed twice and still no update from support",
        "Been on hold for 2 hours, nobody picks up",
        "They cancelled my booking and I am still waiting for the refund",
        "Order never arrived and no response to three emails",
        "The app is down again, cannot log in since this morning",
        "Lost my luggage on the way to Oslo, no one at the desk",
    ],
)
def test_service_failures_are_negative(cx: CxVaderScorer, text: str) -> None:
    # Given a complaint made of service-failure words, with no emotional word in it
    # When the CX scorer reads it
    verdict = cx.score(text)
    # Then the CX scorer calls it negative and says why
    assert verdict.label == "negative"
    assert verdict.score < 0
    assert verdict.reasons


@pytest.mark.parametrize(
    "text",
    [
        "Thanks for the 3 hour delay, really made my day",
        "Great, another cancellation. Love it",
        "Just perfect, lost my bag on a direct train",
        "Love being on hold all afternoon",
    ],
)
def test_sarcasm_turns_praise_negative(cx: CxVaderScorer, text: str) -> None:
    # Given praise wrapped around a failure; When scored; Then CX sees the complaint
    verdict = cx.score(text)
    assert verdict.label == "negative"
    assert any(reason.startswith("sarcasm") for reason in verdict.reasons)


def test_a_polite_complaint_is_negative(cx: CxVaderScorer) -> None:
    # Given a complaint wrapped in please and thanks
    text = "Please help, my delivery is 5 days late and the tracking page is not working. Thanks"
    # Then the manners do not outweigh the failure
    assert cx.score(text).label == "negative"


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("The crew was wonderful and the seats were comfy!", "positive"),
        ("Absolutely love the new app, so easy to use", "positive"),
        ("No worries, thanks for sorting it out so quickly!", "positive"),
        ("What time does the lounge open at the north terminal?", "neutral"),
        ("I moved my booking to Friday", "neutral"),
        ("This is the worst support I have ever dealt with", "negative"),
    ],
)
def test_ordinary_text_keeps_its_meaning(cx: CxVaderScorer, text: str, label: str) -> None:
    assert cx.score(text).label == label


def test_negation_and_but_work_as_in_vader(cx: CxVaderScorer) -> None:
    # Given VADER's own contrast and negation rules; Then CX keeps them
    assert cx.score("The food was not good").label == "negative"
    assert cx.score("The seat was cramped but the crew was fantastic and kind").label == "positive"


def test_handles_links_hashtags_and_emoji_are_normalised(cx: CxVaderScorer) -> None:
    # Given a text whose sentiment sits in a hashtag and an emoji
    assert normalise("@AcmeAir hi #NeverAgain 😡 https://t.co/x") == "hi Never Again angry"
    # Then the emoji alone carries the sentiment
    assert cx.score("@AcmeAir 😡😡").label == "negative"


def test_reasons_are_readable_and_bounded(cx: CxVaderScorer) -> None:
    verdict = cx.score("Stuck at the gate for 4 hours, flight delayed again, terrible")
    assert 1 <= len(verdict.reasons) <= 4
    assert all(isinstance(reason, str) and reason for reason in verdict.reasons)


def test_scores_stay_in_range(cx: CxVaderScorer) -> None:
    texts = ["awful " * 50, "amazing!!! " * 50, "still waiting " * 40, "?" * 30]
    assert all(-1.0 <= cx.score(text).score <= 1.0 for text in texts)


@pytest.mark.parametrize("text", ["", "   ", "\n\t"])
def test_empty_text_is_unscored(cx: CxVaderScorer, text: str) -> None:
    verdict = cx.score(text)
    assert verdict.label is None
    assert verdict.score == 0.0
    assert verdict.reasons == ("unscored: empty text",)


def test_other_languages_are_unscored(cx: CxVaderScorer) -> None:
    verdict = cx.score("El pedido no ha llegado y nadie contesta en el teléfono")
    assert (verdict.label, verdict.score, verdict.language) == (None, 0.0, "es")
    assert verdict.reasons == ("unscored: language es",)


def test_one_star_with_polite_text_is_negative(cx: CxVaderScorer) -> None:
    # Given a 1-star review in friendly words
    verdict = cx.score("Thank you for the quick reply, appreciate it", rating=1)
    # Then the stars decide, and the reasons say so
    assert verdict.label == "negative"
    assert verdict.score < 0
    assert verdict.reasons[0] == "rating: 1 star"


def test_five_stars_are_positive_unless_the_text_is_strongly_negative(cx: CxVaderScorer) -> None:
    assert cx.score("It works", rating=5).label == "positive"
    assert cx.score("Worst app ever, crashes every time, horrible and useless", rating=5).label == "negative"


@pytest.mark.parametrize(
    ("rating", "text_score", "label"),
    [
        (1, 0.9, "negative"),
        (2, 0.8, "neutral"),
        (2, 0.1, "negative"),
        (3, 0.1, "neutral"),
        (3, -0.7, "negative"),
    ],
)
def test_rating_blend(rating: int, text_score: float, label: str) -> None:
    text_label: SentimentLabel = "positive" if text_score > 0 else "negative"
    blended, score, reason = blend_rating(text_label, text_score, rating)
    assert blended == label
    assert -1.0 <= score <= 1.0
    assert reason.startswith("rating:")


def test_rule_hits_name_the_failure() -> None:
    reasons = {hit.reason for hit in rule_hits("on hold for hours and still no response")}
    assert {"on hold", "hours lost", "no response"} <= reasons


@pytest.mark.parametrize(
    "text",
    [
        "Well... that was FAST!!! :) but, honestly, not great?!?",
        ",cat cat, ,cat, !!!wow wow!?!? don't! 'quoted' -x ab. .ab a. x!!!!! :-( ... it's. U.S.",
        "@AcmeAir #fail refund pls!!",
    ],
)
def test_fast_tokeniser_matches_vader(text: str) -> None:
    # Given VADER's own tokeniser and our faster one; Then they split text identically
    from nltk.sentiment.vader import SentiText, VaderConstants

    from repmon.adapters.vader_scorer import _FastSentiText

    constants = VaderConstants()
    args = (text, constants.PUNC_LIST, constants.REGEX_REMOVE_PUNCTUATION)
    assert _FastSentiText(*args).words_and_emoticons == SentiText(*args).words_and_emoticons


def test_a_review_in_another_language_counts_through_its_stars(cx: CxVaderScorer) -> None:
    # Given a German review with one star: the text is not read, the stars are
    verdict = cx.score("Die App stürzt ständig ab und der Kundendienst antwortet nicht.", rating=1)
    assert (verdict.label, verdict.score, verdict.language) == ("negative", -1.0, "de")
    assert verdict.reasons == ("1-star rating (text in de not scored)",)
    assert cx.score("Die App ist sehr gut und schnell.", rating=5).label == "positive"
    assert cx.score("Die App ist in Ordnung.", rating=3).label == "neutral"
