"""The Mastodon secret, read through Powertools Parameters against moto: one secret for every instance
({"instances": {host: token | {"url", "token"}}}); absent turns the source off; a bad entry is named
by its instance, never its token; no token in any log record, even at DEBUG."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import boto3
import pytest
from aws_lambda_powertools.utilities import parameters
from moto import mock_aws

from repmon.adapters.sources.mastodon import load_instances
from repmon.domain.errors import InvalidConfig, SourceNotConfigured
from repmon.runtime import observability

TOKEN = "mastodon-user-token-zq81x"


@pytest.fixture
def client() -> Iterator[object]:
    with mock_aws():
        parameters.clear_caches()  # Powertools caches secrets across tests
        yield boto3.client("secretsmanager", region_name="us-east-1")
        parameters.clear_caches()


def _put(client: object, value: object) -> None:
    client.create_secret(Name="repmon/mastodon", SecretString=json.dumps(value))  # type: ignore[attr-defined]


def test_a_bare_token_means_https_host_and_an_object_gives_its_own_url(client, caplog) -> None:
    local = {"url": "http://127.0.0.1:3000", "token": "t2"}
    _put(client, {"instances": {"Mastodon.Social": TOKEN, "local.test": local}})
    observability.silence_sdk_wire_logs()  # as the collector runs; the read is what is checked
    caplog.set_level(logging.DEBUG)
    found = load_instances("repmon/mastodon", client=client)
    assert found["mastodon.social"].url == "https://Mastodon.Social"
    assert found["mastodon.social"].token.get_secret_value() == TOKEN
    assert found["local.test"].url == "http://127.0.0.1:3000"
    assert TOKEN not in repr(found) and TOKEN not in caplog.text


def test_no_secret_turns_the_source_off(client) -> None:
    with pytest.raises(SourceNotConfigured):
        load_instances("repmon/mastodon", client=client)


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ({"instance": {}}, "has no 'instances' object"),
        ({"instances": {}}, "has no 'instances' object"),
        ({"instances": {"a.example": {"token": TOKEN}}}, "instance 'a.example' needs a url and a token"),
        ({"instances": {"a.example": 5}}, "instance 'a.example' needs a url and a token"),
    ],
)
def test_a_bad_secret_is_named_by_its_instance_never_its_token(client, value, words) -> None:
    _put(client, value)
    with pytest.raises(InvalidConfig, match=words) as caught:
        load_instances("repmon/mastodon", client=client)
    assert TOKEN not in str(caught.value)
