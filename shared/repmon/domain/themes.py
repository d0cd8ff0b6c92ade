"""What the complaints are about: the few themes that several negative mentions share. Pure.

"flight cancelled (9 mentions), app down (5), refund (4)" tells a manager it is an outage without
reading five posts. Candidates come from two places:

* the scorer's reasons (`Sentiment.reasons`) that name a complaint ("on hold", "lost bag", "refund",
  "cancelled"); its verdicts ("worst"), tone ("sarcasm") and vague hints ("hours") are not themes;
* the words people use: phrases of one to three words in a sentence, once the brand's own name and
  query terms, stop words, handles and anything with a digit (flight numbers, times) are left out.
  Given the brand's `usual` mentions (before the trouble, any sentiment), a phrase must be at least
  twice as common in the complaints as there: "flight" is every airline's word, "Denver" a city.
  Without them a single word of the text is no theme (most often it is the brand's category:
  flight, card, app); a phrase of two or three words is.

A theme must be shared by several authors (two for a reason, three for the text's own words, and a
tenth of the negative mentions), so one mention's odd word or one author repeating himself never
makes one. Reasons are preferred (the
scorer read a complaint there); a reason is then named by the phrase most of its mentions share when
there is one ("cancelled" -> "flight cancelled", "outage" -> "app down"). Overlapping themes (shared
words, or mostly the same mentions) are told once. Reusable by any message about a brand (digests).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass

from repmon.domain.brand import Brand
from repmon.domain.cx_lexicon import CX_LEXICON
from repmon.domain.cx_phrases import BROKEN, NO_HELP, WAITING
from repmon.domain.models import ScoredMention
from repmon.domain.query import And, Node, Or, Term

#: How many themes a message names, and the share of negative mentions a theme needs (besides two).
LIMIT = 3
MIN_SHARE = 0.1
_MAX_WORDS = 3
#: Authors a phrase of the text needs, and how many times more common than usual it must be.
_TEXT_AUTHORS = 3
_LIFT = 2.0
#: Fewer usual mentions than this say nothing of what is usual.
_USUAL_MIN = 20
#: A reason is worth this many words of text; a phrase says more than a word at equal support.
_REASON_WEIGHT = 2.0
_WORD_BONUS = 0.25
#: Reasons and lexicon words that judge or hint, rather than say what went wrong.
#: ("never arrived" is also what the scorer says of "never again".)
_VAGUE = frozenset({"hours", "still", "never", "something did not happen", "minutes lost", "never arrived"})
_VERDICTS = frozenset(
    {"nightmare", "hassle", "atrocious", "disgraceful", "shoddy", "sloppy", "unprofessional", "unhelpful"}
)
_COMPLAINT_REASONS = (
    frozenset({r.reason for r in (*WAITING, *NO_HELP, *BROKEN)} | (set(CX_LEXICON) - _VERDICTS)) - _VAGUE
)
#: One spelling for words the scorer reads alike.
_CANONICAL = {"canceled": "cancelled", "cancellation": "cancelled", "cancellations": "cancelled"}
#: English function words, fillers and verdicts: never a theme, nor part of one. Negations stay.
_STOP_WORDS = """a about above after again against all also am an and any are as at be because been before
    being below between both but by could did do does doing during each even ever for from further had has
    have having he her here hers him his how i if in into is it its itself just let me more most my myself
    now of off on once only or other our ours out over own same she should so some such than that the
    their them then there these they this those through to too under until up very was we were what
    when where which while who whom why will with would you your yours am pm im ive id dont really
    absolutely totally literally today yesterday tonight tomorrow still already again anyone everyone
    someone every thing things stuff lot lots got get gets getting go going went says said say like one two
    please thanks thank thx hi hey ok okay yes yeah lol omg guys wow
    worst terrible awful horrible bad hate hated sucks great good love best amazing ridiculous joke
    pathetic disgusting shame seriously absolute chaos mess"""
_STOP = frozenset(_STOP_WORDS.split())
_NEGATIONS = frozenset({"no", "not", "never", "cant", "cannot", "wont", "didnt", "doesnt", "isnt", "nobody"})
_SENTENCES = re.compile(r"[.!?;:,()\[\]\n\"“”]+|\s[-–—]\s")
_TOKEN = re.compile(r"[@#]?[\w'’]+")


@dataclass(frozen=True, slots=True)
class Theme:
    """A complaint several negative mentions share, and how many of them share it."""

    phrase: str
    mentions: int


def brand_words(brand: Brand) -> frozenset[str]:
    """The brand's own words (name, id, positive query terms): every mention has them, none is a theme."""
    text = " ".join([brand.name, brand.id.replace("-", " "), *_terms(brand.compiled.root)])
    return frozenset(_bare(_plain(token)) for token in _TOKEN.findall(text.lower()))


def _terms(node: Node) -> list[str]:
    """Every term the query looks for (all branches; excluded terms are not the brand's words)."""
    if isinstance(node, Term):
        return [node.text]
    if isinstance(node, And | Or):
        return [text for operand in node.operands for text in _terms(operand)]
    return []


