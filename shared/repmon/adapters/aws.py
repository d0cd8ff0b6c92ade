"""boto3 client configuration shared by every AWS adapter."""

from __future__ import annotations

from typing import Any

import boto3
from botocore.config import Config


def aws_config(max_attempts: int = 8) -> Config:
    """botocore's standard retry mode with explicit attempts: the legacy default retries too little.

    `max_attempts` counts every call, the first included, as AWS_MAX_ATTEMPTS does; botocore's own
    `retries.max_attempts` counts only the retries (8 would make 9 calls), hence `total_max_attempts`.
    """
    retries = {"mode": "standard", "total_max_attempts": max_attempts}
    return Config(retries=retries, connect_timeout=5, read_timeout=20)  # type: ignore[arg-type]


def client(service: str, max_attempts: int = 8) -> Any:
    return boto3.client(service, config=aws_config(max_attempts))  # type: ignore[call-overload]
