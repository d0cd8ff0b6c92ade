"""Customer-experience rules on top of a lexicon scorer: pure text work, no nltk.

General-purpose lexicons read "my flight was delayed 3 hours, still waiting" as neutral: the
words of service failure (delays, holds, lost bags, silence) are not emotional words. This module
holds what the CX scorer adds, as data and plain functions the adapter applies:

* `normalise`: links and @handles dropped, #hashtags read as words (CamelCase split), emoji
  turned into words the lexicon knows.
* `CX_LEXICON`: service-failure words the base lexicon lacks or reads too softly.
* `rule_hits`: phrase rules ("on hold", "for hours", "no response", "never arrived") and sarcasm
  ("thanks for the 3 hour delay", "great, another cancellation"), each with a valence on
  VADER's -4..+4 scale and a reason a reputation manager can read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from repmon.domain.models import SentimentLabel

#: Text scores beyond this (either way) may override a review's stars.
_STRONG_TEXT = 0.5

_URL = re.compile(r"https?://\S+|www\.\S+")
_HANDLE = re.compile(r"(?<![\w@])@\w+")
_HASHTAG = re.compile(r"#(\w+)")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_ENTITY = {"&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&#39;": "'"}

#: Emoji as words: nltk's VADER reads only ASCII emoticons. Hand-set, the common ones in complaints.
EMOJI_WORDS: dict[str, str] = {
    "😡": "angry",
    "😠": "angry",
    "🤬": "furious",
    "😤": "frustrated",
    "😒": "annoyed",
    "🙄": "annoyed",
    "😩": "frustrated",
    "😫": "frustrated",
    "😢": "sad",
    "😭": "sad",
    "😞": "disappointed",
    "😔": "disappointed",
    "👎": "bad",
    "💩": "awful",
    "😍": "love",
    "❤": "love",
    "💕": "love",
    "😊": "happy",
    "🙂": "happy",
    "😀": "happy",
    "😁": "happy",
    "👍": "good",
    "👏": "great",
    "🙌": "great",
    "🎉": "great",
}
_EMOJI = re.compile("|".join(map(re.escape, EMOJI_WORDS)))

#: Service-failure words the base lexicon lacks (or scores as mild as "cancel a meeting").
CX_LEXICON: dict[str, float] = {
    "delay": -1.5,
    "late": -1.2,
    "delays": -1.5,
    "delayed": -1.5,
    "canceled": -1.5,
    "cancelled": -1.5,
    "cancellation": -1.5,
    "cancellations": -1.5,
    "stranded": -2.0,
    "overbooked": -1.5,
    "outage": -2.0,
    "unhelpful": -2.0,
    "unresponsive": -2.0,
    "disconnected": -1.2,
    "nightmare": -2.5,
    "glitch": -1.2,
    "buggy": -1.8,
    "crashed": -1.7,
    "crashes": -1.7,
    "refund": -0.8,
    "hassle": -1.2,
    "cramped": -1.2,
    "waitlisted": -0.8,
    "rebooked": -0.5,
    "unprofessional": -2.0,
}

#: Praise phrased with a negation ("no worries") that VADER reads as negative, as one plain word.
_IDIOMS: tuple[tuple[str, str], ...] = (
    (r"no (?:worries|problems?|complaints)", "fine"),
    (r"no hassle", "easy"),
    (r"can'?t wait", "excited"),
    (r"couldn'?t be (?:happier|more (?:thankful|grateful|pleased))", "delighted"),
    (r"can'?t thank (?:you|u) enough", "grateful"),
    (r"(?:never|didn'?t|won'?t) disappoints?", "reliable"),
)
_IDIOM = [(re.compile(rf"\b{pattern}\b", re.IGNORECASE), word) for pattern, word in _IDIOMS]

#: Request words: in a message to customer service "please help" asks, it does not praise.
REQUEST_WORDS = ("please", "pls", "plz", "help")

#: Words that are politeness, not praise, in a message to customer service ("please help").
POLITE_WORDS = frozenset({"please", "pls", "plz", "help", "thanks", "thank", "thx", "ty", "appreciate"})


@dataclass(frozen=True, slots=True)
class RuleHit:
    """A phrase rule that matched: its valence and the reason shown to people."""

    reason: str
    valence: float
    sarcasm: bool = False


_PRAISE = r"(?:thanks?(?: you)?|thx|great|love|awesome|nice|perfect|wonderful|fantastic|brilliant|lovely)"
_FAILURE = (
    r"(?:delay\w*|cancel\w*|wait\w*|hold|hours?|hrs?|nothing|lost|losing|ruin\w*|strand\w*|stuck|"
    r"missed|broken|leaving|late)"
)
_NUMBER = r"(?:\d+|an?|one|two|three|four|five|six|seven|eight|nine|ten|several|many|\d+\+)"

# (pattern, valence, reason, sarcasm). Patterns run on lower-cased normalised text.
_RULES: tuple[tuple[str, float, str, bool], ...] = (
    (
        rf"\b{_PRAISE},? (?:\w+ ){{0,3}}for (?:\w+ ){{0,4}}{_FAILURE}\b",
        -2.5,
        "sarcasm: thanks for the failure",
        True,
    ),
    (rf"\b{_PRAISE}[,.!]* (?:yet )?(?:another|more)\b", -2.5, "sarcasm: great, another one", True),
    (
        r"\bjust (?:great|perfect|wonderful|fantastic|awesome|lovely|brilliant)\b",
        -2.0,
        "sarcasm: just great",
        True,
    ),
    (
        r"\b(?:love|loving|enjoy|enjoying) (?:it )?(?:when|being|sitting|waiting|spending)\b",
        -2.0,
        "sarcasm",
        True,
    ),
    (r"\b(?:so much for|thanks for nothing|big surprise|what a surprise)\b", -2.0, "sarcasm", True),
    (r"\b(?:on|placed on|put on) hold\b", -1.5, "on hold", False),
    (rf"\b(?:for|over|after|than) {_NUMBER} ?(?:hours?|hrs?)\b|\bfor hours\b", -1.5, "hours lost", False),
    (rf"\b{_NUMBER} ?(?:hours?|hrs?)\b", -0.8, "hours", False),
    (
        r"\bstill (?:waiting|no|not|nothing|haven'?t|hasn'?t|don'?t|can'?t|stuck|sitting|on)\b",
        -1.5,
        "still waiting",
        False,
    ),
    (r"\b(?:been|keep|kept) waiting\b", -1.2, "still waiting", False),
    (
        r"\b(?:no|zero|without|never got an?|never received an?) (?:reply|response|answer|update|info"
        r"|information|help|call ?back|communication|explanation|notice|one|refund)\b",
        -1.8,
        "no response",
        False,
    ),
    (r"\b(?:nobody|no one|noone)\b", -1.2, "nobody helps", False),
    (
        r"\bnever (?:arrived|showed|came|received|got|heard|called|responded|answered|again)\b",
        -2.0,
        "never arrived",
        False,
    ),
    (
        r"\b(?:lost|missing|damaged|broken|delayed|misplaced) (?:my |our |the )?(?:bag|bags|luggage|suitcase|"
        r"baggage|stroller|package|parcel|order|delivery)\b",
        -1.5,
        "lost bag",
        False,
    ),
    (r"\b(?:hung up|cut off)\b", -1.5, "hung up", False),
    (r"(?<!thanks )(?<!thank you )\b(?:again|every time|as usual)\b", -0.8, "again", False),
    (r"\bstill\b", -0.8, "still", False),
    (r"\bnever\b", -0.8, "never", False),
    (r"\bwhy\b", -1.0, "why?", False),
    (r"\?\?|\?!|!\?|\b(?:really|seriously|wow)\?", -1.0, "exasperated question", False),
    (
        r"\b(?:can'?t|cannot|couldn'?t|could not|unable to|haven'?t|hasn'?t|didn'?t|doesn'?t|won'?t|wasn'?t"
        r"|weren'?t|isn'?t|aren'?t|did not|does not|has not|have not|will not|was not)\b",
        -0.8,
        "something did not happen",
        False,
    ),
    (r"\b(?:supposed to|was told|were told|promised)\b", -1.0, "broken promise", False),
    (rf"\b{_NUMBER} ?(?:min|mins|minutes)\b", -0.8, "minutes lost", False),
    (
        r"\b(?:stuck|sitting|sat|waiting) (?:on|at|in) (?:the |a )?"
        r"(?:tarmac|plane|runway|gate|airport|line|queue)\b",
        -1.2,
        "stuck waiting",
        False,
    ),
    (r"\b(?:fix|do better)\b", -0.8, "asks for a fix", False),
    (
        r"\b(?:can'?t|cannot|unable to|couldn'?t) "
        r"(?:get through|reach|get a hold|log ?in|sign in|access|connect)\b",
        -1.3,
        "can't get through",
        False,
    ),
    (r"\b(?:doesn'?t|does not|didn'?t|won'?t|isn'?t|not) work(?:ing|s)?\b", -1.8, "not working", False),
    (r"\bis (?:down|broken)\b|\b(?:outage|went down)\b", -1.5, "outage", False),
    (
        r"\bmiss(?:ed)? (?:my|our|the) (?:connection|connecting|flight|appointment)\b",
        -1.5,
        "missed connection",
        False,
    ),
    (r"\b(?:is a joke|what a joke|a complete joke)\b", -2.5, "a joke", True),
    (r"\bwould have been (?:nice|great|good|helpful)\b", -1.5, "would have been nice", True),
    (
        r"^[^?]*\b(?:is there|are there|do you|does it|can you|could you|can i|will (?:you|there|my|the|it)|"
        r"any (?:idea|chance|update|word|news|info)|when (?:will|is|does|do)|how (?:do|can) i)\b[^?.!]*\?",
        0.8,
        "asks for information",
        False,
    ),
    (r"\bwaste of (?:time|money)\b", -1.5, "waste of time", False),
    (
        r"\bhow (?:is|was) (?:this|that|it) (?:acceptable|ok|okay|possible|fair)\b",
        -1.5,
        "unacceptable",
        False,
    ),
)
_COMPILED = tuple(
    (re.compile(pattern), valence, reason, sarcasm) for pattern, valence, reason, sarcasm in _RULES
)


def _idioms(text: str) -> str:
    for pattern, word in _IDIOM:
        text = pattern.sub(word, text)
    return text


def normalise(text: str) -> str:
    """Text as the lexicon should read it: no links or handles, hashtags and emoji as words."""
    for entity, char in _ENTITY.items():
        text = text.replace(entity, char)
    text = _URL.sub(" ", text)
    text = _HANDLE.sub(" ", text)
    text = _HASHTAG.sub(lambda match: _CAMEL.sub(" ", match.group(1)), text)
    text = _EMOJI.sub(lambda match: f" {EMOJI_WORDS[match.group(0)]} ", text)
    return _idioms(" ".join(text.split()))


def rule_hits(normalised: str) -> list[RuleHit]:
    """Every phrase rule that matches the normalised text, at most once each."""
    lowered = normalised.lower()
    return [
        RuleHit(reason, valence, sarcasm)
        for pattern, valence, reason, sarcasm in _COMPILED
        if pattern.search(lowered)
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
