"""What moto's CloudFormation silently drops from template.yaml, restored from the template itself.

moto creates the tables without point-in-time recovery or TTL, and cannot create Secrets Manager
secrets at all (a `!Ref` to one resolves to nothing, and the variable holding it vanishes). The
local stack applies these after deploying, read from the same template, so local runs behave as the
deployed stack does and the two cannot drift.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from typing import Any

from botocore.exceptions import ClientError


def restore_dropped_table_settings(
    template: Mapping[str, Any], resources: Mapping[str, tuple[str, str]], dynamodb: Any
) -> None:
    """Apply what moto's CloudFormation silently drops from the template's tables: point-in-time
    recovery (the BI export needs it) and TTL. Read from the template itself, so the two cannot drift."""
    for logical_id, resource in template["Resources"].items():
        if resource.get("Type") != "AWS::DynamoDB::Table" or logical_id not in resources:
            continue
        table, props = resources[logical_id][1], resource.get("Properties", {})
        if props.get("PointInTimeRecoverySpecification", {}).get("PointInTimeRecoveryEnabled"):
            dynamodb.update_continuous_backups(
                TableName=table, PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True}
            )
        ttl = props.get("TimeToLiveSpecification")
        if ttl and ttl.get("Enabled"):
            dynamodb.update_time_to_live(
                TableName=table,
                TimeToLiveSpecification={"Enabled": True, "AttributeName": ttl["AttributeName"]},
            )


def restore_generated_secrets(
    template: Mapping[str, Any], stack_name: str, secretsmanager: Any
) -> dict[str, str]:
    """moto's CloudFormation cannot create AWS::SecretsManager::Secret: make each generated one
    (named <stack>-<LogicalId>, a random value) and return logical id -> ARN. Idempotent."""
    restored = {}
    for logical_id, resource in template["Resources"].items():
        props = resource.get("Properties", {})
        if resource.get("Type") != "AWS::SecretsManager::Secret" or "GenerateSecretString" not in props:
            continue
        name = f"{stack_name}-{logical_id}"
        try:
            restored[logical_id] = secretsmanager.describe_secret(SecretId=name)["ARN"]
        except ClientError:
            created = secretsmanager.create_secret(Name=name, SecretString=secrets.token_urlsafe(48))
            restored[logical_id] = created["ARN"]
    return restored


def refs_to(template: Mapping[str, Any], restored: Mapping[str, str]) -> dict[str, dict[str, str]]:
    """Function logical id -> {variable: restored ARN} for variables that `!Ref` a restored resource."""
    refs: dict[str, dict[str, str]] = {}
    for logical_id, resource in template["Resources"].items():
        variables = resource.get("Properties", {}).get("Environment", {}).get("Variables", {})
        for variable, value in variables.items():
            target = value.get("Ref") if isinstance(value, dict) else None
            if isinstance(target, str) and target in restored:
                refs.setdefault(logical_id, {})[variable] = restored[target]
    return refs
