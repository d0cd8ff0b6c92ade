"""template.yaml's per-source secrets checked against the registry (`domain.source_registry`).

Sources are added by different people on the same day; each one with a secret needs four things in
the template that nothing else ties together: a parameter (its name, so the credential never passes
through CloudFormation), the collector's setting pointing at it, a read of that one secret by the
collector, and nothing more. A row whose secret the template forgets turns its source off in
production ("no secret"), and a template secret no row names is a read nobody needs.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from repmon.domain.source_registry import SOURCES, SourceSpec
from repmon.runtime.settings import CollectSettings
from tests.integration import template_helpers
from tests.integration.template_helpers import Template

cfn = template_helpers.cfn  # the shared module-scoped fixture
_props = template_helpers.props

COLLECTOR = "CollectMentionsFunction"
_SECRET_ARN = re.compile(
    r"^arn:\$\{AWS::Partition\}:secretsmanager:\$\{AWS::Region\}:\$\{AWS::AccountId\}:secret:\$\{(\w+)\}-\?{6}$"
)
#: Secrets the collector reads that are no source's (the pseudonym key hashes authors, for all sources).
NOT_A_SOURCE = {"PSEUDONYM_KEY_NAME"}
WITH_SECRET = [spec for spec in SOURCES.values() if spec.secret]


def _alias(spec: SourceSpec) -> str:
    field = CollectSettings.model_fields[spec.secret or ""]
    return str(field.alias)


def _environment(cfn: Template) -> dict[str, Any]:
    return dict(_props(cfn, COLLECTOR)["Environment"]["Variables"])


def _secret_reads(cfn: Template, function: str) -> list[tuple[list[str], Any]]:
    role = _props(cfn, function)["Role"]["Fn::GetAtt"][0]
    statements = [s for p in _props(cfn, role).get("Policies", []) for s in p["PolicyDocument"]["Statement"]]
    return [
        (s["Action"] if isinstance(s["Action"], list) else [s["Action"]], s["Resource"])
        for s in statements
        if any(
            str(a).startswith("secretsmanager:")
            for a in (s["Action"] if isinstance(s["Action"], list) else [s["Action"]])
        )
    ]


def _parameter_read(resource: Any) -> str | None:
    """The parameter a `!Sub "...:secret:${Param}-??????"` resource names, else None."""
    text = resource.get("Fn::Sub") if isinstance(resource, dict) else None
    found = _SECRET_ARN.match(text) if isinstance(text, str) else None
    return found.group(1) if found else None


@pytest.mark.parametrize("spec", WITH_SECRET, ids=lambda s: s.name.value)
def test_each_source_secret_has_a_parameter_a_setting_and_one_least_privilege_read(
    cfn: Template, spec: SourceSpec
) -> None:
    variable = _environment(cfn).get(_alias(spec))
    assert isinstance(variable, dict) and set(variable) == {"Ref"}, f"{COLLECTOR} sets no {_alias(spec)}"
    parameter = variable["Ref"]
    declared = cfn["Parameters"].get(parameter)
    assert declared is not None, f"{_alias(spec)} names {parameter}, which is no parameter"
    assert declared["Type"] == "String"
    assert declared.get("Default") == CollectSettings.model_fields[spec.secret or ""].default, (
        f"{parameter}'s default is not the collector's default for {spec.secret}"
    )
    reads = [(actions, r) for actions, r in _secret_reads(cfn, COLLECTOR) if _parameter_read(r) == parameter]
    assert reads == [(["secretsmanager:GetSecretValue"], reads[0][1] if reads else None)], (
        f"the collector needs exactly one GetSecretValue of ${{{parameter}}}-??????"
    )


def test_no_template_secret_lacks_a_source(cfn: Template) -> None:
    named = {_alias(spec) for spec in WITH_SECRET}
    variables = {v for v in _environment(cfn) if v.endswith("_SECRET_NAME") or v.endswith("_KEY_NAME")}
    assert variables - named - NOT_A_SOURCE == set(), "a secret setting no registry row reads"
    parameters = {name for name in cfn["Parameters"] if name.endswith("SecretName")}
    referenced = {
        _environment(cfn)[_alias(spec)]["Ref"] for spec in WITH_SECRET if _alias(spec) in _environment(cfn)
    }
    assert parameters - referenced == set(), "a secret parameter no registry row reads"
    reads = {_parameter_read(r) for _, r in _secret_reads(cfn, COLLECTOR)}
    assert reads - referenced - {None} == set(), "a secret read no registry row needs"
    unnamed = [r for _, r in _secret_reads(cfn, COLLECTOR) if _parameter_read(r) is None]
    assert unnamed == [{"Ref": "PseudonymKey"}], "a secret read that names no single secret"


@pytest.mark.parametrize(
    "function", ["PlanPollsFunction", "EvaluateReputationFunction", "ExportForBiFunction"]
)
def test_no_other_function_reads_a_source_secret(cfn: Template, function: str) -> None:
    assert not [r for _, r in _secret_reads(cfn, function) if _parameter_read(r)], function


def test_every_registry_secret_is_a_collector_setting_with_a_secret_name_alias() -> None:
    for spec in WITH_SECRET:
        assert spec.secret in CollectSettings.model_fields, spec.name
        assert _alias(spec).endswith("_SECRET_NAME"), spec.name


def test_the_readmes_parameter_table_names_each_source_secret_and_its_default(cfn: Template) -> None:
    from pathlib import Path

    rows = [
        line
        for line in (Path(__file__).parents[2] / "README.md").read_text().splitlines()
        if "SecretName`" in line
    ]
    for spec in WITH_SECRET:
        parameter = _environment(cfn)[_alias(spec)]["Ref"]
        default = cfn["Parameters"][parameter]["Default"]
        assert any(f"`{parameter}`" in row and f"`{default}`" in row for row in rows), parameter
