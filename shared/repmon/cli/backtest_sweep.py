"""`--sweep thresholds.NAME=V1,V2,...`: the grid of threshold settings a backtest compares.

Every value is checked with the watchlist's own model against every brand, so a row of the table is
a setting `brands validate` accepts; a name that is not a threshold, or a value out of its range,
stops the run before any replay (exit 2) naming the parameter and the value.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

from pydantic import ValidationError

from repmon.adapters.validation_messages import each_in_words
from repmon.domain.brand import Brand, Thresholds
from repmon.domain.errors import InvalidConfig

PREFIX = "thresholds."


@dataclass(frozen=True)
class Setting:
    """One point of the grid: threshold overrides, applied to every brand."""

    overrides: tuple[tuple[str, str], ...] = ()

    @property
    def label(self) -> str:
        return " ".join(f"{name}={value}" for name, value in self.overrides) or "as in the watchlist"

    def apply(self, brand: Brand) -> Brand:
        """The brand with these thresholds, validated as `brands validate` would."""
        document = brand.model_dump(mode="json")
        document["thresholds"] |= dict(self.overrides)
        return Brand.model_validate(document)


def parse_sweep(arguments: Sequence[str], brands: Sequence[Brand]) -> list[Setting]:
    """The grid of `--sweep` arguments (their product, in the order given); [Setting()] when none."""
    axes: list[list[tuple[str, str]]] = []
    seen: set[str] = set()
    for argument in arguments:
        name, values = _axis(argument)
        if name in seen:
            raise InvalidConfig(f"--sweep {argument}: thresholds.{name} is swept twice; give its values once")
        seen.add(name)
        for value in values:
            _check(argument, name, value, brands)
        axes.append([(name, value) for value in values])
    return [Setting(tuple(point)) for point in itertools.product(*axes)]


def _axis(argument: str) -> tuple[str, list[str]]:
    key, sep, raw = argument.partition("=")
    key = key.strip()
    if not sep or not raw.strip():
        raise InvalidConfig(f"--sweep {argument}: write thresholds.NAME=VALUE[,VALUE...]")
    name = key.removeprefix(PREFIX)
    if not key.startswith(PREFIX) or name not in Thresholds.model_fields:
        known = ", ".join(PREFIX + n for n in Thresholds.model_fields)
        raise InvalidConfig(f"--sweep {argument}: {key!r} is not a threshold; one of {known}")
    values = [v.strip() for v in raw.split(",")]
    if any(not v for v in values):
        raise InvalidConfig(f"--sweep {argument}: an empty value; separate values with commas")
    return name, values


def _check(argument: str, name: str, value: str, brands: Sequence[Brand]) -> None:
    for brand in brands:
        try:
            Setting(((name, value),)).apply(brand)
        except ValidationError as exc:
            problem = each_in_words(exc)
            raise InvalidConfig(f"--sweep {argument}: {problem}") from None
