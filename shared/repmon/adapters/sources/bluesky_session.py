"""A Bluesky session kept across polls: made once with the app password, refreshed, stored sealed.

`createSession` is limited (30 per 5 minutes and 300 a day per account), so a session is made only
when none is held or stored, or when both its tokens are refused. Its tokens are kept in memory for
the warm container and returned sealed to be stored with the brand's cursor (same DynamoDB item,
same table encryption), so a cold start refreshes instead of logging in.

Sealed because a cursor item is a row of the table, and the table's point-in-time export copies every
row: the tokens are encrypted and authenticated with Fernet (AES-CBC + HMAC-SHA256, from the
`cryptography` package) under a key derived by HKDF-SHA256 from the app password, which Bluesky
generates at random (not a memorised password, so a fast KDF is enough). A sealed session outlives
nothing: a new app password (or a revoked one) makes every stored copy unreadable and the next poll
logs in again. Tokens never reach a log, an error or an export.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

#: A sealed session larger than this is not ours (tokens are about 1 KB together).
MAX_SEALED = 8000


@dataclass(frozen=True)
class Tokens:
    did: str
    access: str
    refresh: str

    def __repr__(self) -> str:  # never print a token
        return f"Tokens(did={self.did!r}, access=***, refresh=***)"


def _fernet(secret: str, identifier: str) -> Fernet:
    key = HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=None,
        info=b"repmon bluesky session|" + identifier.encode(),
    ).derive(secret.encode())
    return Fernet(base64.urlsafe_b64encode(key))


def seal(tokens: Tokens, secret: str, identifier: str) -> str:
    """The tokens encrypted and authenticated under a key derived from `secret` (the app password)."""
    plain = json.dumps({"did": tokens.did, "access": tokens.access, "refresh": tokens.refresh}).encode()
    return _fernet(secret, identifier).encrypt(plain).decode()


def unseal(sealed: object, secret: str, identifier: str) -> Tokens | None:
    """The tokens in `sealed`, or None if it is absent, tampered with, or sealed under another key."""
    if not isinstance(sealed, str) or not sealed or len(sealed) > MAX_SEALED:
        return None
    try:
        plain = _fernet(secret, identifier).decrypt(sealed.encode())
        data = json.loads(plain)
        return Tokens(str(data["did"]), str(data["access"]), str(data["refresh"]))
    except (InvalidToken, ValueError, KeyError, TypeError):
        return None
