"""The stack deployed from template.yaml into moto: resources exist as declared, handlers run locally."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from repmon.localstack.stack import LocalStack
from repmon.runtime.settings import (
    CollectSettings,
    EvaluateSettings,
    PlanPollsSettings,
    _Settings,
    load_settings,
)
from tests.integration import stack_fixtures

pytestmark = pytest.mark.slow
local_stack = stack_fixtures.local_stack  # the shared session fixture

THROWAWAY_HANDLER = """
import os
import boto3

COLD_STARTS = []
COLD_STARTS.append(1)


def handler(event, context):
    sqs = boto3.client("sqs")
    sqs.send_message(
        QueueUrl=os.environ["POLL_QUEUE_URL"],
        MessageBody=event["scheduled_time"],
        MessageGroupId="brand-1#reddit",
        MessageDeduplicationId="brand-1#reddit#" + event["scheduled_time"],
    )
    return {
        "table": os.environ["TABLE_NAME"],
        "endpoint": os.environ["AWS_ENDPOINT_URL"],
        "extra": os.environ.get("EXTRA"),
        "function_name": context.function_name,
        "remaining_ms": context.get_remaining_time_in_millis(),
        "cold_starts": len(COLD_STARTS),
    }
"""


def test_outputs_name_every_resource_the_functions_need(local_stack: LocalStack) -> None:
    expected = {
        "TableName",
        "TableArn",
        "PollJobQueueUrl",
        "RedditPollJobQueueUrl",
        "AlertTopicArn",
        "PlanPollsFunctionName",
        "CollectMentionsFunctionName",
        "EvaluateReputationFunctionName",
    }
    assert expected <= set(local_stack.outputs)
    assert all(local_stack.outputs[key] for key in expected)


def test_table_has_its_three_indexes(local_stack: LocalStack) -> None:
    table = local_stack.client("dynamodb").describe_table(TableName=local_stack.outputs["TableName"])["Table"]
    indexes = {
        gsi["IndexName"]: [k["AttributeName"] for k in gsi["KeySchema"]]
        for gsi in table["GlobalSecondaryIndexes"]
    }
    assert indexes == {
        "ByTime": ["gsi1pk", "gsi1sk"],
        "NegativeByInfluence": ["gsi2pk", "gsi2sk"],
        "RatedByTime": ["gsi3pk", "gsi3sk"],
    }
    assert [k["AttributeName"] for k in table["KeySchema"]] == ["pk", "sk"]


@pytest.mark.parametrize("output", ["PollJobQueueUrl", "RedditPollJobQueueUrl"])
def test_poll_job_queues_are_fifo_with_fifo_dead_letter_queues(local_stack: LocalStack, output: str) -> None:
    sqs = local_stack.client("sqs")
    attributes = sqs.get_queue_attributes(QueueUrl=local_stack.outputs[output], AttributeNames=["All"])[
        "Attributes"
    ]
    assert attributes["FifoQueue"] == "true"
    assert int(attributes["VisibilityTimeout"]) >= 360
    redrive = json.loads(attributes["RedrivePolicy"])
    assert redrive["deadLetterTargetArn"].endswith(".fifo")
    assert int(redrive["maxReceiveCount"]) >= 1


def test_collector_event_source_mappings_are_deployed_disabled(local_stack: LocalStack) -> None:
    # Disabled on purpose: moto would otherwise swallow every message sent to the queues
    mappings = local_stack.client("lambda").list_event_source_mappings(
        FunctionName=local_stack.outputs["CollectMentionsFunctionName"]
    )["EventSourceMappings"]
    assert len(mappings) == 2
    assert {m["State"] for m in mappings} == {"Disabled"}
    assert sorted(m["BatchSize"] for m in mappings) == [1, 5]  # Reddit jobs run one per invocation


@pytest.mark.parametrize(
    ("function", "model"),
    [
        ("plan_polls", PlanPollsSettings),
        ("collect_mentions", CollectSettings),
        ("evaluate_reputation", EvaluateSettings),
    ],
)
def test_deployed_environment_satisfies_the_settings_model(
    local_stack: LocalStack, function: str, model: type[_Settings]
) -> None:
    env = local_stack.function_env(function)
    settings = load_settings(model, env)
    assert settings.table_name == local_stack.outputs["TableName"]
    assert env == local_stack.function_env(local_stack.outputs[f"{model_output(function)}FunctionName"])


def model_output(function: str) -> str:
    return "".join(part.capitalize() for part in function.split("_"))


def test_invoke_runs_a_handler_with_the_deployed_environment(local_stack: LocalStack, tmp_path: Path) -> None:
    # Given a throwaway handler standing in for plan_polls
    (tmp_path / "plan_polls").mkdir()
    (tmp_path / "plan_polls" / "app.py").write_text(THROWAWAY_HANDLER)
    before = dict(os.environ)
    event = {"scheduled_time": "2024-05-01T12:00:00Z"}

    # When it is invoked twice
    first = local_stack.invoke("plan_polls", event, extra_env={"EXTRA": "yes"}, functions_root=tmp_path)
    second = local_stack.invoke("plan_polls", event, functions_root=tmp_path)

    # Then it saw the deployed table name, the local endpoint and a Lambda-like context
    assert first["table"] == local_stack.outputs["TableName"]
    assert first["endpoint"] == local_stack.endpoint_url
    assert first["extra"] == "yes"
    assert first["function_name"] == local_stack.outputs["PlanPollsFunctionName"]
    assert 0 < first["remaining_ms"] <= 60_000
    # And the module was imported once (a warm start), the environment restored after each call
    assert second["cold_starts"] == 1
    assert second["extra"] is None
    assert dict(os.environ) == before
    # And its message reached the local FIFO queue once (same deduplication id)
    sqs = local_stack.client("sqs")
    received = sqs.receive_message(QueueUrl=local_stack.outputs["PollJobQueueUrl"], MaxNumberOfMessages=10)
    assert [m["Body"] for m in received.get("Messages", [])] == ["2024-05-01T12:00:00Z"]


def test_create_secret_is_readable_and_overwritable(local_stack: LocalStack) -> None:
    first = local_stack.create_secret("repmon/test-secret", {"client_id": "a"})
    second = local_stack.create_secret("repmon/test-secret", {"client_id": "b"})
    assert first == second
    value = local_stack.client("secretsmanager").get_secret_value(SecretId="repmon/test-secret")[
        "SecretString"
    ]
    assert json.loads(value) == {"client_id": "b"}


def test_a_second_stack_with_parameters_on_an_existing_endpoint(local_stack: LocalStack) -> None:
    # Given the running endpoint / When another stack is deployed there with overridden parameters
    parameters = {
        "AlertEmail": "alerts@example.com",
        "RedditSecretName": "other/reddit",
        "RetentionDays": "30",
    }
    other = LocalStack(
        endpoint_url=local_stack.endpoint_url, stack_name="repmon-params", parameters=parameters
    )
    with other:
        # Then its functions carry the parameter values
        env = other.function_env("collect_mentions")
        assert (env["REDDIT_SECRET_NAME"], env["RETENTION_DAYS"]) == ("other/reddit", "30")
        # And the stack got the address (moto ignores AWS::SNS::Subscription resources, so the
        # subscription itself is checked on the transformed template in test_template.py)
        stack = other.client("cloudformation").describe_stacks(StackName="repmon-params")["Stacks"][0]
        given = {p["ParameterKey"]: p["ParameterValue"] for p in stack["Parameters"]}
        assert given["AlertEmail"] == "alerts@example.com"
        assert other.outputs["TableName"] != local_stack.outputs["TableName"]
    # And stopping a stack on an endpoint it did not start leaves the endpoint running
    assert local_stack.client("dynamodb").describe_table(TableName=local_stack.outputs["TableName"])


def test_brands_apply_by_stack_name_stores_the_watchlist_in_that_stacks_table(
    local_stack, monkeypatch, capsys
):
    from repmon.adapters.dynamo_state import DynamoWatchlist
    from repmon.cli.main import main

    for name, value in local_stack.aws_env().items():
        monkeypatch.setenv(name, value)
    example = Path(__file__).resolve().parents[2] / "brands.example.yaml"
    assert main(["brands", "apply", str(example), "--stack", local_stack.stack_name]) == 0
    table = local_stack.outputs["TableName"]
    assert table in capsys.readouterr().out
    assert [b.id for b in DynamoWatchlist(table, client=local_stack.client("dynamodb")).brands()] == [
        "acme-air",
        "globex",
    ]
    assert main(["brands", "apply", str(example), "--stack", "no-such-stack"]) == 2
    assert "no-such-stack" in capsys.readouterr().err
