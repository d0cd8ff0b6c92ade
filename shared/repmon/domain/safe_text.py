"""Third-party text made safe to show in an alert: one line, printable, no direction tricks, capped. Pure.

Author handles, community names, titles, texts and links come from strangers and reach inboxes. A
newline in a handle could forge a line of the email ("URGENT: reset your password at ..."), a bidi
override (U+202E) could make a link or file name read backwards, control characters can hide text.
Every such string goes through `safe_field` before it reaches a subject, a body or the JSON form.
"""

from __future__ import annotations

import re
import unicodedata

ELLIPSIS = "..."
#: Categories dropped outright: controls, format characters (bidi overrides and isolates, zero-width
#: marks, soft hyphens), lone surrogates, private use and unassigned code points.
_DROPPED = frozenset({"Cc", "Cf", "Cs", "Co", "Cn"})
#: Categories read as a space: every separator, including line and paragraph separators.
_SPACES_CATEGORIES = frozenset({"Zs", "Zl", "Zp"})
_WHITESPACE = "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f\x85"
_RUNS = re.compile(" +")


def _clean_char(ch: str) -> str:
    if ch in _WHITESPACE:
        return " "
    category = unicodedata.category(ch)
    if category in _SPACES_CATEGORIES:
        return " "
    return "" if category in _DROPPED else ch


def safe_field(text: str, limit: int) -> str:
    """`text` on one line of printable characters, at most `limit` long ('...' marks a cut).

    Line breaks and other whitespace become single spaces; control, format (bidi) and unassigned
    characters are dropped.
    """
    flat = _RUNS.sub(" ", "".join(map(_clean_char, text))).strip()
    if len(flat) <= limit:
        return flat
    return flat[: max(0, limit - len(ELLIPSIS))].rstrip() + ELLIPSIS
