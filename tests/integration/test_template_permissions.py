"""template.yaml after the Serverless transform: least privilege, environments that satisfy the
settings models, and the layer build."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from repmon.localstack.template_loader import (
    TEMPLATE_PATH,
    load_sam_template,
)
from repmon.runtime.settings import (
    CheckIngestionSettings,
    CollectSettings,
    EvaluateSettings,
    ExportSettings,
    PlanPollsSettings,
    SendDigestSettings,
    _Settings,
)
from tests.integration import template_helpers
from tests.integration.template_helpers import Template

SETTINGS_BY_FUNCTION: dict[str, type[_Settings]] = {
    "PlanPollsFunction": PlanPollsSettings,
    "CollectMentionsFunction": CollectSettings,
    "EvaluateReputationFunction": EvaluateSettings,
    "ExportForBiFunction": ExportSettings,
    "SendDigestFunction": SendDigestSettings,
    "CheckIngestionFunction": CheckIngestionSettings,
}
# Variables the platform or libraries read rather than our settings models.
PLATFORM_VARIABLE_PREFIXES = ("POWERTOOLS_", "AWS_")
PLATFORM_VARIABLES = {"NLTK_DATA"}

cfn = template_helpers.cfn  # the shared module-scoped fixture
_resources, _props = template_helpers.resources, template_helpers.props


#: Every grant of each function's role, as (action, resource, partition keys it is limited to), and
#: the call in our code that needs it. A grant nothing calls, or a call nothing grants, fails the
#: test below: keep this table in step with the adapters (module.Class.method -> AWS call).
Grant = tuple[str, str, str]
_ANY_KEY = ""
_BRANDS = "BRAND#*"
_WATCHLIST_OR_BRANDS = "WATCHLIST BRAND#*"


def _runtime(log_group: str, scheduled: bool) -> set[Grant]:
    """What every function needs to run: its own log group, Lambda's active tracing, and for the
    scheduled ones the EventInvokeConfig's OnFailure queue."""
    grants = {
        ("logs:CreateLogStream", log_group, _ANY_KEY),
        ("logs:PutLogEvents", log_group, _ANY_KEY),
        ("xray:PutTraceSegments", "*", _ANY_KEY),  # X-Ray has no resource-level permissions
        ("xray:PutTelemetryRecords", "*", _ANY_KEY),
    }
    return grants | ({("sqs:SendMessage", "ScheduledRunFailureQueue", _ANY_KEY)} if scheduled else set())


