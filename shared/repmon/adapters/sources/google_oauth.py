"""An OAuth 2.0 access token for the Business Profile API, from the owner's refresh token.

The secret holds an OAuth client (`client_id`, `client_secret`) and a refresh token the owner
granted with the `business.manage` scope. An access token lasts about an hour; it is kept and
refreshed a minute before it ends (`POST {oauth}/token`, `grant_type=refresh_token`), so a warm
collector refreshes once an hour, not once a poll. Google refuses the refresh (`invalid_grant`)
when the token was revoked, or, for an app whose OAuth consent screen is still in "Testing", seven
days after it was granted: that is said in plain words, never with the token.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import requests
from pydantic import SecretStr

from repmon.domain.errors import SourceUnavailable

#: Refresh this many seconds before the token's end, so no request carries an expiring one.
EARLY = 60.0
EXPIRED_GRANT = (
    "Google refused the refresh token (invalid_grant): it was revoked, or the OAuth app is still in"
    " 'Testing', whose refresh tokens expire after 7 days; publish the app, grant again and update"
    " the secret (README, 'Google')"
)


class GrantRefused(Exception):
    """The refresh token no longer works; only a person can fix it (a new grant in the secret)."""


class RefreshTokenAuth:
    """Bearer tokens for the owner's Google account, refreshed as they end."""

    def __init__(
        self,
        oauth_url: str,
        client_id: str,
        client_secret: SecretStr,
        refresh_token: SecretStr,
        session: requests.Session,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.url = oauth_url.rstrip("/") + "/token"
        self.client_id = client_id
        self.client_secret = client_secret
        self.refresh_token = refresh_token
        self.session = session
        self.clock = clock
        self._token: SecretStr | None = None
        self._until = 0.0

    def header(self) -> dict[str, str]:
        if self._token is None or self.clock() >= self._until:
            self._refresh()
        assert self._token is not None
        return {"Authorization": f"Bearer {self._token.get_secret_value()}"}

    def _refresh(self) -> None:
        form = {
            "grant_type": "refresh_token",
            "client_id": self.client_id,
            "client_secret": self.client_secret.get_secret_value(),
            "refresh_token": self.refresh_token.get_secret_value(),
        }
        try:
            response = self.session.post(self.url, data=form)
        except requests.RequestException as exc:
            raise SourceUnavailable("google", f"{type(exc).__name__} refreshing the access token") from exc
        body = _json(response)
        if response.status_code in (400, 401) and body.get("error") in (
            "invalid_grant",
            "unauthorized_client",
        ):
            raise GrantRefused(EXPIRED_GRANT)
        token, lasts = body.get("access_token"), body.get("expires_in", 3600)
        if response.status_code != 200 or not isinstance(token, str) or not token:
            raise SourceUnavailable("google", f"token refresh answered {response.status_code}")
        seconds = float(lasts) if isinstance(lasts, int | float) and not isinstance(lasts, bool) else 3600.0
        self._token, self._until = SecretStr(token), self.clock() + max(0.0, seconds - EARLY)


def _json(response: requests.Response) -> dict[str, object]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}
