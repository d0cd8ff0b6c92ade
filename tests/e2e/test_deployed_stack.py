"""Opt-in smoke tests against a deployed stack: `STACK_NAME=repmon make test` with AWS credentials.

They read the stack's outputs, check what moto cannot (PITR, TTL, the schedules), and run the
scheduled functions once. Without STACK_NAME they are skipped; CI never has one.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest

STACK = os.environ.get("STACK_NAME", "")
pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not STACK, reason="set STACK_NAME to test a deployed stack"),
]


@pytest.fixture(scope="module")
def outputs() -> dict[str, str]:
    stacks = boto3.client("cloudformation").describe_stacks(StackName=STACK)["Stacks"]
    return {o["OutputKey"]: o["OutputValue"] for o in stacks[0]["Outputs"]}


def test_the_table_has_point_in_time_recovery_and_ttl(outputs: dict[str, str]) -> None:
    dynamodb = boto3.client("dynamodb")
    backups = dynamodb.describe_continuous_backups(TableName=outputs["TableName"])
    assert (
        backups["ContinuousBackupsDescription"]["PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"]
        == "ENABLED"
    )
    ttl = dynamodb.describe_time_to_live(TableName=outputs["TableName"])["TimeToLiveDescription"]
    assert ttl["TimeToLiveStatus"] in ("ENABLED", "ENABLING") and ttl["AttributeName"] == "expires_at"


def _invoke(name: str) -> Any:
    event = {"scheduled_time": datetime.now(UTC).replace(microsecond=0).isoformat()}
    response = boto3.client("lambda").invoke(FunctionName=name, Payload=json.dumps(event).encode())
    assert "FunctionError" not in response, response["Payload"].read()
    return json.loads(response["Payload"].read())


def test_the_planner_and_the_evaluator_run(outputs: dict[str, str]) -> None:
    planned = _invoke(outputs["PlanPollsFunctionName"])
    assert planned["jobs"] >= 0
    evaluated = _invoke(outputs["EvaluateReputationFunctionName"])
    assert evaluated["brands"] == planned["brands"]
