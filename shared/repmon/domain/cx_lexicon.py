"""Words the customer-experience scorer reads differently from a general-purpose lexicon.

Only words VADER does not score are added (its scores for ordinary words stay), so ordinary
text keeps its VADER score; the one exception is `REQUEST_WORDS`, whose praise VADER counts
although in a message to customer service they ask rather than praise.
"""

from __future__ import annotations

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
    # Verdicts on service quality that VADER's lexicon happens to lack.
    "atrocious": -2.5,
    "disgraceful": -2.5,
    "shoddy": -2.0,
    "sloppy": -1.5,
    "overcharged": -1.8,
    "ripoff": -2.0,
}

#: Request words: in a message to customer service "please help" asks, it does not praise.
REQUEST_WORDS = ("please", "pls", "plz", "help")

#: Words that are politeness, not praise, in a message to customer service ("please help").
POLITE_WORDS = frozenset({"please", "pls", "plz", "help", "thanks", "thank", "thx", "ty", "appreciate"})
