"""template.yaml after the Serverless transform: least privilege, environments that satisfy the
settings models, and the layer build."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from repmon.localstack.template_loader import (
    TEMPLATE_PATH,
    load_sam_template,
)
from repmon.runtime.settings import (
    CollectSettings,
    EvaluateSettings,
    ExportSettings,
    PlanPollsSettings,
    _Settings,
)
from tests.integration import template_helpers
from tests.integration.template_helpers import Template

SETTINGS_BY_FUNCTION: dict[str, type[_Settings]] = {
    "PlanPollsFunction": PlanPollsSettings,
    "CollectMentionsFunction": CollectSettings,
    "EvaluateReputationFunction": EvaluateSettings,
    "ExportForBiFunction": ExportSettings,
}
# Variables the platform or libraries read rather than our settings models.
PLATFORM_VARIABLE_PREFIXES = ("POWERTOOLS_", "AWS_")
PLATFORM_VARIABLES = {"NLTK_DATA"}

cfn = template_helpers.cfn  # the shared module-scoped fixture
_resources, _props = template_helpers.resources, template_helpers.props


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
