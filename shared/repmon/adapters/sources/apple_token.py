"""App Store Connect's bearer token: a short-lived JWT signed ES256 with the team's .p8 API key.

Apple's rules: header `alg` ES256, `kid` the key id; claims `iss` the issuer id, `iat`, `exp` at
most 20 minutes later, `aud` "appstoreconnect-v1". The token is made locally (no token endpoint),
lives 15 minutes, and is reused until a minute before it expires; a 401 makes a new one once
(clock skew is the usual cause). The key never reaches a log or an error message.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable

import jwt
from pydantic import BaseModel, ConfigDict, Field, SecretStr

from repmon.domain.errors import InvalidConfig

AUDIENCE = "appstoreconnect-v1"
LIFETIME = 15 * 60
_MARGIN = 60


class AppStoreConnectKey(BaseModel):
    """An App Store Connect API key (Users and Access, Integrations): the .p8 text never prints."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    issuer_id: str = Field(min_length=8, max_length=64)
    key_id: str = Field(pattern=re.compile(r"^[A-Z0-9]{6,20}$"))
    private_key: SecretStr


class AppleToken:
    def __init__(self, key: AppStoreConnectKey, *, clock: Callable[[], float] = time.time) -> None:
        self.key = key
        self.clock = clock
        self._token: str | None = None
        self._expires = 0.0
        #: Tokens made by this instance (tests count them).
        self.issued = 0

    def bearer(self) -> str:
        now = self.clock()
        if self._token is None or now >= self._expires - _MARGIN:
            self._token, self._expires = self._sign(int(now)), now + LIFETIME
            self.issued += 1
        return self._token

    def forget(self) -> None:
        self._token = None

    def _sign(self, now: int) -> str:
        claims = {"iss": self.key.issuer_id, "iat": now, "exp": now + LIFETIME, "aud": AUDIENCE}
        try:
            return jwt.encode(
                claims,
                self.key.private_key.get_secret_value(),
                algorithm="ES256",
                headers={"kid": self.key.key_id, "typ": "JWT"},
            )
        except (ValueError, TypeError, jwt.PyJWTError) as exc:
            raise InvalidConfig(
                "appstore_connect: the secret's private_key is not a .p8 (EC P-256) key"
            ) from exc