def themes(
    mentions: Iterable[ScoredMention],
    brand: Brand,
    limit: int = LIMIT,
    usual: Iterable[ScoredMention] = (),
) -> list[Theme]:
    """The top themes of the negative mentions, most shared first (ties: first said first)."""
    negatives = list({m.key: m for m in mentions if m.sentiment.label == "negative"}.values())
    need = max(2, math.ceil(MIN_SHARE * len(negatives)))
    own = brand_words(brand)
    reasons, phrases = _Found(), _Found()
    for n, sm in enumerate(negatives):
        author = sm.mention.author.id or sm.mention.author.handle or sm.key
        for reason in {_CANONICAL.get(r, r) for r in sm.sentiment.reasons} & _COMPLAINT_REASONS:
            reasons.add(reason, n, author)
        for phrase in _phrases(sm.mention.display_text, own):
            phrases.add(phrase, n, author)
    said = _distinctive(phrases.shared(max(need, _TEXT_AUTHORS)), len(negatives), list(usual), own)
    return _pick(reasons.shared(need), said, limit)


def _distinctive(
    phrases: dict[str, set[int]], negatives: int, usual: list[ScoredMention], own: frozenset[str]
) -> dict[str, set[int]]:
    """The phrases at least _LIFT times as common in the complaints as in the usual mentions."""
    if len(usual) < _USUAL_MIN:
        return {p: m for p, m in phrases.items() if " " in p}
    counts = dict.fromkeys(phrases, 0)
    for sm in usual:
        for phrase in _phrases(sm.mention.display_text, own) & counts.keys():
            counts[phrase] += 1
    return {
        p: m for p, m in phrases.items() if len(m) / negatives >= _LIFT * (counts[p] + 1) / (len(usual) + 1)
    }


class _Found:
    """Candidates with the mentions and authors that said each, in order of first use."""

    def __init__(self) -> None:
        self.mentions: dict[str, set[int]] = {}
        self.authors: dict[str, set[str]] = {}

    def add(self, phrase: str, mention: int, author: str) -> None:
        self.mentions.setdefault(phrase, set()).add(mention)
        self.authors.setdefault(phrase, set()).add(author)

    def shared(self, need: int) -> dict[str, set[int]]:
        return {p: m for p, m in self.mentions.items() if len(self.authors[p]) >= need and len(m) >= need}


def _pick(reasons: dict[str, set[int]], phrases: dict[str, set[int]], limit: int) -> list[Theme]:
    scored = [(_REASON_WEIGHT * len(m), min(m), True, p, m) for p, m in reasons.items()]
    scored += [(len(m) * (1 + _WORD_BONUS * p.count(" ")), min(m), False, p, m) for p, m in phrases.items()]
    scored.sort(key=lambda c: (-c[0], c[1], not c[2], c[3]))
    chosen: list[tuple[str, set[int]]] = []
    for _, _, is_reason, phrase, mentions in scored:
        if is_reason:
            phrase, mentions = _named(phrase, mentions, phrases)
        if not any(_overlap(phrase, mentions, p, m) for p, m in chosen):
            chosen.append((phrase, mentions))
        if len(chosen) == limit:
            break
    chosen.sort(key=lambda c: -len(c[1]))  # most shared first, as the counts read
    return [Theme(p, len(m)) for p, m in chosen]


def _named(reason: str, mentions: set[int], phrases: dict[str, set[int]]) -> tuple[str, set[int]]:
    """A reason under the words most of its mentions use ("outage" -> "app down"), if there are some."""
    inside = [
        (len(m & mentions), p.count(" "), p)
        for p, m in phrases.items()
        if " " in p and len(m & mentions) * 3 >= len(mentions) * 2 and len(m & mentions) * 5 >= len(m) * 4
    ]
    if not inside:
        return reason, mentions
    _, _, phrase = max(inside, key=lambda c: (c[0], reason in c[2].split(), c[1]))
    return phrase, mentions


def _overlap(a: str, a_mentions: set[int], b: str, b_mentions: set[int]) -> bool:
    """The same theme twice: a word in common (not a negation), or mostly the same mentions."""
    if {_bare(w) for w in a.split()} & {_bare(w) for w in b.split()} - _NEGATIONS:
        return True
    return len(a_mentions & b_mentions) * 5 >= min(len(a_mentions), len(b_mentions)) * 4


def _phrases(text: str, own: frozenset[str]) -> set[str]:
    """The text's phrases of 1 to 3 content words within a sentence (stop words skipped between)."""
    found: set[str] = set()
    for sentence in _SENTENCES.split(text.lower()):
        words = [_plain(t) for t in _TOKEN.findall(sentence) if _content(t, own)]
        for size in range(1, _MAX_WORDS + 1):
            for start in range(len(words) - size + 1):
                gram = words[start : start + size]
                if _bare(gram[-1]) not in _NEGATIONS and (size > 1 or len(gram[0]) >= 3):
                    found.add(" ".join(gram))
    return found


def _plain(token: str) -> str:
    """The word as shown: straight apostrophes, no possessive "'s" ("can't" stays "can't")."""
    word = token.lstrip("@#").replace("’", "'").strip("'").removesuffix("'s")
    return _CANONICAL.get(word, word)


def _bare(word: str) -> str:
    """The word as compared with the word lists: "can't" and "cant" alike."""
    return word.replace("'", "")


def _content(token: str, own: frozenset[str]) -> bool:
    word = _bare(_plain(token))
    if token.startswith("@") or not word or any(ch.isdigit() for ch in word) or "_" in word:
        return False
    return word not in _STOP and word not in own


def theme_line(found: list[Theme]) -> str:
    """'flight cancelled (9 mentions), app down (5), refund (4)'."""
    parts = [f"{t.phrase} ({t.mentions}{' mentions' if n == 0 else ''})" for n, t in enumerate(found)]
    return ", ".join(parts)
