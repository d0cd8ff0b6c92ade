"""A Bluesky session kept across polls: made once with the app password, refreshed, stored sealed.

`createSession` is limited (30 per 5 minutes and 300 a day per account), so a session is made only
when none is held or stored, or when both its tokens are refused. Its tokens are kept in memory for
the warm container and returned sealed to be stored with the brand's cursor (same DynamoDB item,
same table encryption), so a cold start refreshes instead of logging in.

Sealed because a cursor item is a row of the table, and the table's point-in-time export copies every
row: the tokens are encrypted and authenticated with a key derived from the app password (HMAC-SHA256
as a counter-mode keystream, then HMAC-SHA256 over nonce and ciphertext: encrypt-then-MAC, stdlib
only). A sealed session outlives nothing: a new app password (or a revoked one) makes every stored
copy unreadable and the next poll logs in again. Tokens never reach a log, an error or an export.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
from dataclasses import dataclass

_VERSION = b"s1"
_NONCE = 16
_TAG = 32
#: A sealed session larger than this is not ours (tokens are about 1 KB together).
MAX_SEALED = 8000


@dataclass(frozen=True)
class Tokens:
    did: str
    access: str
    refresh: str

    def __repr__(self) -> str:  # never print a token
        return f"Tokens(did={self.did!r}, access=***, refresh=***)"


def _keys(secret: str, identifier: str) -> tuple[bytes, bytes]:
    root = hmac.new(
        secret.encode(), b"repmon bluesky session|" + identifier.encode(), hashlib.sha256
    ).digest()
    return (
        hmac.new(root, b"encrypt", hashlib.sha256).digest(),
        hmac.new(root, b"authenticate", hashlib.sha256).digest(),
    )


def _stream(key: bytes, nonce: bytes, size: int) -> bytes:
    blocks = (
        hmac.new(key, nonce + i.to_bytes(8, "big"), hashlib.sha256).digest() for i in range(size // 32 + 1)
    )
    return b"".join(blocks)[:size]


def seal(tokens: Tokens, secret: str, identifier: str) -> str:
    """The tokens encrypted and authenticated under a key derived from `secret` (the app password)."""
    enc, mac = _keys(secret, identifier)
    plain = json.dumps({"did": tokens.did, "access": tokens.access, "refresh": tokens.refresh}).encode()
    nonce = os.urandom(_NONCE)
    cipher = bytes(a ^ b for a, b in zip(plain, _stream(enc, nonce, len(plain)), strict=True))
    tag = hmac.new(mac, _VERSION + nonce + cipher, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(_VERSION + nonce + cipher + tag).decode()


def unseal(sealed: object, secret: str, identifier: str) -> Tokens | None:
    """The tokens in `sealed`, or None if it is absent, tampered with, or sealed under another key."""
    if not isinstance(sealed, str) or not sealed or len(sealed) > MAX_SEALED:
        return None
    try:
        raw = base64.urlsafe_b64decode(sealed.encode())
    except ValueError:
        return None
    if len(raw) < len(_VERSION) + _NONCE + _TAG or not raw.startswith(_VERSION):
        return None
    enc, mac = _keys(secret, identifier)
    body, tag = raw[:-_TAG], raw[-_TAG:]
    if not hmac.compare_digest(tag, hmac.new(mac, body, hashlib.sha256).digest()):
        return None
    nonce, cipher = body[len(_VERSION) : len(_VERSION) + _NONCE], body[len(_VERSION) + _NONCE :]
    plain = bytes(a ^ b for a, b in zip(cipher, _stream(enc, nonce, len(cipher)), strict=True))
    try:
        data = json.loads(plain)
        return Tokens(str(data["did"]), str(data["access"]), str(data["refresh"]))
    except (ValueError, KeyError, TypeError):
        return None
