"""The source registry (`domain.source_registry`) is the one table every consumer reads."""

from __future__ import annotations

import importlib
import inspect
from datetime import UTC, datetime
from typing import Any

import pytest

from repmon.adapters.sqs_queue import SqsPollJobQueue
from repmon.domain.brand import Brand
from repmon.domain.flat import COLUMNS
from repmon.domain.flat import SOURCES as EXPORT_SOURCES
from repmon.domain.models import Mention, Source
from repmon.domain.source_registry import POLLED, SOURCES, Queue, SourceSettings, SourceSpec, influence
from repmon.ports import PollJob

NOW = datetime(2026, 11, 1, 12, tzinfo=UTC)
ROWS = list(SOURCES.values())
#: The sources repmon polls: each has an adapter, a fake and a watchlist key.
POLLED_ROWS = list(POLLED.values())


def _resolve(path: str) -> Any:
    module, _, name = path.partition(":")
    return getattr(importlib.import_module(module), name)


@pytest.mark.parametrize("spec", POLLED_ROWS, ids=lambda s: s.name.value)
def test_each_row_names_an_adapter_factory_and_a_fake_route_that_exist(spec: SourceSpec) -> None:
    factory, route = _resolve(spec.adapter), _resolve(spec.fake)
    assert list(inspect.signature(factory).parameters) == ["settings", "session", "log"]
    assert list(inspect.signature(route).parameters) == ["world", "method", "path", "query", "headers"]


@pytest.mark.parametrize("spec", POLLED_ROWS, ids=lambda s: s.name.value)
def test_each_row_is_a_watchlist_key_with_its_settings_model(spec: SourceSpec) -> None:
    assert SourceSettings.model_fields[spec.name.value].annotation is spec.settings


def test_a_source_that_is_not_polled_has_no_watchlist_key_no_adapter_and_no_job() -> None:
    unpolled = [name for name, spec in SOURCES.items() if not spec.polled]
    assert unpolled == ["tripadvisor"]
    assert not set(unpolled) & set(SourceSettings.model_fields)
    with pytest.raises(ModuleNotFoundError):
        _resolve(SOURCES["tripadvisor"].adapter)
    brand = Brand.model_validate({"id": "acme", "name": "Acme", "query": "acme"})
    assert "tripadvisor" not in brand.sources.enabled()


def test_the_registry_the_watchlist_the_enum_and_the_export_name_the_same_sources() -> None:
    assert list(SOURCES) == [s.value for s in Source] == list(EXPORT_SOURCES)
    assert {f"mentions_{s}" for s in SOURCES} <= set(COLUMNS["brand_hourly"])


@pytest.mark.parametrize("spec", ROWS, ids=lambda s: s.name.value)
def test_influence_uses_the_rows_formula(spec: SourceSpec) -> None:
    mention = Mention(spec.name.value, "1", NOW, "text")
    assert influence(mention, NOW) == round(min(100.0, max(0.0, spec.influence(mention, NOW))), 2)


def test_a_secret_named_by_a_row_is_a_collector_setting() -> None:
    from repmon.runtime.settings import CollectSettings

    for spec in ROWS:
        assert spec.secret is None or spec.secret in CollectSettings.model_fields


class _Sqs:
    def __init__(self) -> None:
        self.sent: dict[str, list[str]] = {}

    def send_message_batch(self, QueueUrl: str, Entries: list[dict[str, str]]) -> dict[str, object]:
        self.sent.setdefault(QueueUrl, []).extend(e["MessageGroupId"].split("#")[1] for e in Entries)
        return {}


def test_each_source_goes_to_the_queue_its_row_names() -> None:
    sqs = _Sqs()
    SqsPollJobQueue("shared-url", "reddit-url", client=sqs).send([PollJob("acme", s, NOW) for s in SOURCES])
    assert sorted(sqs.sent["reddit-url"]) == sorted(n for n, s in SOURCES.items() if s.queue is Queue.REDDIT)
    assert sorted(sqs.sent["shared-url"]) == sorted(n for n, s in SOURCES.items() if s.queue is Queue.SHARED)


def test_plan_polls_schedules_the_sources_whose_settings_are_active() -> None:
    brand = Brand.model_validate({"id": "acme", "name": "Acme", "query": "acme"})
    assert brand.sources.enabled() == [n for n in POLLED if getattr(brand.sources, n).active]
    assert "appstore" not in brand.sources.enabled()  # off without an app id
