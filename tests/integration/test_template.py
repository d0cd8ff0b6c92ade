"""template.yaml, checked after the Serverless transform: the properties moto's CloudFormation drops
(PITR, SSE, TTL, DLQs, retry policies, tracing, arm64) are asserted here on what AWS would deploy.
IAM, environments and the layer build: test_template_permissions.py."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cfnlint.api import lint_file

from repmon.localstack.template_loader import (
    TEMPLATE_PATH,
)
from tests.integration import template_helpers
from tests.integration.template_helpers import Template

# ExportForBiFunction joins these when its issue lands.
FUNCTIONS = {
    "PlanPollsFunction",
    "CollectMentionsFunction",
    "EvaluateReputationFunction",
    "ExportForBiFunction",
    "SendDigestFunction",
    "CheckIngestionFunction",
}
SCHEDULED_FUNCTIONS = {
    "PlanPollsFunction",
    "EvaluateReputationFunction",
    "ExportForBiFunction",
    "SendDigestFunction",
    "CheckIngestionFunction",
}

cfn = template_helpers.cfn  # the shared module-scoped fixture
_resources, _props = template_helpers.resources, template_helpers.props


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
    assert indexes == {
        "ByTime": ["gsi1pk", "gsi1sk"],
        "NegativeByInfluence": ["gsi2pk", "gsi2sk"],
        "RatedByTime": ["gsi3pk", "gsi3sk"],
    }
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
        assert props["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    # A slow Reddit job (rate limited) runs alone, so it never times out other jobs with it.
    assert (mappings["RedditPollJobQueue"]["BatchSize"], mappings["PollJobQueue"]["BatchSize"]) == (1, 5)
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
    assert set(functions) == FUNCTIONS
    layers = _resources(cfn, "AWS::Lambda::LayerVersion")
    for logical_id, function in functions.items():
        props = function["Properties"]
        assert props["Architectures"] == ["arm64"], logical_id
        assert props["Runtime"] == "python3.12", logical_id
        assert props["TracingConfig"] == {"Mode": "Active"}, logical_id
        assert props["Handler"] == "app.handler", logical_id
        assert [_arn_target(layer) for layer in props["Layers"]] == list(layers), logical_id


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


def test_the_export_bucket_is_encrypted_private_tls_only_and_expires_temporary_files(cfn: Template) -> None:
    bucket = _props(cfn, "ExportBucket")
    [rule] = bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    assert rule["ServerSideEncryptionByDefault"]["SSEAlgorithm"] in {"AES256", "aws:kms"}
    block = bucket["PublicAccessBlockConfiguration"]
    assert block == dict.fromkeys(
        ("BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets"), True
    )
    lifecycle = bucket["LifecycleConfiguration"]["Rules"]
    assert any("_tmp" in str(r.get("Prefix", r.get("Filter", ""))) for r in lifecycle)
    for bucket_id in ("ExportBucket", "ExportAccessLogBucket"):
        denies = [s for s in _bucket_policy(cfn, bucket_id) if s["Effect"] == "Deny"]
        assert any(
            s.get("Condition", {}).get("Bool", {}).get("aws:SecureTransport") in (False, "false")
            for s in denies
        ), bucket_id


def _bucket_policy(cfn: Template, bucket_id: str) -> list[Template]:
    [policy] = [
        p["Properties"]["PolicyDocument"]["Statement"]
        for p in _resources(cfn, "AWS::S3::BucketPolicy").values()
        if p["Properties"]["Bucket"] == {"Ref": bucket_id}
    ]
    return list(policy)


def test_the_pseudonym_key_outlives_stack_replacement_and_deletion(cfn: Template) -> None:
    # A new key would give every author a new pseudonym: analysts' counts across the change break.
    key = cfn["Resources"]["PseudonymKey"]
    assert (key["DeletionPolicy"], key["UpdateReplacePolicy"]) == ("Retain", "Retain")


def test_the_export_bucket_logs_access_to_a_private_bucket_with_its_own_lifecycle(cfn: Template) -> None:
    logging = _props(cfn, "ExportBucket")["LoggingConfiguration"]
    assert logging["DestinationBucketName"] == {"Ref": "ExportAccessLogBucket"}
    logs = _props(cfn, "ExportAccessLogBucket")
    [rule] = logs["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    assert rule["ServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"  # all log delivery accepts
    assert all(logs["PublicAccessBlockConfiguration"].values())
    assert [r["ExpirationInDays"] for r in logs["LifecycleConfiguration"]["Rules"]] == [365]
    [delivery] = [s for s in _bucket_policy(cfn, "ExportAccessLogBucket") if s["Effect"] == "Allow"]
    assert delivery["Principal"] == {"Service": "logging.s3.amazonaws.com"}
    assert delivery["Action"] == ["s3:PutObject"]
    assert delivery["Condition"]["ArnLike"] == {"aws:SourceArn": {"Fn::GetAtt": ["ExportBucket", "Arn"]}}
    assert cfn["Resources"]["ExportAccessLogBucket"]["DeletionPolicy"] == "Retain"


def test_raw_native_exports_are_readable_only_by_the_export_function(cfn: Template) -> None:
    # Native PITR exports hold raw handles; analysts read the flat tables, which the Glue tables name.
    [deny] = [s for s in _bucket_policy(cfn, "ExportBucket") if "RawNative" in s.get("Sid", "")]
    assert deny["Effect"] == "Deny" and deny["Principal"] == "*"
    assert "s3:GetObject" in deny["Action"]
    assert deny["Resource"] == {"Fn::Sub": "${ExportBucket.Arn}/${ExportPrefix}/native/*"}
    assert deny["Condition"] == {
        "ArnNotEquals": {"aws:PrincipalArn": {"Fn::GetAtt": ["ExportForBiFunctionRole", "Arn"]}}
    }
    for table in ("MentionsGlueTable", "BrandHourlyGlueTable", "AlertsGlueTable"):
        location = _props(cfn, table)["TableInput"]["StorageDescriptor"]["Location"]["Fn::Sub"]
        assert location.startswith("s3://${ExportBucket}/${ExportPrefix}/flat/"), table
    # The lifecycle keeps them no longer than NativeExportRetentionDays
    rules = {r["Id"]: r for r in _props(cfn, "ExportBucket")["LifecycleConfiguration"]["Rules"]}
    assert rules["RawNativeExports"]["ExpirationInDays"] == {"Ref": "NativeExportRetentionDays"}
