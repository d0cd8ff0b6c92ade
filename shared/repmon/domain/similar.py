"""Near-identical mentions told once: "x3 similar" under the most influential of them. Pure.

Retweets, copy-pasted complaints and a news story syndicated to several sites fill an email's top
five with one text. Texts are compared normalised (lower case; links, handles, hashtags and
punctuation gone) as word sequences; two are alike when difflib's ratio reaches SIMILAR, which one
or two changed words in a sentence keep ("every early flight" / "every afternoon flight").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from difflib import SequenceMatcher

from repmon.domain.models import ScoredMention

SIMILAR = 0.85
_NOISE = re.compile(r"https?://\S+|[@#]\w+|\brt\b")
_WORD = re.compile(r"\w+")


def normalised(sm: ScoredMention) -> list[str]:
    return _WORD.findall(_NOISE.sub(" ", sm.mention.display_text.lower()))


def alike(a: list[str], b: list[str]) -> bool:
    if not a or not b:
        return a == b
    if min(len(a), len(b)) / max(len(a), len(b)) < SIMILAR:  # the ratio can be no higher
        return False
    return SequenceMatcher(None, a, b, autojunk=False).ratio() >= SIMILAR


def group_similar(mentions: Iterable[ScoredMention]) -> list[tuple[ScoredMention, int]]:
    """Each group of alike texts as (its most influential mention, its size), most influential first."""
    groups: list[tuple[list[str], list[ScoredMention]]] = []
    for sm in mentions:
        words = normalised(sm)
        group = next((g for g in groups if alike(g[0], words)), None)
        if group is None:
            groups.append((words, [sm]))
        else:
            group[1].append(sm)
    heads = [(max(members, key=_rank), len(members)) for _, members in groups]
    return sorted(heads, key=lambda head: _rank(head[0]), reverse=True)


def _rank(sm: ScoredMention) -> tuple[float, float]:
    return sm.influence, -sm.sentiment.score
