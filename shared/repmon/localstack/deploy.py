"""Create the repmon stack in a moto endpoint from template.yaml, and read it back."""

from __future__ import annotations

import io
import json
import time
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from botocore.exceptions import ClientError

from repmon.localstack.template_loader import for_moto, load_sam_template, sam_transform, with_s3_artifacts

ARTIFACTS_BUCKET = "repmon-local-artifacts"
_DEPLOY_TIMEOUT_SECONDS = 60.0
_PLACEHOLDER_CODE = "def handler(event, context):\n    raise RuntimeError('run by LocalStack.invoke')\n"


def stack_exists(cloudformation: Any, stack_name: str) -> bool:
    try:
        stacks = cloudformation.describe_stacks(StackName=stack_name)["Stacks"]
    except ClientError:
        return False
    return any(stack["StackStatus"] == "CREATE_COMPLETE" for stack in stacks)


def deploy_stack(
    cloudformation: Any, s3: Any, template_path: Path, stack_name: str, parameters: Mapping[str, str]
) -> None:
    """What `sam package` + `sam deploy` do, minus the code: placeholders stand in for it."""
    packaged, keys = with_s3_artifacts(load_sam_template(template_path), ARTIFACTS_BUCKET)
    upload_placeholders(s3, keys)
    template = for_moto(sam_transform(packaged, parameters), stack_name)
    cloudformation.create_stack(
        StackName=stack_name,
        TemplateBody=json.dumps(template),
        Parameters=[{"ParameterKey": k, "ParameterValue": v} for k, v in parameters.items()],
        Capabilities=["CAPABILITY_IAM", "CAPABILITY_AUTO_EXPAND"],
    )
    wait_for_create(cloudformation, stack_name)


def upload_placeholders(s3: Any, keys: list[str]) -> None:
    s3.create_bucket(Bucket=ARTIFACTS_BUCKET)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("app.py", _PLACEHOLDER_CODE)
    for key in keys:
        s3.put_object(Bucket=ARTIFACTS_BUCKET, Key=key, Body=buffer.getvalue())


def wait_for_create(cloudformation: Any, stack_name: str, timeout: float = _DEPLOY_TIMEOUT_SECONDS) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        stack = cloudformation.describe_stacks(StackName=stack_name)["Stacks"][0]
        status = stack["StackStatus"]
        if status == "CREATE_COMPLETE":
            return
        if status.endswith(("FAILED", "ROLLBACK_COMPLETE")):
            raise RuntimeError(f"stack {stack_name}: {status} {stack.get('StackStatusReason', '')}")
        time.sleep(0.2)
    raise TimeoutError(f"stack {stack_name} not created after {timeout}s")


def read_stack(cloudformation: Any, stack_name: str) -> tuple[dict[str, str], dict[str, tuple[str, str]]]:
    """(outputs, logical id -> (resource type, physical id)) of a created stack."""
    stack = cloudformation.describe_stacks(StackName=stack_name)["Stacks"][0]
    outputs = {out["OutputKey"]: out["OutputValue"] for out in stack.get("Outputs", [])}
    listed = cloudformation.describe_stack_resources(StackName=stack_name)["StackResources"]
    # moto lists the resource types it cannot create (schedules, event-invoke configs) without ids
    resources = {
        res["LogicalResourceId"]: (res["ResourceType"], res.get("PhysicalResourceId", ""))
        for res in listed
        if "LogicalResourceId" in res
    }
    return outputs, resources
