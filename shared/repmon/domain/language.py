"""Cheap language identification: writing system first, then stop words.

Good enough to decide "score with the English lexicon or not"; not a general identifier.
English is the default for Latin text: a short complaint ("flight delayed again") carries no
stop words at all, and calling it foreign would silently drop it from the brand's numbers.
Text with no letters (only handles, links, emoji, digits) is 'und'; callers may still score it.
"""

from __future__ import annotations

import re

UNDETERMINED = "und"

_NOISE = re.compile(r"https?://\S+|www\.\S+|[@#]\w+|&\w+;")
_WORD = re.compile(r"[^\W\d_]+")


# Frequent function words that are rare in English text; words shared with English are left out
# of the other lists ("in", "me", "no", "a") so that they cannot outvote it.
def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_STOPWORDS: dict[str, frozenset[str]] = {
    "en": _words(
        "the and is are was were to of you your my for this that with have has not it i be on at we "
        "they just what why how can will me so but get been from an or do did no any would our "
        "been when there if all about out up"
    ),
    "es": _words(
        "el la los las que y en por para con una es está pero muy mi su del al se lo como más "
        "gracias hola qué ya hay tiene estoy esto este esta son fue"
    ),
    "fr": _words(
        "le la les des et est une du je pas pour que avec dans sur vous nous mon très merci "
        "bonjour ce il elle qui au mais ne sont été cette"
    ),
    "de": _words(
        "der die das und ist nicht ich ein eine mit auf den zu für sehr danke wir sie es auch "
        "mein von dem bei noch aber wie war sind keine"
    ),
    "it": _words(
        "il lo gli che è di e un una per non sono con del della mi molto grazie ciao ma questo "
        "ho hai anche perché"
    ),
    "pt": _words(
        "o os que não é um uma com para do da em muito obrigado obrigada meu minha mas você está isso foi são"
    ),
    "nl": _words("de het een en is niet ik van dat op met voor zijn wij je bedankt maar ook nog heb"),
    "sv": _words("och är att det inte jag med för på en som har till men tack"),
    "pl": _words("nie się jest że na to w z do jak dziękuję ale mam już"),
    "tr": _words("ve bir bu için çok ama değil ile teşekkürler ben"),
    "id": _words("dan yang tidak saya ini itu dengan untuk terima kasih ada sudah"),
}

# Letters that only some Latin-script languages use: a hint worth one stop word each.
_LETTER_HINTS: dict[str, str] = {
    "ñ": "es",
    "¿": "es",
    "¡": "es",
    "ã": "pt",
    "õ": "pt",
    "ß": "de",
    "ä": "de",
    "ö": "de",
    "ü": "de",
    "å": "sv",
    "ł": "pl",
    "ż": "pl",
    "ś": "pl",
    "ą": "pl",
    "ę": "pl",
    "ğ": "tr",
    "ş": "tr",
    "ı": "tr",
}

# (first code point, last code point, language) for scripts that identify a language.
_SCRIPTS: tuple[tuple[int, int, str], ...] = (
    (0x0370, 0x03FF, "el"),
    (0x0400, 0x04FF, "ru"),
    (0x0590, 0x05FF, "he"),
    (0x0600, 0x06FF, "ar"),
    (0x0900, 0x097F, "hi"),
    (0x0E00, 0x0E7F, "th"),
    (0x1100, 0x11FF, "ko"),
    (0x3040, 0x30FF, "ja"),
    (0x4E00, 0x9FFF, "zh"),
    (0xAC00, 0xD7AF, "ko"),
)
_REFINE = {"ru": ("іїєґ", "uk"), "ar": ("پچژگ", "fa")}


def _script_language(letters: str) -> str | None:
    """The language of the dominant non-Latin script, or None when Latin letters dominate."""
    counts: dict[str, int] = {}
    for char in letters:
        code = ord(char)
        if code < 0x0370:
            continue
        for first, last, language in _SCRIPTS:
            if first <= code <= last:
                counts[language] = counts.get(language, 0) + 1
                break
    if not counts or sum(counts.values()) * 2 < len(letters):
        return None
    # Japanese mixes kana with Han characters; any kana means Japanese, not Chinese.
    language = "ja" if "ja" in counts else max(counts, key=counts.__getitem__)
    marks, refined = _REFINE.get(language, ("", ""))
    return refined if any(mark in letters for mark in marks) else language


def _latin_language(words: list[str], letters: str) -> str:
    hits = {language: sum(word in stops for word in words) for language, stops in _STOPWORDS.items()}
    for char in set(letters):
        hinted = _LETTER_HINTS.get(char)
        if hinted:
            hits[hinted] += 1
    english = hits.pop("en")
    best = max(hits, key=hits.__getitem__)
    # Another language must clearly outweigh English: two hits at least and twice English's count.
    return best if hits[best] >= 2 and hits[best] > 2 * english else "en"


def detect_language(text: str) -> str:
    """ISO 639-1 code of `text`'s language, 'und' when there is nothing to tell it by."""
    cleaned = _NOISE.sub(" ", text).lower()
    words = _WORD.findall(cleaned)
    if not words:
        return UNDETERMINED
    letters = "".join(words)
    if not letters.isascii():
        by_script = _script_language(letters)
        if by_script:
            return by_script
    return _latin_language(words, letters)


#: What the sentiment scorers read: English, or text too short to tell (an emoji, "ok").
SCORED_LANGUAGES = ("en", UNDETERMINED)


def scorable(text: str) -> bool:
    """Whether a scorer reads `text` (else it is `unscored`: empty, or in another language)."""
    return bool(text.strip()) and detect_language(text) in SCORED_LANGUAGES
