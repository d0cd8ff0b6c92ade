"""One identity for a news article, whichever news source read it (a news search feed or GDELT). Pure.

The two do not share its address: Google News' RSS links to an opaque `news.google.com/rss/articles/`
redirect that cannot be resolved offline (README, "Feeds") and names only the publisher's site
(`<source url="https://www.reuters.com">`), while GDELT gives the publisher's own URL. What both give
is the publisher's host and the headline, so an aggregated article's stored id is a hash of those,
normalised (Unicode NFKC, case folded, words only, a trailing " - Publisher" or " | Publisher" cut,
as Google appends it): the same article from a Google News feed and GDELT is one mention.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

_WORDS = re.compile(r"\w+")
#: A trailing " - Reuters" / " | The Verge" of at most this many characters is the site's name.
_MAX_SUFFIX = 40


def article_key(host: str, title: str) -> str:
    """The stored native id: `na` and 30 hex digits of SHA-256 (32 characters, as a feed entry's)."""
    site = host.lower().removeprefix("www.")
    digest = hashlib.sha256(f"{site}\x1f{headline(title)}".encode()).hexdigest()
    return "na" + digest[:30]


def headline(title: str) -> str:
    """The title's words, normalised, without a trailing site name."""
    text = unicodedata.normalize("NFKC", title)
    for separator in (" - ", " | ", " – ", " — "):
        head, found, tail = text.rpartition(separator)
        if found and head.strip() and len(tail.strip()) <= _MAX_SUFFIX:
            text = head
            break
    return " ".join(_WORDS.findall(text.casefold()))
