"""boto3 client configuration shared by every AWS adapter."""

from __future__ import annotations

from typing import Any

import boto3
from botocore.config import Config


def aws_config(max_attempts: int = 8) -> Config:
    """botocore's standard retry mode with explicit attempts: the legacy default retries too little."""
    return Config(
        retries={"mode": "standard", "max_attempts": max_attempts}, connect_timeout=5, read_timeout=20
    )


def client(service: str, max_attempts: int = 8) -> Any:
    return boto3.client(service, config=aws_config(max_attempts))  # type: ignore[call-overload]
