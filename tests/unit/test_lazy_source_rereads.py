"""The collector's lazy sources (runtime.sources.LazySource) pass engagement re-reads through to an
adapter that can refresh, and say batch 0 (no re-read, no query) for one that cannot."""

from __future__ import annotations

from repmon.domain.source_registry import POLLED
from repmon.runtime.settings import CollectSettings
from repmon.runtime.sources import LazySource


class _Refreshing:
    batch = 100

    def refresh(self, native_ids: object) -> dict[str, object]:
        return {"t3_a": "read"}


def _lazy(source: str, built: object) -> LazySource:
    lazy = LazySource(POLLED[source], CollectSettings.model_construct(), None)  # type: ignore[arg-type]
    lazy._source = built  # type: ignore[assignment]  # as built on the first fetch
    return lazy


def test_a_lazy_source_refreshes_through_its_adapter_and_one_without_refresh_has_batch_0():
    reddit = _lazy("reddit", _Refreshing())
    assert reddit.batch == 100 and reddit.refresh(["t3_a"]) == {"t3_a": "read"}
    feeds = _lazy("feeds", object())
    assert feeds.batch == 0 and feeds.refresh(["x"]) == {}


class _Scoped(_Refreshing):
    def for_brand(self, brand: object, now: object) -> tuple[object, object]:
        return ("scoped", brand)


def test_a_lazy_source_scopes_re_reads_to_the_brand_when_its_adapter_does():
    x = _lazy("x", _Scoped())
    assert x.for_brand("acme", None) == ("scoped", "acme")  # type: ignore[arg-type]
    reddit = _lazy("reddit", _Refreshing())
    assert reddit.for_brand("acme", None) is reddit  # type: ignore[arg-type]
