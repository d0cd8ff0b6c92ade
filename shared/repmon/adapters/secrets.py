"""Credentials from Secrets Manager (via Powertools Parameters, cached), as frozen models that never print."""

from __future__ import annotations

from typing import Any, TypeVar

from aws_lambda_powertools.utilities import parameters
from aws_lambda_powertools.utilities.parameters.exceptions import GetParameterError, TransformParameterError
from botocore.exceptions import ClientError
from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError

from repmon.domain.errors import InvalidConfig, SourceNotConfigured, SourceUnavailable

#: Secrets Manager errors no retry will fix: the secret is absent, or we may not read it.
_PERMANENT = {"ResourceNotFoundException", "AccessDeniedException", "AccessDenied", "DecryptionFailure"}


class RedditCredentials(BaseModel):
    """A Reddit "script" or "web" app's client credentials; the secret shows as '**********'."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    client_id: str = Field(min_length=1)
    client_secret: SecretStr
    user_agent: str = Field(min_length=7)


class BlueskyCredentials(BaseModel):
    """A Bluesky account's handle (or DID) and app password; the password shows as '**********'.

    `service`, when given, is the account's PDS (https://...); otherwise BLUESKY_SERVICE_URL.
    """

    model_config = ConfigDict(frozen=True, extra="ignore")

    identifier: str = Field(min_length=3, max_length=253)
    app_password: SecretStr
    service: str | None = Field(default=None, pattern=r"^https://[A-Za-z0-9.-]+(:[0-9]{1,5})?/?$")


def load_reddit_credentials(
    name: str,
    *,
    provider: parameters.SecretsProvider | None = None,
    client: Any = None,
    max_age: int = 300,
) -> RedditCredentials:
    """Read secret `name` ({"client_id", "client_secret", "user_agent"}); cached `max_age` seconds.

    Pass `provider` (or a boto3 `client`) in tests; by default Powertools' shared provider is used.
    """
    return load_secret(name, RedditCredentials, provider=provider, client=client, max_age=max_age)


def load_bluesky_credentials(
    name: str, *, provider: parameters.SecretsProvider | None = None, client: Any = None, max_age: int = 300
) -> BlueskyCredentials:
    """Read secret `name` ({"identifier", "app_password"}, optionally "service"), as Reddit's."""
    return load_secret(name, BlueskyCredentials, provider=provider, client=client, max_age=max_age)


_M = TypeVar("_M", bound=BaseModel)


def read_secret(
    name: str, *, provider: parameters.SecretsProvider | None = None, client: Any = None, max_age: int = 300
) -> Any:
    """Secret `name` as parsed JSON, read through Powertools Parameters (cached `max_age` seconds).

    `SourceNotConfigured` when it does not exist, `InvalidConfig` when it cannot be read or is not
    JSON, `SourceUnavailable` when Secrets Manager did not answer. Pass `provider` (or a boto3
    `client`) in tests; by default Powertools' shared provider is used.
    """
    try:
        if provider is None and client is not None:
            provider = parameters.SecretsProvider(boto3_client=client)
        if provider is not None:
            return provider.get(name, transform="json", max_age=max_age)
        return parameters.get_secret(name, transform="json", max_age=max_age)
    except TransformParameterError:
        raise InvalidConfig(f"secret {name!r} is not a JSON object") from None
    except GetParameterError as exc:
        raise _translate(name, exc) from None


def load_secret(
    name: str,
    model: type[_M],
    *,
    provider: parameters.SecretsProvider | None = None,
    client: Any = None,
    max_age: int = 300,
) -> _M:
    """Secret `name` (a JSON object) read as `read_secret` does and validated as `model`."""
    raw = read_secret(name, provider=provider, client=client, max_age=max_age)
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        # Name the fields only: pydantic's message would echo the input, i.e. the secret.
        fields = sorted({".".join(str(p) for p in e["loc"]) or "(root)" for e in exc.errors()})
        raise InvalidConfig(f"secret {name!r} is missing or has invalid {', '.join(fields)}") from None


def _translate(name: str, exc: GetParameterError) -> Exception:
    cause = exc.__cause__ or exc.__context__
    code = cause.response.get("Error", {}).get("Code", "") if isinstance(cause, ClientError) else ""
    if code == "ResourceNotFoundException" or "ResourceNotFound" in str(exc):
        return SourceNotConfigured(f"secret {name!r} does not exist")
    if code in _PERMANENT:
        return InvalidConfig(f"secret {name!r} cannot be read: {code or 'not found'}")
    return SourceUnavailable("secretsmanager", f"reading {name!r} failed: {code or type(cause).__name__}")
