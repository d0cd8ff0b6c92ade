"""Messages that are not a rule's alert: digests and ingestion-health (`ops`) alerts. Pure.

Each goes out on the alert topic with a `kind` message attribute, so a subscription filters on it
(managers take `digest`, engineers `ops`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

DIGEST = "digest"
OPS = "ops"


@dataclass(frozen=True)
class Notice:
    """One message: its stable id (the same on every retry), who it is about, and its two forms."""

    notice_id: str
    kind: str
    brand_id: str
    subject: str
    text: str
    document: dict[str, Any] = field(default_factory=dict)
    #: For filter policies beside `kind`: the ops rule, or the digest's period kind.
    rule: str = ""
    severity: str = "info"


def notice_id(*parts: str) -> str:
    """A short id from what identifies the notice (brand, kind, period or crossing)."""
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


@dataclass(frozen=True)
class LoggedAlert:
    """One email of the alert log, as the digest and `repmon alerts list` show it."""

    alert_id: str
    brand_id: str
    rule: str
    severity: str
    fired_at: datetime
    summary: str
    #: The email's step: alert (an incident opened), update, resolved...; and its incident.
    kind: str = "alert"
    incident_id: str = ""
