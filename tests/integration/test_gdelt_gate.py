"""GDELT's stack-wide pace on the template's table (moto): collectors sharing the gate send 5 s apart,
a lost race tries again, a 429's hold delays everybody, an unreadable table is a poll failure."""

from __future__ import annotations

import threading
from itertools import pairwise

import boto3
import pytest
from moto import mock_aws

from repmon.adapters.sources.gdelt_gate import DynamoRateGate
from repmon.domain.errors import SourceUnavailable
from tests.template_tables import create_table

T = 1_800_000_000.0


@pytest.fixture
def client():
    with mock_aws():
        client = boto3.client("dynamodb", region_name="us-east-1")
        create_table(client)
        yield client


def test_two_collectors_get_slots_five_seconds_apart_and_a_far_slot_is_refused(client):
    one, two = DynamoRateGate("repmon-test", 5.0, client), DynamoRateGate("repmon-test", 5.0, client)
    assert one.reserve(T, max_wait=20) == T
    assert two.reserve(T + 1, max_wait=20) == T + 5
    assert one.reserve(T + 1, max_wait=20) == T + 10
    assert two.reserve(T + 2, max_wait=5) is None  # T + 15 is 13 s off: the job notes it and stops
    assert one.reserve(T + 30, max_wait=0) == T + 30  # a quiet gate sends at once


def test_concurrent_reservations_never_share_a_slot(client):
    gate = DynamoRateGate("repmon-test", 5.0, client)
    slots: list[float | None] = []
    threads = [
        threading.Thread(target=lambda: slots.append(gate.reserve(T, max_wait=1000))) for _ in range(6)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    taken = sorted(s for s in slots if s is not None)
    assert len(set(taken)) == len(taken) and all(b - a >= 5 for a, b in pairwise(taken))


def test_a_hold_delays_every_collector_and_never_shortens_a_longer_one(client):
    gate = DynamoRateGate("repmon-test", 5.0, client)
    gate.hold(T + 60)
    assert gate.reserve(T, max_wait=20) is None and gate.reserve(T, max_wait=60) == T + 60
    gate.hold(T + 10)  # an earlier hold than the one stored
    assert gate.reserve(T, max_wait=100) == T + 65


def test_an_unreadable_gate_fails_the_poll(client):
    gate = DynamoRateGate("no-such-table", 5.0, client)
    with pytest.raises(SourceUnavailable, match="rate gate"):
        gate.reserve(T, max_wait=20)
