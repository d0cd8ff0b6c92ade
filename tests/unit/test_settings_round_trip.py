"""Every settings model reads back from its stored form as it was: `brands apply` stores each Brand as
model_dump_json (adapters/dynamo_state.py) and every function reads it with model_validate_json; the
backtest's sweeps go through model_dump(mode="json"). A field whose dump its own validator refuses
(a duration stored as 'P7D' that only '7d' was read as) fails every brand on every read.

The models are walked from Brand, so a source or rule added later is drawn here without a line of
this file; its string fields draw from CANDIDATES, kept where the field's own validators accept them.
"""

from __future__ import annotations

import enum
import types
import typing
from collections.abc import Callable
from datetime import timedelta
from functools import cache
from typing import Annotated, Any, Literal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, TypeAdapter, ValidationError
from pydantic.fields import FieldInfo

from repmon.domain.brand import Brand

#: The least document of each model with required fields; the rest is drawn (required ones too).
REQUIRED: dict[str, dict[str, Any]] = {
    "Brand": {"id": "acme-air", "name": "Acme Air", "query": '"acme air" OR @acmeair -anvil'},
    "QuietHours": {"window": "22:00-07:00"},
}
#: Strings of the shapes the watchlist's fields take; each field keeps those its validators accept.
CANDIDATES = (
    "acme", "AcmeAir", "u/AcmeAirSupport", "@acmeair", "acmeair@mastodon.social", "us", "gb", "en", "fr",
    "aviation", "#acmeair", "acmeair", "mastodon.social", "example.com", "news.example.co.uk",
    "https://example.com/feed.xml", "UCabcdefghijklmnopqrstuv", "com.acme.app", "1234567890", "Acme Air",
    "ChIJN1t_tDeuEmsRUsoyG83frY4", "loc-1", "Europe/Paris", "America/Denver", "UTC", "22:00-07:00",
    "09:30-17:45", "acme-air", "globex", "accounts/123/locations/456", "5f1e2d3c4b5a69788796a5b4",
    "english", "french", "acme.bsky.social", "did:plc:abcdefghijklmnopqrstuvwx",
)  # fmt: skip
_MISSING = object()


def _bounds(metadata: list[Any]) -> dict[str, Any]:
    """The ge/gt/le/lt/max_length constraints of a field's metadata (annotated_types objects)."""
    names = ("ge", "gt", "le", "lt", "max_length")
    return {name: getattr(item, name) for item in metadata for name in names if hasattr(item, name)}


def _numbers(kind: type, limits: dict[str, Any]) -> st.SearchStrategy[Any]:
    low = limits.get("ge", limits.get("gt"))
    high = limits.get("le", limits.get("lt"))
    if kind is int:
        low = 0 if low is None else low + (1 if "gt" in limits else 0)
        return st.integers(low, low + 1000 if high is None else high)
    if kind is timedelta:
        low_s = 0 if low is None else int(low.total_seconds())
        high_s = 90 * 86400 if high is None else int(high.total_seconds())
        return st.integers(low_s, high_s).map(lambda s: timedelta(seconds=s))
    return st.floats(
        0.0 if low is None else low,
        (low or 0.0) + 1000 if high is None else high,
        exclude_min="gt" in limits,
        allow_nan=False,
    )


#: Whether the field takes a value (the whole field's: its model-level validators run too).
Check = Callable[[Any], bool]


def _annotated(annotation: Any, metadata: list[Any]) -> Any:
    return Annotated[annotation, *metadata] if metadata else annotation


def _strings(annotation: Any, check: Check) -> st.SearchStrategy[str]:
    """The candidates that `annotation` and the field both accept."""
    adapter: TypeAdapter[Any] = TypeAdapter(annotation)

    def accepted(text: str) -> bool:
        try:
            adapter.validate_python(text)
        except ValidationError:
            return False
        return check(text)

    kept = [text for text in CANDIDATES if accepted(text)]
    return st.sampled_from(kept) if kept else st.nothing()


