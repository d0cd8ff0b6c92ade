"""Each customer-experience rule, pinned on invented sentences; ordinary text stays plain VADER."""

from __future__ import annotations

import pytest

from repmon.adapters.vader_scorer import CxVaderScorer, PlainVaderScorer
from repmon.domain.cx_normalise import handle_words
from repmon.domain.cx_rules import RULES, normalise, rule_hits


@pytest.fixture(scope="module")
def cx() -> CxVaderScorer:
    return CxVaderScorer()


@pytest.fixture(scope="module")
def plain() -> PlainVaderScorer:
    return PlainVaderScorer()


def reasons_of(text: str) -> set[str]:
    return {hit.reason for hit in rule_hits(normalise(text))}


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("Waiting since 6am at the desk", "waiting since"),
        ("Queued since yesterday for a callback", "waiting since"),
        ("Took 3 weeks to get my money back", "days lost"),
        ("Three emails and they haven't replied", "no reply"),
        ("Still nobody has got back to me", "nobody helps"),
        ("Customer service did nothing", "nothing done"),
        ("The agent laughed and the supervisor refused to talk to me", "staff did not help"),
        ("They charged me twice for one seat", "charged"),
        ("I was hoping for a refund by now", "hoped for better"),
        ("It would have been nice to get a warning", "would have been nice"),
        ("You guys should do better", "expected better"),
        ("Come on, what's the point of the app", "exasperation"),
        ("PLEASE HELP, NOBODY answers the phone", "shouting"),
        ("The banking app keeps crashing on login", "keeps failing"),
        ("Your website won't load on my phone", "keeps failing"),
        ("Got an error message at checkout", "keeps failing"),
        ("I just want my money back", "wants money back"),
        ("Hidden fees on top of the room rate", "wants money back"),
        ("Been trying to cancel my contract for weeks", "tried again and again"),
        ("Where is my refund", "where is it"),
        ("They treat customers like dirt", "treated badly"),
        ("The store staff were less than helpful", "treated badly"),
        ("Phone wait times are over an hour", "long wait"),
        ("Massive queues at the counter", "long wait"),
    ],
)
def test_each_rule_names_its_complaint(cx: CxVaderScorer, text: str, reason: str) -> None:
    # Given a complaint with no emotional word; When scored; Then the rule fires and says why
    assert reason in reasons_of(text)
    verdict = cx.score(text)
    assert verdict.label == "negative"
    assert reason in verdict.reasons


@pytest.mark.parametrize(
    "text",
    [
        "@SpiritAirlines Spirit lost my bag",
        "@united United never called me back",
    ],
)
def test_the_brand_name_is_not_praise(cx: CxVaderScorer, text: str) -> None:
    # Given a brand whose name is a positive word in VADER; Then the name does not soften the complaint
    verdict = cx.score(text)
    assert verdict.label == "negative"
    assert not {"spirit", "united"} & set(verdict.reasons)


def test_handle_words_split_camel_case() -> None:
    assert handle_words("hi @SpiritAirlines and @acme_co") >= {"spiritairlines", "spirit", "airlines", "acme"}


@pytest.mark.parametrize(
    "text",
    [
        "No wait time at all and the staff were lovely",
        "Short wait times, friendly tellers",
        "They treat you like family here",
        "The game never crashes, love it",
    ],
)
def test_a_review_that_names_a_failure_it_did_not_have_is_not_a_complaint(
    cx: CxVaderScorer, text: str
) -> None:
    assert not {"long wait", "treated badly", "keeps failing"} & reasons_of(text)
    assert cx.score(text).label != "negative"


@pytest.mark.parametrize(
    "text",
    [
        "Thanks so much for the awesome support, you guys rock!",
        "Hope you have a great weekend",
        "I wish you a happy new year",
        "It would be great to see you again",
    ],
)
def test_praise_that_looks_like_a_rule_stays_praise(cx: CxVaderScorer, text: str) -> None:
    assert cx.score(text).label == "positive"


@pytest.mark.parametrize(
    "text",
    [
        "The weather was lovely and the hotel was great.",
        "I love my new phone",
        "This movie is terrible",
        "I had soup for lunch.",
        "We stayed for several days in Rome",
        "The museum opens at nine and closes at five",
        "She is a wonderful teacher and her students adore her",
        "What a boring, ugly, pointless film",
    ],
)
def test_ordinary_text_scores_as_plain_vader(cx: CxVaderScorer, plain: PlainVaderScorer, text: str) -> None:
    # Given everyday text with no service language; Then CX adds nothing to VADER's reading
    assert rule_hits(normalise(text)) == []
    # The rules add nothing; the learned layer (fused on top) may, so the rules alone are compared
    assert CxVaderScorer(learned=False).score(text).score == pytest.approx(plain.score(text).score)


def test_every_rule_has_a_readable_reason() -> None:
    assert all(rule.reason and rule.reason[0].isalpha() for rule in RULES)
    assert all(-4.0 <= rule.valence <= 4.0 for rule in RULES)


@pytest.mark.parametrize(
    "text",
    [
        "They never sorted out the issue",
        "they never solved the problems with my account",
        "Support never resolved my issue",
        "Never had such a bad experience with an airline",
        "never been so disappointed",
        "never got my refund",
        "never again",
    ],
)
def test_never_that_says_nothing_was_done_is_a_complaint(text: str) -> None:
    assert "never" in {hit.reason for hit in rule_hits(normalise(text))}


@pytest.mark.parametrize(
    "text",
    [
        "The app never crashes",
        "never had a single issue with them",
        "never once late",
        "Never been happier with a bank",
        "Never seen such friendly staff",
        "Never had better service",
        "never had a bad experience",
    ],
)
def test_never_that_denies_a_failure_or_praises_is_no_complaint(text: str) -> None:
    assert "never" not in {hit.reason for hit in rule_hits(normalise(text))}


@pytest.mark.parametrize(
    "text",
    [
        "They charge you every time you call",
        "Sent the laptop back again, third repair",
        "The bug is back again after the update",
        "Internet down here again",
        "Had to chase them again for my refund",
    ],
)
def test_again_in_a_complaint_is_read(text: str) -> None:
    assert "again" in {hit.reason for hit in rule_hits(normalise(text))}


@pytest.mark.parametrize(
    "text",
    ["It would be great to see you again", "would buy again", "Would fly with them again", "thanks again!"],
)
def test_again_in_a_wish_to_return_or_thanks_is_not(text: str) -> None:
    assert "again" not in {hit.reason for hit in rule_hits(normalise(text))}
