"""X's bearer token, read through Powertools Parameters against moto by the registry's factory: absent
turns the source off, a secret without the token is named by its field (never its value), and the
token reaches no log record, even at DEBUG, through a read and a poll; the stack's spend ledger is
the single table's SPEND#x#<month> partition."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from datetime import timedelta

import boto3
import pytest
from aws_lambda_powertools.utilities import parameters
from moto import mock_aws

from repmon.adapters.dynamo_spend import DynamoSpendLedger
from repmon.adapters.http import new_session
from repmon.adapters.sources.x import build_source
from repmon.domain.brand import Brand
from repmon.domain.errors import InvalidConfig, SourceNotConfigured, SourceUnavailable
from repmon.localstack.fakes.server import FakeSources, SourceWorld
from repmon.localstack.fakes.x import BEARER, add_x_post
from repmon.runtime import observability
from repmon.runtime.settings import CollectSettings
from tests.integration.conftest import NOW

TABLE = "repmon-x-test"


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    with mock_aws():
        parameters.clear_caches()  # Powertools caches secrets across tests
        dynamodb = boto3.client("dynamodb", region_name="us-east-1")
        dynamodb.create_table(
            TableName=TABLE,
            KeySchema=[
                {"AttributeName": "pk", "KeyType": "HASH"},
                {"AttributeName": "sk", "KeyType": "RANGE"},
            ],
            AttributeDefinitions=[
                {"AttributeName": "pk", "AttributeType": "S"},
                {"AttributeName": "sk", "AttributeType": "S"},
            ],
            BillingMode="PAY_PER_REQUEST",
        )
        yield boto3.client("secretsmanager", region_name="us-east-1")
        parameters.clear_caches()


def _settings(url: str = "https://api.x.com") -> CollectSettings:
    return CollectSettings.model_validate(
        {"TABLE_NAME": TABLE, "X_API_URL": url, "X_MONTHLY_BUDGET_USD": "5"}
    )


def test_the_token_is_read_and_used_and_never_logged(aws, caplog) -> None:
    aws.create_secret(Name="repmon/x", SecretString=json.dumps({"bearer_token": BEARER}))  # type: ignore[attr-defined]
    observability.silence_sdk_wire_logs()  # as the collector runs; the read is what is checked
    caplog.set_level(logging.DEBUG)
    world = SourceWorld(now=NOW)
    add_x_post(world, text="Acme lost my bag", created=NOW - timedelta(minutes=3))
    brand = Brand.model_validate(
        {"id": "acme", "name": "Acme", "query": "acme", "sources": {"x": {"enabled": True}}}
    )
    with FakeSources(world) as fake:
        source = build_source(_settings(fake.base_url), new_session(total=1), logging.getLogger("t"))
        page = source.fetch(brand, None, NOW)
    assert len(page.mentions) == 1 and source.stack_budget == 5
    assert BEARER not in repr(source.token) and BEARER not in caplog.text
    # The month's spend is in the ledger, where every brand's poll reads the stack's total
    assert DynamoSpendLedger(TABLE).spent("2026-11") == {"acme": pytest.approx(0.015)}


def test_no_secret_turns_the_source_off(aws) -> None:
    with pytest.raises(SourceNotConfigured):
        build_source(_settings(), new_session(total=1), logging.getLogger("t"))


def test_a_secret_without_the_token_names_the_field_not_the_value(aws) -> None:
    aws.create_secret(Name="repmon/x", SecretString=json.dumps({"token": "zz-secret-zz"}))  # type: ignore[attr-defined]
    with pytest.raises(InvalidConfig, match="bearer_token") as raised:
        build_source(_settings(), new_session(total=1), logging.getLogger("t"))
    assert "zz-secret-zz" not in str(raised.value)


def test_an_unreadable_ledger_stops_the_poll_before_any_read(aws) -> None:
    with pytest.raises(SourceUnavailable, match="spend ledger"):
        DynamoSpendLedger("no-such-table").spent("2026-11")


def test_the_rereads_figure_keeps_its_state_beside_it_and_counts_in_the_month(aws) -> None:
    ledger = DynamoSpendLedger(TABLE)
    state = {"month": "2026-11", "usd": 0.05, "day": "2026-11-01", "read": ["p1", "p2"]}
    ledger.record("2026-11", "acme", 1.25)
    ledger.record("2026-11", "acme#rereads", 0.05, state)
    assert ledger.spent("2026-11") == {"acme": 1.25, "acme#rereads": pytest.approx(0.05)}
    assert ledger.state("2026-11", "acme#rereads") == state and ledger.state("2026-11", "acme") is None
    assert ledger.state("2026-10", "acme#rereads") is None
