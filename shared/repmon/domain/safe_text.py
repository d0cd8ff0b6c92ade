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
#: spaces, soft hyphens, invisible tag letters), lone surrogates and private use. Unassigned (Cn) code
#: points are kept: they are emoji newer than Python's tables far more often than anything else, and
#: cannot break a line or turn text around.
_DROPPED = frozenset({"Cc", "Cf", "Cs", "Co"})
#: Format characters kept: the joiners, without which emoji sequences (woman + ZWJ + laptop) split
#: and Persian or Indic words are misspelled. Variation selectors are marks (Mn), kept anyway.
_KEPT_FORMAT = frozenset("\u200c\u200d")
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
    if category == "Cn":
        return "" if _noncharacter(ch) else ch
    return "" if category in _DROPPED and ch not in _KEPT_FORMAT else ch


def _noncharacter(ch: str) -> bool:
    """U+FDD0..U+FDEF and the last two of every plane: never text, whatever the Unicode version."""
    code = ord(ch)
    return 0xFDD0 <= code <= 0xFDEF or code & 0xFFFE == 0xFFFE


def safe_field(text: str, limit: int) -> str:
    """`text` on one line of printable characters, at most `limit` long ('...' marks a cut).

    Line breaks and other whitespace become single spaces; control and format (bidi) characters are
    dropped, except the zero-width joiners of emoji sequences.
    """
    flat = _RUNS.sub(" ", "".join(map(_clean_char, text))).strip()
    if len(flat) <= limit:
        return flat
    return flat[: max(0, limit - len(ELLIPSIS))].rstrip() + ELLIPSIS