EXPECTED_GRANTS: dict[str, set[Grant]] = {
    "PlanPollsFunction": _runtime("PlanPollsLogGroup", scheduled=True)
    | {
        ("dynamodb:Query", "RepmonTable", "WATCHLIST"),  # dynamo_state.DynamoWatchlist.brands
        ("sqs:SendMessage", "PollJobQueue", _ANY_KEY),  # sqs_queue.SqsPollJobQueue.send (SendMessageBatch)
        ("sqs:SendMessage", "RedditPollJobQueue", _ANY_KEY),
    },
    "CollectMentionsFunction": _runtime("CollectMentionsLogGroup", scheduled=False)
    | {
        # DynamoWatchlist.brand (pk=WATCHLIST), DynamoCursorStore.get (pk=BRAND#)
        ("dynamodb:GetItem", "RepmonTable", _WATCHLIST_OR_BRANDS),
        # DynamoMentionStore._known_keys: dynamo.batch_get of a page's mention keys
        ("dynamodb:BatchGetItem", "RepmonTable", _WATCHLIST_OR_BRANDS),
        # DynamoMentionStore._transact: TransactWriteItems of conditional Puts and the hour's Update;
        # DynamoCursorStore.put
        ("dynamodb:PutItem", "RepmonTable", _BRANDS),
        ("dynamodb:UpdateItem", "RepmonTable", _BRANDS),
        # secrets.load_reddit_credentials
        ("secretsmanager:GetSecretValue", "secret:${RedditSecretName}-??????", _ANY_KEY),
        # secrets.load_bluesky_credentials
        ("secretsmanager:GetSecretValue", "secret:${BlueskySecretName}-??????", _ANY_KEY),
        # sources.mastodon.load_instances
        ("secretsmanager:GetSecretValue", "secret:${MastodonSecretName}-??????", _ANY_KEY),
        # sources.{trustpilot,google,yelp}.build_source: secrets.load_secret
        ("secretsmanager:GetSecretValue", "secret:${TrustpilotSecretName}-??????", _ANY_KEY),
        ("secretsmanager:GetSecretValue", "secret:${GoogleSecretName}-??????", _ANY_KEY),
        ("secretsmanager:GetSecretValue", "secret:${YelpSecretName}-??????", _ANY_KEY),
        # sources.google_play.build_source (the service account's key)
        ("secretsmanager:GetSecretValue", "secret:${GooglePlaySecretName}-??????", _ANY_KEY),
        # sources.appstore_connect.build_source (the API key)
        ("secretsmanager:GetSecretValue", "secret:${AppStoreConnectSecretName}-??????", _ANY_KEY),
        # sources.youtube.load_api_key
        ("secretsmanager:GetSecretValue", "secret:${YouTubeSecretName}-??????", _ANY_KEY),
        # sources.youtube_quota.DynamoQuotaLedger: usage, claims (GetItem), enrol and spend (UpdateItem,
        # spend inside a one-item TransactWriteItems)
        ("dynamodb:GetItem", "RepmonTable", "QUOTA#youtube"),
        ("dynamodb:UpdateItem", "RepmonTable", "QUOTA#youtube"),
        # sources.gdelt_gate.DynamoRateGate: the stack's next GDELT request time (read, moved)
        ("dynamodb:GetItem", "RepmonTable", "RATE#gdelt"),
        ("dynamodb:UpdateItem", "RepmonTable", "RATE#gdelt"),
        # sources.x.build_source: the bearer token (secrets.load_secret)
        ("secretsmanager:GetSecretValue", "secret:${XSecretName}-??????", _ANY_KEY),
        # dynamo_spend.DynamoSpendLedger: the month's figures (Query), the brand's (PutItem)
        ("dynamodb:Query", "RepmonTable", "SPEND#x#*"),
        ("dynamodb:PutItem", "RepmonTable", "SPEND#x#*"),
        # services.rereads: DynamoMentionStore.most_negative (the recent negatives to re-read); their
        # last reads (BatchGetItem), the re-read's transaction and history item (Update, Put) above
        ("dynamodb:Query", "RepmonTable/index/NegativeByInfluence", _BRANDS),
        # customers.DynamoKnownCustomers.tiers: batch_get of a page's authors' keyed hashes
        ("dynamodb:BatchGetItem", "RepmonTable", "CUSTOMERS"),
        # pseudonym.LazyPseudonymiser: the key that hashes them
        ("secretsmanager:GetSecretValue", "PseudonymKey", _ANY_KEY),
    }
    # Lambda's event source mappings poll both job queues with the function's role
    | {
        (action, queue, _ANY_KEY)
        for action in (
            "sqs:ReceiveMessage",
            "sqs:DeleteMessage",
            "sqs:ChangeMessageVisibility",
            "sqs:GetQueueAttributes",
        )
        for queue in ("PollJobQueue", "RedditPollJobQueue")
    },
    "EvaluateReputationFunction": _runtime("EvaluateReputationLogGroup", scheduled=True)
    | {
        ("dynamodb:GetItem", "RepmonTable", _WATCHLIST_OR_BRANDS),  # DynamoAlertLedger.state
        # DynamoWatchlist.brands, DynamoMentionStore.hourly
        ("dynamodb:Query", "RepmonTable", _WATCHLIST_OR_BRANDS),
        ("dynamodb:Query", "RepmonTable/index/ByTime", _ANY_KEY),  # DynamoMentionStore.mentions_between
        ("dynamodb:Query", "RepmonTable/index/NegativeByInfluence", _ANY_KEY),  # .most_negative
        ("dynamodb:Query", "RepmonTable/index/RatedByTime", _ANY_KEY),  # .rated_between (rating_drop)
        ("dynamodb:PutItem", "RepmonTable", _BRANDS),  # DynamoAlertLedger.mark_sent (the alert log)
        ("dynamodb:UpdateItem", "RepmonTable", _BRANDS),  # DynamoAlertLedger.claim, mark_sent, rearm
        ("sns:Publish", "AlertTopic", _ANY_KEY),  # sns_publisher.SnsAlertPublisher.publish
    },
    "ExportForBiFunction": _runtime("ExportForBiLogGroup", scheduled=True)
    | {
        # dynamo_native_export.DynamoNativeExports.start, .refresh
        ("dynamodb:ExportTableToPointInTime", "RepmonTable", _ANY_KEY),
        ("dynamodb:DescribeExport", "RepmonTable/export/*", _ANY_KEY),
        # dynamo_export.DynamoExportReader (watchlist, aggregates, alerts; a day's mentions by time),
        # DynamoNativeExports.records
        ("dynamodb:Query", "RepmonTable", _ANY_KEY),
        ("dynamodb:Query", "RepmonTable/index/ByTime", _ANY_KEY),
        # DynamoExportLedger.last_run/save_run, DynamoNativeExports._save/mark_processed: pk=EXPORT
        ("dynamodb:GetItem", "RepmonTable", "EXPORT"),
        ("dynamodb:PutItem", "RepmonTable", "EXPORT"),
        ("dynamodb:UpdateItem", "RepmonTable", "EXPORT"),
        # export_sinks.S3PartitionSink (upload, copy, _SUCCESS, delete temp), DynamoDB's PITR export
        # writing with the caller's permissions, DynamoNativeExports.changed_items reading it
        ("s3:PutObject", "ExportBucket/${ExportPrefix}/*", _ANY_KEY),
        ("s3:GetObject", "ExportBucket/${ExportPrefix}/*", _ANY_KEY),
        ("s3:DeleteObject", "ExportBucket/${ExportPrefix}/*", _ANY_KEY),
        ("s3:AbortMultipartUpload", "ExportBucket/${ExportPrefix}/*", _ANY_KEY),
        ("s3:ListBucket", "ExportBucket", _ANY_KEY),  # S3PartitionSink, changed_items: list_objects_v2
        ("secretsmanager:GetSecretValue", "PseudonymKey", _ANY_KEY),  # pseudonym.secret_pseudonymiser
    },
    "SendDigestFunction": _runtime("SendDigestLogGroup", scheduled=True)
    | {
        # DynamoWatchlist.brands; DynamoMentionStore.hourly, DynamoMuteStore.active, DynamoAlertLog
        ("dynamodb:Query", "RepmonTable", _WATCHLIST_OR_BRANDS),
        ("dynamodb:Query", "RepmonTable/index/NegativeByInfluence", _ANY_KEY),  # .most_negative
        # .mentions_between: the period's mentions for the reply figures and review locations
        ("dynamodb:Query", "RepmonTable/index/ByTime", _ANY_KEY),
        ("dynamodb:GetItem", "RepmonTable", _BRANDS),  # DynamoNoticeLedger.state
        ("dynamodb:UpdateItem", "RepmonTable", _BRANDS),  # DynamoNoticeLedger.claim, mark_sent
        ("sns:Publish", "AlertTopic", _ANY_KEY),  # sns_notices.SnsNoticePublisher.publish
    },
    "CheckIngestionFunction": _runtime("CheckIngestionLogGroup", scheduled=True)
    | {
        # DynamoWatchlist.brands; DynamoMentionStore.hourly, DynamoPollHealth.of_brand
        ("dynamodb:Query", "RepmonTable", _WATCHLIST_OR_BRANDS),
        # DynamoNoticeLedger.state (GetItem), .claim, .mark_sent, .rearm: brands' and OPS (the queues')
        ("dynamodb:GetItem", "RepmonTable", "BRAND#* OPS"),
        ("dynamodb:UpdateItem", "RepmonTable", "BRAND#* OPS"),
        ("sqs:GetQueueAttributes", "PollJobDeadLetterQueue", _ANY_KEY),  # sqs_dead_letters.SqsDeadLetters
        ("sqs:GetQueueAttributes", "RedditPollJobDeadLetterQueue", _ANY_KEY),
        ("sns:Publish", "AlertTopic", _ANY_KEY),  # sns_notices.SnsNoticePublisher.publish
    },
}
_SECRET_ARN_PREFIX = "arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:"


