"""The transformed template as a module-scoped fixture, and lookups the template tests share."""

from __future__ import annotations

from typing import Any

import pytest

from repmon.localstack.template_loader import resources_of_type, transformed_template

Template = dict[str, Any]


@pytest.fixture(scope="module")
def cfn() -> Template:
    """template.yaml after the SAM transform: what CloudFormation deploys (moto drops much of it)."""
    return transformed_template()


def resources(cfn: Template, resource_type: str) -> dict[str, Template]:
    return resources_of_type(cfn, resource_type)


def props(cfn: Template, logical_id: str) -> Template:
    properties: Template = cfn["Resources"][logical_id]["Properties"]
    return properties
