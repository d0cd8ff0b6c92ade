"""Create the stack's table in moto from template.yaml itself, so in-process tests cannot drift from it."""

from __future__ import annotations

from functools import cache
from typing import Any

from repmon.localstack.template_loader import load_sam_template


@cache
def template() -> dict[str, Any]:
    return load_sam_template()


def create_table(client: Any, name: str = "repmon-test", logical_id: str = "RepmonTable") -> str:
    """Create the table with the key schema, indexes and billing mode the template declares."""
    props = template()["Resources"][logical_id]["Properties"]
    keep = ("AttributeDefinitions", "KeySchema", "GlobalSecondaryIndexes", "BillingMode")
    client.create_table(TableName=name, **{k: props[k] for k in keep if k in props})
    return name
