"""One identity for an App Store review, whichever route read it (the public RSS feed or App Store Connect).

The two routes do not share an id: the RSS feed numbers a review with a decimal integer (about 1.1e10
now), App Store Connect names it with an opaque resource id ("00000028-b08c-..."), and Apple
documents no mapping between them. What both give is the app, the reviewer's nickname (unique on
the App Store), the title and the text, so the stored id is a hash of those, normalised (Unicode
NFC, case folded, whitespace collapsed): the same review read by both routes is one mention. A
review edited between the two reads (new text) would be two; neither route re-reads old reviews,
so that takes an edit within minutes of posting.
"""

from __future__ import annotations

import hashlib
import unicodedata


def review_key(app_id: str, nickname: str, title: str, body: str) -> str:
    """The stored native id of the review: `ar` and 24 hex digits of SHA-256."""
    parts = (app_id, *(_norm(p) for p in (nickname, title, body)))
    return "ar" + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:24]


def _norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())
