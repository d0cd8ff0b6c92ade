"""Reads a deployed stack's outputs, so the CLI can be pointed at a stack by name."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from repmon.adapters.aws import cli_client, sdk_problem
from repmon.domain.errors import InvalidConfig


def stack_output(stack_name: str, key: str, client: Any = None) -> str:
    """The value of output `key` of CloudFormation stack `stack_name`; InvalidConfig says what is missing."""
    try:
        # Built inside the try: with no region configured, building the client is what fails
        cloudformation = client or cli_client("cloudformation")
        stacks = cloudformation.describe_stacks(StackName=stack_name)["Stacks"]
    except ClientError as exc:
        raise InvalidConfig(_refusal(stack_name, exc, cloudformation.meta.region_name)) from None
    except BotoCoreError as exc:
        raise InvalidConfig(f"stack {stack_name!r}: {sdk_problem(exc)}") from None
    outputs = {o["OutputKey"]: o["OutputValue"] for o in stacks[0].get("Outputs", [])}
    if key not in outputs:
        raise InvalidConfig(f"stack {stack_name!r} has no output {key!r} (is it a repmon stack?)")
    return outputs[key]


def _refusal(stack_name: str, exc: ClientError, region: str) -> str:
    error = exc.response.get("Error", {})
    # CloudFormation says "Stack with id NAME does not exist" with the generic ValidationError code
    if error.get("Code") == "ValidationError" and "does not exist" in str(error.get("Message")):
        return (
            f"no stack {stack_name!r} in {region}: deploy it first (README, Deploying with SAM) "
            "or give --table"
        )
    return f"stack {stack_name!r}: {error.get('Code')}: {error.get('Message')}"
