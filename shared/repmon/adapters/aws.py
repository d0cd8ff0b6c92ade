"""boto3 client configuration shared by every AWS adapter."""

from __future__ import annotations

from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import (
    BotoCoreError,
    ConnectTimeoutError,
    EndpointConnectionError,
    NoCredentialsError,
    NoRegionError,
    ProxyConnectionError,
    ReadTimeoutError,
)


def aws_config(max_attempts: int = 8) -> Config:
    """botocore's standard retry mode with explicit attempts: the legacy default retries too little.

    `max_attempts` counts every call, the first included, as AWS_MAX_ATTEMPTS does; botocore's own
    `retries.max_attempts` counts only the retries (8 would make 9 calls), hence `total_max_attempts`.
    """
    retries = {"mode": "standard", "total_max_attempts": max_attempts}
    return Config(retries=retries, connect_timeout=5, read_timeout=20)  # type: ignore[arg-type]


def client(service: str, max_attempts: int = 8) -> Any:
    return boto3.client(service, config=aws_config(max_attempts))  # type: ignore[call-overload]


def cli_client(service: str) -> Any:
    """A client for a one-shot command someone waits on: 2 calls, 2 s to connect, so an unreachable
    endpoint fails in seconds. The functions keep `client`'s patient settings: a throttled Lambda
    call is better retried than failed, and no one watches it."""
    config = Config(
        retries={"mode": "standard", "total_max_attempts": 2},
        connect_timeout=2,
        read_timeout=15,
    )
    return boto3.client(service, config=config)  # type: ignore[call-overload]


def sdk_problem(exc: BotoCoreError) -> str:
    """What a BotoCoreError means to someone at a terminal: the cause and what to do about it."""
    if isinstance(exc, NoRegionError):
        # botocore reads AWS_DEFAULT_REGION (and the profile); AWS_REGION is only Lambda's and the CLI's
        return "no AWS region: export AWS_DEFAULT_REGION=eu-west-1 (or set region in your AWS profile)"
    if isinstance(exc, NoCredentialsError):
        return "no AWS credentials: run `aws configure`, or set AWS_PROFILE"
    if isinstance(exc, EndpointConnectionError | ConnectTimeoutError | ProxyConnectionError):
        url = exc.kwargs.get("endpoint_url") or exc.kwargs.get("proxy_url") or "the AWS endpoint"
        return f"cannot reach {url}: offline, or a proxy or firewall in the way?"
    if isinstance(exc, ReadTimeoutError):
        return f"no answer from {exc.kwargs.get('endpoint_url', 'the AWS endpoint')} in time; try again"
    return str(exc)
