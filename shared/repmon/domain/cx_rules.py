"""Customer-experience rules on top of a lexicon scorer: pure text work, no nltk.

General-purpose lexicons read "my flight was delayed 3 hours, still waiting" as neutral: the
words of service failure (delays, holds, lost bags, silence) are not emotional words. What the
CX scorer adds lives in small modules, gathered here for the adapter:

* `cx_normalise`: links and @handles dropped, #hashtags and emoji read as words, the brand's
  own name recognised (`normalise`, `handle_words`).
* `cx_lexicon`: service-failure words the base lexicon lacks (`CX_LEXICON`).
* `cx_phrases` and `cx_tone`: phrase rules ("on hold", "no reply", "since 6am") and tone rules
  (sarcasm, exasperation, unmet expectations), each with a valence on VADER's -4..+4 scale and
  a reason a reputation manager can read; `rule_hits` applies them.
* `blend_rating`: a review's stars combined with its text's score.
"""

from __future__ import annotations

import re

from repmon.domain.cx_lexicon import CX_LEXICON, POLITE_WORDS, REQUEST_WORDS
from repmon.domain.cx_normalise import EMOJI_WORDS, handle_words, normalise
from repmon.domain.cx_phrases import BROKEN, NO_HELP, WAITING, Rule, RuleHit, question_clause
from repmon.domain.cx_tone import EXASPERATION, SARCASM, SHRUG, UNMET
from repmon.domain.models import SentimentLabel

__all__ = [
    "CX_LEXICON",
    "EMOJI_WORDS",
    "FAILURE",
    "POLITE_WORDS",
    "REQUEST_WORDS",
    "RULES",
    "Rule",
    "RuleHit",
    "blend_rating",
    "handle_words",
    "normalise",
    "rule_hits",
]

#: Text scores beyond this (either way) may override a review's stars.
_STRONG_TEXT = 0.5

#: Every phrase and tone rule, in the order their reasons are shown.
RULES: tuple[Rule, ...] = (*SARCASM, *WAITING, *NO_HELP, *BROKEN, *UNMET, *EXASPERATION, *SHRUG)
_COMPILED = tuple((re.compile(rule.pattern), rule) for rule in RULES)
#: Two or more shouted words of four letters or more ("PLEASE HELP", "WORST AIRLINE").
_SHOUTING = re.compile(r"\b[A-Z]{4,}\b(?:.*?\b[A-Z]{4,}\b)")
_SHOUT = Rule("", -0.8, "shouting")
#: A rule at or below this valence reads a failure, not just a hint of one: a complaint context.
FAILURE = -1.0


def rule_hits(normalised: str, negative_words: bool = False) -> list[RuleHit]:
    """Every rule that matches the normalised text, at most once each.

    Rules marked `complaint_only` (sarcasm, "still") are kept only in a complaint context: another
    rule that reads a failure (a weak hint such as "again" or shouting is not one), or `negative_words`
    (the lexicon found a negative word in the text).
    """
    lowered = normalised.lower()
    question = question_clause(lowered)
    matched = [rule for pattern, rule in _COMPILED if pattern.search(question if rule.question else lowered)]
    if _SHOUTING.search(normalised):
        matched.append(_SHOUT)
    complaint = negative_words or any(rule.valence <= FAILURE and not rule.complaint_only for rule in matched)
    return [
        RuleHit(rule.reason, rule.valence, rule.sarcasm, rule.mutes)
        for rule in matched
        if complaint or not rule.complaint_only
    ]


def blend_rating(
    text_label: SentimentLabel, text_score: float, rating: int
) -> tuple[SentimentLabel, float, str]:
    """Label and score of a review from its star rating and its text's score.

    Stars say how the customer felt; text says why, and polite words hide anger ("Thank you for
    the update, but still no refund" with 1 star). So the rating decides unless the text clearly
    contradicts it: 1-2 stars are negative (2 stars with strongly positive text: neutral);
    3 stars follow the text only when it is clear (|score| >= 0.5), else neutral; 4-5 stars are
    positive unless the text is strongly negative (<= -0.5), which then wins (people tap the
    wrong star, or rate the product and rant about the delivery). The score blends both,
    60% stars (mapped 1..5 to -1..+1) when the stars decide, 30% when the text overrides them.
    """
    stars = (min(max(rating, 1), 5) - 3) / 2
    strong = abs(text_score) >= _STRONG_TEXT
    label: SentimentLabel
    if rating <= 2:
        label = "neutral" if rating == 2 and strong and text_score > 0 else "negative"
    elif rating == 3:
        label = text_label if strong else "neutral"
    else:
        label = "negative" if strong and text_score < 0 else "positive"
    stars_decide = label == ("negative" if stars < 0 else "positive" if stars > 0 else "neutral")
    weight = 0.6 if stars_decide else 0.3
    score = weight * stars + (1 - weight) * text_score
    return label, _clamp(score, label), f"rating: {rating} star{'s' if rating != 1 else ''}"


def _clamp(score: float, label: SentimentLabel) -> float:
    """Keep the score in [-1, 1] and on the side of its label, so sums never contradict counts."""
    score = min(max(score, -1.0), 1.0)
    if label == "negative":
        return round(min(score, -0.05), 4)
    if label == "positive":
        return round(max(score, 0.05), 4)
    return round(min(max(score, -0.049), 0.049), 4) if abs(score) >= 0.05 else round(score, 4)