def _name(resource: Any) -> str:
    """A statement's resource as the table above writes it: the logical id, or a Sub with ids."""
    if isinstance(resource, str):
        return resource
    if "Fn::GetAtt" in resource:
        return str(resource["Fn::GetAtt"][0])
    if "Ref" in resource:
        return str(resource["Ref"])
    text = re.sub(r"\$\{(\w+)\.Arn\}", r"\1", resource["Fn::Sub"])
    return text.removeprefix(_SECRET_ARN_PREFIX)


def _leading_keys(statement: Template) -> str:
    for operator, keys in statement.get("Condition", {}).items():
        assert operator in {"ForAllValues:StringEquals", "ForAllValues:StringLike", "StringLike"}, operator
        if "dynamodb:LeadingKeys" in keys:
            return " ".join(keys["dynamodb:LeadingKeys"])
    return _ANY_KEY


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _grants(cfn: Template, role: str) -> set[Grant]:
    return {
        (action, _name(resource), _leading_keys(statement))
        for statement in _role_statements(cfn, role)
        for action in _as_list(statement["Action"])
        for resource in _as_list(statement["Resource"])
    }


def _role_statements(cfn: Template, role: str) -> list[Template]:
    policies = _props(cfn, role).get("Policies", [])
    return [s for policy in policies for s in policy["PolicyDocument"]["Statement"]]


