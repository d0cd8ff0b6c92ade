"""Secrets never reach a log, whatever the level: botocore logs every response body at DEBUG, and a
GetSecretValue response body is the secret (the Reddit client secret, the pseudonym key).

Each test reads a secret through the real adapter against moto with every logger at DEBUG and
checks the value in no record. Before `observability.silence_sdk_wire_logs`, botocore.parsers wrote
both secrets in its "Response body" record (and botocore.endpoint in the parsed response).
"""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import boto3
import pytest
from aws_lambda_powertools.utilities import parameters
from moto import mock_aws

from repmon.adapters.pseudonym import secret_pseudonymiser
from repmon.adapters.secrets import load_reddit_credentials
from repmon.runtime import observability

REDDIT_SECRET = "s3cr3t-reddit-client-value"
PSEUDONYM_KEY = "pseudonym-key-0123456789abcdefghijklmnop"


@pytest.fixture
def secrets() -> Iterator[object]:
    with mock_aws():
        client = boto3.client("secretsmanager", region_name="us-east-1")
        client.create_secret(
            Name="repmon/reddit",
            SecretString=json.dumps(
                {"client_id": "app-id", "client_secret": REDDIT_SECRET, "user_agent": "repmon/0.1 by u/x"}
            ),
        )
        client.create_secret(Name="repmon/pseudonym", SecretString=PSEUDONYM_KEY)
        parameters.clear_caches()  # Powertools caches secrets across tests
        yield client
        parameters.clear_caches()


@pytest.fixture
def everything_at_debug() -> Iterator[io.StringIO]:
    """Root at DEBUG (Lambda's ApplicationLogLevel=DEBUG does this) plus boto3's own stream logger,
    which sets botocore to DEBUG with a handler of its own: every path a record could take."""
    observability.silence_sdk_wire_logs()  # what importing observability did; idempotent
    stream = io.StringIO()
    root, botocore_logger = logging.getLogger(), logging.getLogger("botocore")
    saved = root.level, botocore_logger.level, list(botocore_logger.handlers)
    root.setLevel(logging.DEBUG)
    boto3.set_stream_logger("botocore", logging.DEBUG)
    botocore_logger.handlers[-1].setStream(stream)  # type: ignore[attr-defined]
    yield stream
    root.setLevel(saved[0])
    botocore_logger.setLevel(saved[1])
    botocore_logger.handlers[:] = saved[2]


def _everything_logged(caplog: pytest.LogCaptureFixture, stream: io.StringIO) -> str:
    records = "\n".join(f"{r.name} {r.getMessage()} {r.__dict__}" for r in caplog.records)
    # Both paths were live: a botocore record at INFO reached caplog (root) and boto3's stream.
    assert "canary from botocore" in records
    assert "canary from botocore" in stream.getvalue()
    return records + stream.getvalue()


def test_the_reddit_client_secret_is_in_no_log_record_at_debug(
    secrets: object, everything_at_debug: io.StringIO, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    logging.getLogger("botocore.parsers").info("canary from botocore")
    credentials = load_reddit_credentials("repmon/reddit", client=secrets)
    assert credentials.client_secret.get_secret_value() == REDDIT_SECRET  # it was read
    assert REDDIT_SECRET not in _everything_logged(caplog, everything_at_debug)


def test_the_pseudonym_key_is_in_no_log_record_at_debug(
    secrets: object, everything_at_debug: io.StringIO, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    logging.getLogger("botocore.parsers").info("canary from botocore")
    pseudonymise = secret_pseudonymiser("repmon/pseudonym", secrets)
    assert pseudonymise("reddit:alice") != "reddit:alice"
    assert PSEUDONYM_KEY not in _everything_logged(caplog, everything_at_debug)


def test_sdk_info_and_warnings_still_reach_the_logs(caplog: pytest.LogCaptureFixture) -> None:
    # Only the wire-level DEBUG chatter goes: a retry warning or a credentials notice stays visible.
    observability.silence_sdk_wire_logs()
    caplog.set_level(logging.DEBUG)
    logging.getLogger("botocore.retryhandler").warning("throttled, retrying")
    logging.getLogger("botocore.parsers").debug("Response body: secret")
    assert [r.getMessage() for r in caplog.records] == ["throttled, retrying"]
