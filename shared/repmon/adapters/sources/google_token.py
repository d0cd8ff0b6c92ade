"""A Google service account's OAuth2 access token, by a signed JWT assertion (RFC 7523), cached.

The service account's JSON key (as Google Cloud downloads it) is the `repmon/google-play` secret. A
token is asked for by POSTing a JWT signed RS256 with the account's private key to the token
endpoint (`grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer`); Google answers an access
token good for an hour. It is kept in memory until a minute before it expires (a warm container
reuses it: one token request an hour, not one a poll) and asked for again once if the API refuses it.
Neither the key nor the token reaches a log or an error message.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import jwt
import requests
from pydantic import BaseModel, ConfigDict, Field, SecretStr

from repmon.domain.errors import InvalidConfig, SourceUnavailable

SCOPE = "https://www.googleapis.com/auth/androidpublisher"
_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"
#: A token this close to its expiry is renewed first (clock skew, a slow request).
_MARGIN = 60.0


class ServiceAccount(BaseModel):
    """The fields of a service account's JSON key that the assertion needs; the key never prints."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    client_email: str = Field(min_length=3, max_length=320)
    private_key: SecretStr
    private_key_id: str = Field(default="", max_length=100)


class GoogleToken:
    """Bearer tokens for `account` from `token_url`, cached until shortly before they expire."""

    def __init__(
        self,
        account: ServiceAccount,
        token_url: str,
        http: requests.Session,
        *,
        source: str,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.account = account
        self.token_url = token_url
        self.http = http
        self.source = source
        self.clock = clock
        self._token: str | None = None
        self._expires = 0.0
        #: Tokens asked for by this instance (tests count them; never the tokens themselves).
        self.issued = 0

    def bearer(self) -> str:
        if self._token is None or self.clock() >= self._expires - _MARGIN:
            self._token, self._expires = self._request()
            self.issued += 1
        return self._token

    def forget(self) -> None:
        """Drop the cached token (the API refused it): the next `bearer()` asks for a new one."""
        self._token = None

    def assertion(self) -> str:
        now = int(self.clock())
        claims = {
            "iss": self.account.client_email,
            "scope": SCOPE,
            "aud": self.token_url,
            "iat": now,
            "exp": now + 3600,
        }
        headers = {"kid": self.account.private_key_id} if self.account.private_key_id else None
        try:
            return jwt.encode(
                claims, self.account.private_key.get_secret_value(), algorithm="RS256", headers=headers
            )
        except (ValueError, TypeError, jwt.PyJWTError) as exc:
            raise InvalidConfig(
                f"{self.source}: the service account's private_key is not an RSA key"
            ) from exc

    def _request(self) -> tuple[str, float]:
        try:
            response = self.http.post(
                self.token_url, data={"grant_type": _GRANT, "assertion": self.assertion()}
            )
        except requests.RequestException as exc:
            raise SourceUnavailable(self.source, f"{type(exc).__name__} on the token endpoint") from exc
        if response.status_code in (400, 401, 403):
            # Google's error codes only (invalid_grant...): its description could echo the assertion.
            raise InvalidConfig(
                f"{self.source}: the token endpoint refused the service account ({_code(response)})"
            )
        if not response.ok:
            raise SourceUnavailable(self.source, f"token endpoint answered {response.status_code}")
        try:
            body = response.json()
            token, lifetime = body["access_token"], float(body.get("expires_in", 3600))
        except (ValueError, KeyError, TypeError) as exc:
            raise SourceUnavailable(self.source, "the token endpoint's answer has no access token") from exc
        if not isinstance(token, str) or not token:
            raise SourceUnavailable(self.source, "the token endpoint's answer has no access token")
        return token, self.clock() + max(0.0, min(lifetime, 86400.0))


def _code(response: requests.Response) -> str:
    try:
        code = response.json().get("error")
    except (ValueError, AttributeError):
        code = None
    return code if isinstance(code, str) and code.replace("_", "").isalnum() else str(response.status_code)
