"""template.yaml as data: parse it, point its code at S3 artifacts, and run the SAM transform offline.

Both the template tests and the local stack use this, so what they check is what moto deploys.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import boto3
from samtranslator.parser.parser import Parser
from samtranslator.translator.translator import Translator
from samtranslator.yaml_helper import yaml_parse

REPO_ROOT = Path(__file__).resolve().parents[3]
TEMPLATE_PATH = REPO_ROOT / "template.yaml"
REGION = "us-east-1"

#: The SAM resource types whose local code path must become an S3 location before the transform.
_CODE_PROPERTIES = {"AWS::Serverless::Function": "CodeUri", "AWS::Serverless::LayerVersion": "ContentUri"}

Template = dict[str, Any]


def load_sam_template(path: Path = TEMPLATE_PATH) -> Template:
    """The SAM template as a dict, with short-form intrinsics (!Ref, !Sub...) expanded."""
    parsed: Template = yaml_parse(path.read_text(encoding="utf-8"))
    return parsed


def with_s3_artifacts(template: Template, bucket: str) -> tuple[Template, list[str]]:
    """A copy whose CodeUri/ContentUri are s3://bucket/<LogicalId>.zip, and the keys to upload.

    `sam package` does the same after zipping; locally a placeholder zip stands in for the code
    because moto only stores functions, it never runs them.
    """
    result = copy.deepcopy(template)
    keys: list[str] = []
    for logical_id, resource in result.get("Resources", {}).items():
        prop = _CODE_PROPERTIES.get(resource.get("Type", ""))
        if prop and isinstance(resource.get("Properties", {}).get(prop), str):
            key = f"{logical_id}.zip"
            resource["Properties"][prop] = f"s3://{bucket}/{key}"
            keys.append(key)
    return result, keys


class _NoManagedPolicies:
    """Managed-policy lookups would call IAM; the template names its managed policies by ARN."""

    def load(self) -> dict[str, str]:
        return {}


def sam_transform(
    template: Template, parameters: Mapping[str, str] | None = None, region: str = REGION
) -> Template:
    """CloudFormation as `aws cloudformation deploy` would see it after the Serverless transform."""
    translator = Translator(
        managed_policy_map=None,
        sam_parser=Parser(),
        boto_session=boto3.session.Session(region_name=region),
    )
    transformed: Template = translator.translate(
        copy.deepcopy(template),
        parameter_values=dict(parameters or {}),
        get_managed_policy_map=_NoManagedPolicies().load,
    )
    # The offline publisher drops them; publishing only stops a "unpublished metrics" warning
    translator.metrics.publish()
    return transformed


def transformed_template(
    parameters: Mapping[str, str] | None = None, bucket: str = "repmon-artifacts", path: Path = TEMPLATE_PATH
) -> Template:
    """Load, point code at `bucket` and transform: the one-call form the tests use."""
    packaged, _ = with_s3_artifacts(load_sam_template(path), bucket)
    return sam_transform(packaged, parameters)


def resources_of_type(template: Template, resource_type: str) -> dict[str, Template]:
    """Logical id -> resource for every resource of `resource_type`."""
    return {
        logical_id: resource
        for logical_id, resource in template.get("Resources", {}).items()
        if resource.get("Type") == resource_type
    }


def for_moto(template: Template, stack_name: str) -> Template:
    """A copy of a transformed template adjusted for what moto's CloudFormation gets wrong.

    - Generated names of FIFO queues: CloudFormation appends ".fifo"; moto does not and then
      refuses the queue, so FIFO queues get an explicit `<stack>-<LogicalId>.fifo` name.
    - SQS event source mappings are created disabled: an enabled one makes moto "invoke" the
      function on every SendMessage (docker, or a no-op echo) and delete the messages. Local
      drivers receive from the queues and call `LocalStack.invoke` themselves.
    """
    result = copy.deepcopy(template)
    for logical_id, resource in result.get("Resources", {}).items():
        props = resource.setdefault("Properties", {})
        if resource.get("Type") == "AWS::SQS::Queue" and props.get("FifoQueue") and "QueueName" not in props:
            props["QueueName"] = f"{stack_name}-{logical_id}.fifo"
        if resource.get("Type") == "AWS::Lambda::EventSourceMapping":
            props["Enabled"] = False
    return result
