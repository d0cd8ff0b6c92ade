"""The pseudonymisation key, read from Secrets Manager with Powertools' cache, as a keyed hash."""

from __future__ import annotations

import time
from typing import Any

from repmon.domain.errors import InvalidConfig
from repmon.domain.flat import Pseudonymise, hmac_pseudonymiser

#: A warm Lambda re-reads the key at most every 5 minutes: rotation takes effect within that.
KEY_MAX_AGE_SECONDS = 300


def secret_pseudonymiser(
    secret_name: str, client: Any = None, max_age: int = KEY_MAX_AGE_SECONDS
) -> Pseudonymise:
    """HMAC-SHA256 keyed by the secret's value (SecretString or SecretBinary, used as is)."""
    from aws_lambda_powertools.utilities import parameters

    key: object
    try:
        if client is None:
            # Powertools' module-level cache: a warm Lambda pays one GetSecretValue per max_age.
            key = parameters.get_secret(secret_name, max_age=max_age)
        else:
            key = parameters.SecretsProvider(boto3_client=client).get(secret_name, max_age=max_age)
    except parameters.exceptions.GetParameterError as exc:
        raise InvalidConfig(f"pseudonym key {secret_name!r} unreadable: {exc}") from exc
    if not isinstance(key, str | bytes):
        raise InvalidConfig(f"pseudonym key {secret_name!r} is not a string or binary secret")
    raw = key.encode("utf-8") if isinstance(key, str) else key
    if len(raw) < 16:
        raise InvalidConfig(f"pseudonym key {secret_name!r} is shorter than 16 bytes")
    return hmac_pseudonymiser(raw)


class LazyPseudonymiser:
    """Reads the key on first use (building the deps never calls Secrets Manager), then keeps it for
    KEY_MAX_AGE_SECONDS: one key for a whole run, one read per run, and a rotation is seen next time."""

    def __init__(self, secret_name: str, client: Any) -> None:
        self.secret_name, self.client = secret_name, client
        self._keyed: Pseudonymise | None = None
        self._read_at = 0.0

    def __call__(self, value: str) -> str:
        if self._keyed is None or time.monotonic() - self._read_at > KEY_MAX_AGE_SECONDS:
            self._keyed = secret_pseudonymiser(self.secret_name, self.client)
            self._read_at = time.monotonic()
        return self._keyed(value)
