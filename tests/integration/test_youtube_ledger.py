"""The YouTube quota ledger on the template's table (moto): the cap holds, a slot is claimed once."""

from __future__ import annotations

import boto3
import pytest
from moto import mock_aws

from repmon.adapters.sources.youtube_quota import DynamoQuotaLedger, Spend, Usage
from tests.template_tables import create_table

DAY, BEFORE = "2026-11-29", "2026-11-28"
CAPS = Usage(units=50, searches=3)


@pytest.fixture
def ledger():
    with mock_aws():
        client = boto3.client("dynamodb", region_name="us-east-1")
        create_table(client)
        yield DynamoQuotaLedger("repmon-test", client)


def test_requests_are_counted_until_the_cap_and_never_past_it(ledger):
    spent = [ledger.spend(DAY, units=1, searches=0, caps=CAPS) for _ in range(60)]
    assert spent.count(Spend.SPENT) == 50 and spent[50:] == [Spend.OVER] * 10
    assert ledger.usage(DAY) == Usage(50, 0) and ledger.usage(BEFORE) == Usage(0, 0)


def test_a_search_slot_is_claimed_once_and_the_search_cap_holds(ledger):
    assert ledger.spend(DAY, units=0, searches=1, caps=CAPS, claim="acme#1800") is Spend.SPENT
    assert ledger.spend(DAY, units=0, searches=1, caps=CAPS, claim="acme#1800") is Spend.CLAIMED
    assert ledger.spend(DAY, units=0, searches=1, caps=CAPS, claim="bolt#1800") is Spend.SPENT
    assert ledger.spend(DAY, units=0, searches=1, caps=CAPS) is Spend.SPENT
    assert ledger.spend(DAY, units=0, searches=1, caps=CAPS, claim="cyan#1800") is Spend.OVER
    assert ledger.usage(DAY) == Usage(0, 3)


def test_the_brands_sharing_the_quota_are_todays_and_yesterdays(ledger):
    assert ledger.enrol(BEFORE, "2026-11-27", "acme") == 1
    assert ledger.enrol(BEFORE, "2026-11-27", "bolt") == 2
    assert ledger.enrol(DAY, BEFORE, "acme") == 2  # bolt polled yesterday: still sharing
    assert ledger.enrol(DAY, BEFORE, "cyan") == 3 and ledger.enrol(DAY, BEFORE, "cyan") == 3