def _policy_statements(cfn: Template) -> list[Template]:
    return [s for role in _resources(cfn, "AWS::IAM::Role") for s in _role_statements(cfn, role)]


@pytest.mark.parametrize("function", sorted(EXPECTED_GRANTS))
def test_each_function_may_do_exactly_what_its_code_calls(cfn: Template, function: str) -> None:
    role = _props(cfn, function)["Role"]["Fn::GetAtt"][0]
    assert all(s["Effect"] == "Allow" for s in _role_statements(cfn, role))
    granted = _grants(cfn, role)
    assert granted - EXPECTED_GRANTS[function] == set(), "granted but never called"
    assert EXPECTED_GRANTS[function] - granted == set(), "called but not granted"


def test_functions_write_only_their_own_partitions(cfn: Template) -> None:
    # A compromised collector or evaluator cannot rewrite the watchlist or the export's state; the
    # export writes only its own records. ForAllValues:StringLike needs every key to match.
    for function, allowed in (
        ("CollectMentionsFunction", ["BRAND#*"]),
        ("EvaluateReputationFunction", ["BRAND#*"]),
        ("ExportForBiFunction", ["EXPORT"]),
        ("SendDigestFunction", ["BRAND#*"]),
        ("CheckIngestionFunction", ["BRAND#*", "OPS"]),
    ):
        role = _props(cfn, function)["Role"]["Fn::GetAtt"][0]
        writes = [
            s
            for s in _role_statements(cfn, role)
            if {"dynamodb:PutItem", "dynamodb:UpdateItem"} & set(_as_list(s["Action"]))
        ]
        assert writes, function
        for statement in writes:
            [(operator, keys)] = statement["Condition"].items()
            assert operator.startswith("ForAllValues:"), function
            # The collector also counts the stack's YouTube quota and X spend, and keeps GDELT's pace,
            # in their own partitions
            ledgers = [
                {"dynamodb:LeadingKeys": ["QUOTA#youtube"]},
                {"dynamodb:LeadingKeys": ["SPEND#x#*"]},
                {"dynamodb:LeadingKeys": ["RATE#gdelt"]},
            ]
            quota = ledgers if function == "CollectMentionsFunction" else []
            assert keys in [{"dynamodb:LeadingKeys": allowed}, *quota], function