def _values(annotation: Any, metadata: list[Any], check: Check) -> st.SearchStrategy[Any]:  # noqa: C901
    """Values of a field's type within its declared bounds; strings are those the field accepts."""
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is Annotated:  # Annotated[int, Field(ge=0)] nests its bounds in a FieldInfo
        extra = [m for item in args[1:] for m in (item.metadata if isinstance(item, FieldInfo) else [item])]
        return _values(args[0], [*metadata, *extra], check)
    if origin in (typing.Union, types.UnionType):
        return st.one_of(*(st.none() if a is type(None) else _values(a, metadata, check) for a in args))
    if origin is Literal:
        return st.sampled_from(args)
    if origin is tuple:
        size = min(_bounds(metadata).get("max_length", 3), 3)
        items = _values(args[0], [], lambda item: check((item,)))
        return st.just(()) if items.is_empty else st.lists(items, max_size=size).map(tuple)
    if origin is dict:
        # A key is one the field takes with a name or with a number beside it.
        keys = _values(args[0], [], lambda key: check({key: ""}) or check({key: 0}))
        values = _values(args[1], [], lambda _: True)
        return st.just({}) if keys.is_empty else st.dictionaries(keys, values, max_size=3)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return models(annotation)
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return st.sampled_from(list(annotation))
    if annotation is bool:
        return st.booleans()
    if annotation in (int, float, timedelta):
        return _numbers(annotation, _bounds(metadata))
    if annotation is str:
        return _strings(_annotated(str, metadata), check)
    raise AssertionError(f"no values drawn for {annotation!r}: teach _values this type")


def _field(model: type[BaseModel], name: str, info: FieldInfo) -> st.SearchStrategy[Any]:
    base = REQUIRED.get(model.__name__, {})
    values = _values(
        info.annotation, list(info.metadata), lambda value: _accepts(model, {**base, name: value})
    )
    return st.one_of(st.just(_MISSING), values)


def _build(model: type[BaseModel], drawn: dict[str, Any]) -> BaseModel:
    """The model of the drawn values, less those refused together (expire under target): those named
    by the errors go first, then the last drawn, until the model is valid."""
    base = REQUIRED.get(model.__name__, {})
    chosen = {k: v for k, v in drawn.items() if v is not _MISSING}
    while True:
        try:
            return model.model_validate({**base, **chosen})
        except ValidationError as exc:
            if not chosen:  # the defaults alone are refused: the model's own bug
                raise
            named = {str(error["loc"][0]) for error in exc.errors() if error["loc"]} & set(chosen)
            for name in named or [next(reversed(chosen))]:
                del chosen[name]


def _accepts(model: type[BaseModel], document: dict[str, Any]) -> bool:
    try:
        model.model_validate(document)
    except ValidationError:
        return False
    return True


@cache
def models(model: type[BaseModel]) -> st.SearchStrategy[Any]:
    # Brand's id, name and query stay fixed: the query's own strategies are in test_query.py.
    fields = {
        name: _field(model, name, info)
        for name, info in model.model_fields.items()
        if model is not Brand or not info.is_required()
    }
    return st.fixed_dictionaries(fields).map(lambda drawn: _build(model, drawn))


def _reachable(model: type[BaseModel], seen: dict[str, type[BaseModel]]) -> dict[str, type[BaseModel]]:
    seen[model.__name__] = model

    def visit(annotation: Any) -> None:
        if (
            isinstance(annotation, type)
            and issubclass(annotation, BaseModel)
            and annotation.__name__ not in seen
        ):
            _reachable(annotation, seen)
        for arg in typing.get_args(annotation):
            visit(arg)

    for info in model.model_fields.values():
        visit(info.annotation)
    return seen


SETTINGS_MODELS = _reachable(Brand, {})


def _stored(brand: BaseModel) -> BaseModel:
    return type(brand).model_validate_json(brand.model_dump_json())


def test_the_walk_reaches_every_section_of_the_watchlist() -> None:
    # The walk must not stop at the first level: a settings model it missed would go untested.
    for name in (
        "Thresholds",
        "IncidentSettings",
        "QuietHours",
        "RatingDrop",
        "SourceSettings",
        "RedditSettings",
    ):
        assert name in SETTINGS_MODELS


@pytest.mark.parametrize("name", sorted(SETTINGS_MODELS))
def test_each_settings_models_defaults_read_back_as_stored(name: str) -> None:
    model = SETTINGS_MODELS[name]
    settings_ = model.model_validate(REQUIRED.get(name, {}))
    assert _stored(settings_) == settings_
    assert model.model_validate(settings_.model_dump(mode="json")) == settings_


@pytest.mark.parametrize("name", sorted(SETTINGS_MODELS))
@settings(max_examples=40, derandomize=True, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_each_settings_model_reads_back_as_stored(name: str, data: st.DataObject) -> None:
    drawn = data.draw(models(SETTINGS_MODELS[name]))
    assert _stored(drawn) == drawn
    assert type(drawn).model_validate(drawn.model_dump(mode="json")) == drawn


@settings(max_examples=150, derandomize=True, deadline=None, suppress_health_check=list(HealthCheck))
@given(brand=models(Brand))
def test_a_brand_reads_back_from_the_stored_watchlist_as_it_was_applied(brand: Brand) -> None:
    assert _stored(brand) == brand
