"""The YouTube API key: read through Powertools from Secrets Manager, off until it exists, and in no
log record, at DEBUG, through the read and a whole poll (it travels in a header, never in a URL)."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import boto3
import pytest
from aws_lambda_powertools.utilities import parameters
from moto import mock_aws

from repmon.adapters.http import new_session
from repmon.adapters.sources.youtube import YouTubeSource, load_api_key
from repmon.domain.brand import Brand
from repmon.domain.errors import InvalidConfig, SourceNotConfigured
from repmon.localstack.fakes.server import FakeSources, SourceWorld
from repmon.localstack.fakes.youtube import add_channel, add_comment, api_url
from tests.integration.test_secrets_unlogged import _everything_logged, everything_at_debug  # noqa: F401
from tests.youtube_ledger import MemoryQuotaLedger

KEY = "AIzaSy-youtube-key-0123456789abcdefghij"


@pytest.fixture
def secrets() -> Iterator[object]:
    with mock_aws():
        client = boto3.client("secretsmanager", region_name="us-east-1")
        client.create_secret(Name="repmon/youtube", SecretString=json.dumps({"api_key": KEY}))
        client.create_secret(Name="repmon/youtube-bad", SecretString=json.dumps({"key": KEY}))
        parameters.clear_caches()
        yield client
        parameters.clear_caches()


def test_a_missing_secret_turns_the_source_off_and_a_bad_one_names_no_value(secrets: object) -> None:
    with pytest.raises(SourceNotConfigured):
        load_api_key("repmon/absent", client=secrets)
    with pytest.raises(InvalidConfig, match="api_key") as caught:
        load_api_key("repmon/youtube-bad", client=secrets)
    assert KEY not in str(caught.value)


def test_the_key_is_in_no_log_record_through_the_read_and_a_poll(
    secrets: object, request: pytest.FixtureRequest, caplog: pytest.LogCaptureFixture
) -> None:
    stream: io.StringIO = request.getfixturevalue("everything_at_debug")
    caplog.set_level(logging.DEBUG)
    logging.getLogger("botocore.parsers").info("canary from botocore")
    key = load_api_key("repmon/youtube", client=secrets)
    assert key.get_secret_value() == KEY and KEY not in repr(key)
    world = SourceWorld()
    channel = add_channel(world, "acme air", 100)
    add_comment(world, text="acme air is late", channel=channel)
    brand = Brand.model_validate(
        {"id": "acme", "name": "Acme", "query": "acme", "sources": {"youtube": {"channel_id": channel}}}
    )
    with FakeSources(world) as fake:
        source = YouTubeSource(key, MemoryQuotaLedger(), new_session(), base_url=api_url(fake.base_url))
        page = source.fetch(brand, None, world.now)
    assert len(page.mentions) == 1 and all(KEY not in json.dumps(r.query) for r in world.requests)
    assert KEY not in _everything_logged(caplog, stream)