def test_no_iam_action_is_a_wildcard_and_only_xray_is_on_every_resource(cfn: Template) -> None:
    statements = _policy_statements(cfn)
    assert statements
    for statement in statements:
        actions = _as_list(statement["Action"])
        assert all("*" not in action for action in actions), statement
        if statement["Resource"] == "*":
            assert all(action.startswith("xray:") for action in actions), statement
    # No managed policy at all: AWSLambdaBasicExecutionRole allowed logs on every log group
    for logical_id, role in _resources(cfn, "AWS::IAM::Role").items():
        assert not role["Properties"].get("ManagedPolicyArns"), logical_id


def test_each_function_logs_to_its_declared_group_with_retention(cfn: Template) -> None:
    for function in EXPECTED_GRANTS:
        group = _props(cfn, function)["LoggingConfig"]["LogGroup"]["Ref"]
        assert _props(cfn, group)["RetentionInDays"] == {"Ref": "LogRetentionDays"}, function


def test_collector_reads_only_the_named_source_secrets(cfn: Template) -> None:
    role = _props(cfn, "CollectMentionsFunctionRole")
    secret_statements = [
        s
        for policy in role["Policies"]
        for s in policy["PolicyDocument"]["Statement"]
        if any(a.startswith("secretsmanager:") for a in s["Action"])
    ]
    assert all(s["Action"] == ["secretsmanager:GetSecretValue"] for s in secret_statements)
    # and the stack's own pseudonym key, to hash authors for the known-customer lookup
    assert [s["Resource"] for s in secret_statements if "Ref" in s["Resource"]] == [{"Ref": "PseudonymKey"}]
    subs = [s for s in secret_statements if "Fn::Sub" in s["Resource"]]
    named = sorted(s["Resource"]["Fn::Sub"].rsplit(":secret:", 1)[1] for s in subs)
    assert named == [
        "${AppStoreConnectSecretName}-??????",
        "${BlueskySecretName}-??????",
        "${GooglePlaySecretName}-??????",
        "${GoogleSecretName}-??????",
        "${MastodonSecretName}-??????",
        "${RedditSecretName}-??????",
        "${TrustpilotSecretName}-??????",
        "${XSecretName}-??????",
        "${YelpSecretName}-??????",
        "${YouTubeSecretName}-??????",
    ]
    # Users create the Reddit secret (README); the only secret the stack makes is a generated key.
    secrets = _resources(cfn, "AWS::SecretsManager::Secret").values()
    assert all("SecretString" not in s["Properties"] for s in secrets), "no secret value in the template"
    assert all("GenerateSecretString" in s["Properties"] for s in secrets)


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
    assert variables["BLUESKY_SECRET_NAME"] == {"Ref": "BlueskySecretName"}
    assert variables["MASTODON_SECRET_NAME"] == {"Ref": "MastodonSecretName"}
    for name in ("Trustpilot", "Google", "Yelp"):
        assert variables[f"{name.upper()}_SECRET_NAME"] == {"Ref": f"{name}SecretName"}
    assert variables["YOUTUBE_SECRET_NAME"] == {"Ref": "YouTubeSecretName"}
    assert variables["X_SECRET_NAME"] == {"Ref": "XSecretName"}
    assert variables["X_MONTHLY_BUDGET_USD"] == {"Ref": "XMonthlyBudgetUsd"}
    assert variables["PSEUDONYM_KEY_NAME"] == {"Ref": "PseudonymKey"}
    assert variables["RETENTION_DAYS"] == {"Ref": "RetentionDays"}
    assert variables["NLTK_DATA"] == "/opt/python/nltk_data"


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
