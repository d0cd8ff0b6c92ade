"""Text as a lexicon should read it: the first step of the customer-experience scorer.

Links and @handles are dropped, #hashtags read as words (CamelCase split), emoji become words
the lexicon knows, and praise phrased with a negation ("no worries") becomes one plain word.
`handle_words` names the brands a text addresses, so "@united ... United lost my bag" does not
count the brand's own name as praise.
"""

from __future__ import annotations

import re

_URL = re.compile(r"https?://\S+|www\.\S+")
_HANDLE = re.compile(r"(?<![\w@])@\w+")
_HASHTAG = re.compile(r"#(\w+)")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
#: Complaint words run together in a lower-case hashtag ("#unitedfail", "#nothappy"), set apart.
_TAG_WORDS = re.compile(
    r"(worst|fail|sucks|horrible|terrible|awful|ruined|disappointed|unacceptable|ridiculous|shameful"
    r"|angry|wtf|lame|unfriendly|unhappy|^not(?=happy|helpful|cool|ok|okay|impressed)"
    r"|^never(?=again)|^no(?=answer|help|service|response))"
)
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

#: Praise phrased with a negation ("no worries") that VADER reads as negative, as one plain word.
_IDIOMS: tuple[tuple[str, str], ...] = (
    (r"no (?:worries|problems?|complaints)", "fine"),
    (r"no hassle", "easy"),
    (r"what'?s not to (?:like|love)", "likeable"),
    (r"(?:no|not a) big deal|no biggie", "all good"),
    (r"can'?t wait", "excited"),
    (r"couldn'?t be (?:happier|more (?:thankful|grateful|pleased))", "delighted"),
    (r"can'?t thank (?:you|u) enough", "grateful"),
    (r"(?:never|didn'?t|won'?t) disappoints?", "reliable"),
)
_IDIOM = [(re.compile(rf"\b{pattern}\b", re.IGNORECASE), word) for pattern, word in _IDIOMS]


def _idioms(text: str) -> str:
    for pattern, word in _IDIOM:
        text = pattern.sub(word, text)
    return text


def _hashtag_words(tag: str) -> str:
    """A hashtag as words: CamelCase split, complaint words in a lower-case tag set apart."""
    if tag.islower():
        return " ".join(_TAG_WORDS.sub(r" \1 ", tag).split())
    return _CAMEL.sub(" ", tag)


def normalise(text: str) -> str:
    """Text as the lexicon should read it: no links or handles, hashtags and emoji as words."""
    for entity, char in _ENTITY.items():
        text = text.replace(entity, char)
    text = _URL.sub(" ", text)
    text = _HANDLE.sub(" ", text)
    text = _HASHTAG.sub(lambda match: _hashtag_words(match.group(1)), text)
    text = _EMOJI.sub(lambda match: f" {EMOJI_WORDS[match.group(0)]} ", text)
    return _idioms(" ".join(text.split()))


def handle_words(text: str) -> frozenset[str]:
    """Lower-cased words of the @handles in `text` ("@SpiritAir" gives spiritair, spirit, air).

    A brand's name is not an opinion about it: "@united United lost my bag" must not read
    "united" (+1.8 in VADER) as praise, nor "@SpiritAirlines" "spirit".
    """
    words: set[str] = set()
    for handle in _HANDLE.findall(text):
        name = handle[1:]
        words.add(name.lower())
        words.update(part.lower() for part in _CAMEL.sub(" ", name).replace("_", " ").split())
    return frozenset(words)
