"""Credentials from Secrets Manager (via Powertools Parameters, cached), as frozen models that never print."""

from __future__ import annotations

from typing import Any

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
    try:
        if provider is None and client is not None:
            provider = parameters.SecretsProvider(boto3_client=client)
        if provider is not None:
            raw = provider.get(name, transform="json", max_age=max_age)
        else:
            raw = parameters.get_secret(name, transform="json", max_age=max_age)
    except TransformParameterError:
        raise InvalidConfig(f"secret {name!r} is not a JSON object") from None
    except GetParameterError as exc:
        raise _translate(name, exc) from None
    try:
        return RedditCredentials.model_validate(raw)
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
