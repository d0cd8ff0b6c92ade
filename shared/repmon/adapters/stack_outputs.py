"""Reads a deployed stack's outputs, so the CLI can be pointed at a stack by name."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from repmon.adapters.aws import client as aws_client
from repmon.domain.errors import InvalidConfig


def stack_output(stack_name: str, key: str, client: Any = None) -> str:
    """The value of output `key` of CloudFormation stack `stack_name`; InvalidConfig says what is missing."""
    try:
        # Built inside the try: with no region configured, building the client is what fails
        cloudformation = client or aws_client("cloudformation")
        stacks = cloudformation.describe_stacks(StackName=stack_name)["Stacks"]
    except (ClientError, BotoCoreError) as exc:
        raise InvalidConfig(f"stack {stack_name!r}: {exc}") from None
    outputs = {o["OutputKey"]: o["OutputValue"] for o in stacks[0].get("Outputs", [])}
    if key not in outputs:
        raise InvalidConfig(f"stack {stack_name!r} has no output {key!r} (is it a repmon stack?)")
    return outputs[key]
