"""template.yaml, checked after the Serverless transform: the properties moto's CloudFormation drops
(PITR, SSE, TTL, DLQs, retry policies, tracing, arm64) are asserted here on what AWS would deploy."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from cfnlint.api import lint_file

from repmon.localstack.template_loader import (
    TEMPLATE_PATH,
    load_sam_template,
    resources_of_type,
    transformed_template,
)
from repmon.runtime.settings import CollectSettings, EvaluateSettings, PlanPollsSettings, _Settings

# ExportForBiFunction (ExportSettings) joins this map when its issue lands.
SETTINGS_BY_FUNCTION: dict[str, type[_Settings]] = {
    "PlanPollsFunction": PlanPollsSettings,
    "CollectMentionsFunction": CollectSettings,
    "EvaluateReputationFunction": EvaluateSettings,
}
SCHEDULED_FUNCTIONS = {"PlanPollsFunction", "EvaluateReputationFunction"}
# Variables the platform or libraries read rather than our settings models.
PLATFORM_VARIABLE_PREFIXES = ("POWERTOOLS_", "AWS_")
PLATFORM_VARIABLES = {"NLTK_DATA"}

Template = dict[str, Any]


@pytest.fixture(scope="module")
def cfn() -> Template:
    return transformed_template()


def _resources(cfn: Template, resource_type: str) -> dict[str, Template]:
    return resources_of_type(cfn, resource_type)


def _props(cfn: Template, logical_id: str) -> Template:
    properties: Template = cfn["Resources"][logical_id]["Properties"]
    return properties


def _arn_target(value: Any) -> str:
    """The logical id behind {"Fn::GetAtt": [X, "Arn"]} or {"Ref": X}."""
    if "Fn::GetAtt" in value:
        return str(value["Fn::GetAtt"][0])
    return str(value["Ref"])


def test_cfn_lint_reports_no_errors() -> None:
    # Given the template as written / When cfn-lint checks it (with the SAM transform)
    matches = lint_file(Path(TEMPLATE_PATH))
    # Then nothing at error level
    errors = [str(match) for match in matches if match.rule.id.startswith("E")]
    assert errors == []


def test_table_keeps_its_data_safe(cfn: Template) -> None:
    table = cfn["Resources"]["RepmonTable"]
    props = table["Properties"]
    assert table["DeletionPolicy"] == "Retain"
    assert table["UpdateReplacePolicy"] == "Retain"
    assert props["BillingMode"] == "PAY_PER_REQUEST"
    assert props["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    assert props["SSESpecification"]["SSEEnabled"] is True
    assert props["TimeToLiveSpecification"] == {"AttributeName": "expires_at", "Enabled": True}


def test_table_keys_and_indexes(cfn: Template) -> None:
    props = _props(cfn, "RepmonTable")
    assert props["KeySchema"] == [
        {"AttributeName": "pk", "KeyType": "HASH"},
        {"AttributeName": "sk", "KeyType": "RANGE"},
    ]
    indexes = {
        gsi["IndexName"]: [key["AttributeName"] for key in gsi["KeySchema"]]
        for gsi in props["GlobalSecondaryIndexes"]
    }
    assert indexes == {"ByTime": ["gsi1pk", "gsi1sk"], "NegativeByInfluence": ["gsi2pk", "gsi2sk"]}
    assert all(attr["AttributeType"] == "S" for attr in props["AttributeDefinitions"])


def _dead_letter_targets(cfn: Template) -> set[str]:
    """Every queue used as a DLQ or failure destination anywhere in the template."""
    targets = {
        _arn_target(q["Properties"]["RedrivePolicy"]["deadLetterTargetArn"])
        for q in _resources(cfn, "AWS::SQS::Queue").values()
        if "RedrivePolicy" in q["Properties"]
    }
    for schedule in _resources(cfn, "AWS::Scheduler::Schedule").values():
        targets.add(_arn_target(schedule["Properties"]["Target"]["DeadLetterConfig"]["Arn"]))
    for config in _resources(cfn, "AWS::Lambda::EventInvokeConfig").values():
        targets.add(_arn_target(config["Properties"]["DestinationConfig"]["OnFailure"]["Destination"]))
    return targets


def test_every_queue_has_a_dead_letter_queue_or_is_one(cfn: Template) -> None:
    dead_letter_queues = _dead_letter_targets(cfn)
    for logical_id, queue in _resources(cfn, "AWS::SQS::Queue").items():
        props = queue["Properties"]
        assert props.get("SqsManagedSseEnabled") is True, logical_id
        if logical_id in dead_letter_queues:
            continue
        dlq = _arn_target(props["RedrivePolicy"]["deadLetterTargetArn"])
        assert props["RedrivePolicy"]["maxReceiveCount"] >= 1, logical_id
        # A FIFO queue's DLQ must be FIFO too
        assert _props(cfn, dlq).get("FifoQueue") == props.get("FifoQueue"), logical_id


def test_poll_job_queues_serialise_cursors_and_outlast_the_collector(cfn: Template) -> None:
    collector_timeout = _props(cfn, "CollectMentionsFunction")["Timeout"]
    for logical_id in ("PollJobQueue", "RedditPollJobQueue"):
        props = _props(cfn, logical_id)
        assert props["FifoQueue"] is True
        assert props["ContentBasedDeduplication"] is False  # plan_polls sends explicit ids
        assert props["VisibilityTimeout"] >= 6 * collector_timeout


def test_collector_consumes_both_queues_with_partial_batch_failures(cfn: Template) -> None:
    mappings = {
        _arn_target(m["Properties"]["EventSourceArn"]): m["Properties"]
        for m in _resources(cfn, "AWS::Lambda::EventSourceMapping").values()
    }
    assert set(mappings) == {"PollJobQueue", "RedditPollJobQueue"}
    for props in mappings.values():
        assert _arn_target(props["FunctionName"]) == "CollectMentionsFunction"
        assert props["BatchSize"] == 5
        assert props["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    reddit = mappings["RedditPollJobQueue"]["ScalingConfig"]["MaximumConcurrency"]
    assert reddit == 2
    assert mappings["PollJobQueue"]["ScalingConfig"]["MaximumConcurrency"] > reddit


def test_every_schedule_retries_dead_letters_and_passes_its_time(cfn: Template) -> None:
    schedules = _resources(cfn, "AWS::Scheduler::Schedule")
    assert {_arn_target(s["Properties"]["Target"]["Arn"]) for s in schedules.values()} == SCHEDULED_FUNCTIONS
    for logical_id, schedule in schedules.items():
        target = schedule["Properties"]["Target"]
        assert target["RetryPolicy"]["MaximumRetryAttempts"] >= 1, logical_id
        assert target["RetryPolicy"]["MaximumEventAgeInSeconds"] >= 60, logical_id
        assert "Arn" in target["DeadLetterConfig"], logical_id
        assert target["Input"] == '{"scheduled_time": "<aws.scheduler.scheduled-time>"}'
        assert "Name" not in schedule["Properties"], "fixed names collide across stacks"


def test_scheduled_functions_have_explicit_async_retry_and_failure_destination(cfn: Template) -> None:
    configs = {
        _arn_target(c["Properties"]["FunctionName"]): c["Properties"]
        for c in _resources(cfn, "AWS::Lambda::EventInvokeConfig").values()
    }
    assert set(configs) == SCHEDULED_FUNCTIONS
    for function, props in configs.items():
        assert props["MaximumRetryAttempts"] in (0, 1), function
        assert "MaximumEventAgeInSeconds" in props, function
        assert _arn_target(props["DestinationConfig"]["OnFailure"]["Destination"]) in _resources(
            cfn, "AWS::SQS::Queue"
        )


def test_every_function_is_arm64_traced_python312_with_the_layer(cfn: Template) -> None:
    functions = _resources(cfn, "AWS::Lambda::Function")
    assert set(functions) == set(SETTINGS_BY_FUNCTION)
    layers = _resources(cfn, "AWS::Lambda::LayerVersion")
    for logical_id, function in functions.items():
        props = function["Properties"]
        assert props["Architectures"] == ["arm64"], logical_id
        assert props["Runtime"] == "python3.12", logical_id
        assert props["TracingConfig"] == {"Mode": "Active"}, logical_id
        assert props["Handler"] == "app.handler", logical_id
        assert [_arn_target(layer) for layer in props["Layers"]] == list(layers), logical_id


def _policy_statements(cfn: Template) -> list[Template]:
    statements: list[Template] = []
    for role in _resources(cfn, "AWS::IAM::Role").values():
        for policy in role["Properties"].get("Policies", []):
            statements.extend(policy["PolicyDocument"]["Statement"])
    return statements


def test_no_iam_action_is_a_wildcard_and_no_resource_is_everything(cfn: Template) -> None:
    statements = _policy_statements(cfn)
    assert statements
    for statement in statements:
        actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        assert all("*" not in action for action in actions), statement
        assert statement["Resource"] != "*", statement
    # Managed policies SAM attaches: logging and X-Ray only (no account-wide SQS consumer policy)
    for role in _resources(cfn, "AWS::IAM::Role").values():
        for arn in role["Properties"].get("ManagedPolicyArns", []):
            assert arn.endswith(("AWSLambdaBasicExecutionRole", "AWSXrayWriteOnlyAccess")), arn


def test_collector_reads_only_the_named_reddit_secret(cfn: Template) -> None:
    role = _props(cfn, "CollectMentionsFunctionRole")
    secret_statements = [
        s
        for policy in role["Policies"]
        for s in policy["PolicyDocument"]["Statement"]
        if any(a.startswith("secretsmanager:") for a in s["Action"])
    ]
    assert [s["Action"] for s in secret_statements] == [["secretsmanager:GetSecretValue"]]
    assert secret_statements[0]["Resource"]["Fn::Sub"].endswith(":secret:${RedditSecretName}-??????")
    assert not _resources(cfn, "AWS::SecretsManager::Secret"), "users create the secret (README)"


@pytest.mark.parametrize("function", sorted(SETTINGS_BY_FUNCTION))
def test_function_environment_matches_its_settings_model(cfn: Template, function: str) -> None:
    model = SETTINGS_BY_FUNCTION[function]
    variables = _props(cfn, function)["Environment"]["Variables"]
    aliases = {field.alias for field in model.model_fields.values()}
    required = {field.alias for field in model.model_fields.values() if field.is_required()}
    # Every required setting is set...
    assert required <= set(variables), required - set(variables)
    # ...and every other variable is a setting or the platform's, so a typo cannot pass silently
    unknown = {
        name
        for name in variables
        if name not in aliases
        and name not in PLATFORM_VARIABLES
        and not name.startswith(PLATFORM_VARIABLE_PREFIXES)
    }
    assert unknown == set()
    assert variables["AWS_RETRY_MODE"] == "standard"
    assert variables["POWERTOOLS_METRICS_NAMESPACE"] == "Repmon"
    assert {"POWERTOOLS_SERVICE_NAME", "POWERTOOLS_LOG_LEVEL", "AWS_MAX_ATTEMPTS"} <= set(variables)


def test_collector_environment_names_its_secret_retention_and_lexicon(cfn: Template) -> None:
    variables = _props(cfn, "CollectMentionsFunction")["Environment"]["Variables"]
    assert variables["REDDIT_SECRET_NAME"] == {"Ref": "RedditSecretName"}
    assert variables["RETENTION_DAYS"] == {"Ref": "RetentionDays"}
    assert variables["NLTK_DATA"] == "/opt/python/nltk_data"


def test_alert_topic_is_encrypted_and_email_is_optional(cfn: Template) -> None:
    assert _props(cfn, "AlertTopic")["KmsMasterKeyId"] == "alias/aws/sns"
    subscription = cfn["Resources"]["AlertEmailSubscription"]
    assert subscription["Condition"] == "HasAlertEmail"
    assert subscription["Properties"]["Protocol"] == "email"
    assert cfn["Conditions"]["HasAlertEmail"] == {"Fn::Not": [{"Fn::Equals": [{"Ref": "AlertEmail"}, ""]}]}


def test_parameters_and_outputs(cfn: Template) -> None:
    parameters = cfn["Parameters"]
    assert parameters["RedditSecretName"]["Default"] == "repmon/reddit"
    assert parameters["PollIntervalMinutes"]["Default"] == 15
    assert parameters["EvaluateIntervalMinutes"]["Default"] == 5
    assert parameters["AlertEmail"]["Default"] == ""
    assert {
        "TableName",
        "TableArn",
        "PollJobQueueUrl",
        "RedditPollJobQueueUrl",
        "AlertTopicArn",
        "PlanPollsFunctionName",
        "CollectMentionsFunctionName",
        "EvaluateReputationFunctionName",
    } <= set(cfn["Outputs"])


def test_layer_is_built_by_the_makefile_for_arm64() -> None:
    layer = load_sam_template()["Resources"]["SharedLayer"]
    assert layer["Metadata"]["BuildMethod"] == "makefile"
    assert layer["Properties"]["ContentUri"] == "shared/"
    makefile = (TEMPLATE_PATH.parent / "shared" / "Makefile").read_text()
    assert "build-SharedLayer:" in makefile
    assert "repmon.adapters.vader_lexicon" in makefile
    lines = (TEMPLATE_PATH.parent / "shared" / "requirements.txt").read_text().splitlines()
    requirements = [line.strip() for line in lines if line.strip() and not line.startswith("#")]
    # The runtime provides boto3; a bundled copy only slows every cold start
    assert not any(line.startswith(("boto3", "botocore")) for line in requirements)
    assert any(line.startswith("aws-lambda-powertools") for line in requirements)


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_layer_makefile_target_parses(tmp_path: Path) -> None:
    # A dry run: the real build downloads wheels, which tests never do
    result = subprocess.run(
        [
            "make",
            "-n",
            "-C",
            str(TEMPLATE_PATH.parent / "shared"),
            "build-SharedLayer",
            f"ARTIFACTS_DIR={tmp_path}",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert f"{tmp_path}/python/nltk_data" in result.stdout
