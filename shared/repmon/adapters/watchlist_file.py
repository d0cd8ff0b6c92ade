"""Reads the watchlist YAML and reports EVERY problem with its file, brand and field."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from repmon.domain.brand import Brand
from repmon.domain.errors import WatchlistInvalid


def load_watchlist(path: Path) -> list[Brand]:
    """Parse and validate a watchlist file; raise WatchlistInvalid listing all problems at once."""
    document = _read_yaml(path)
    entries = document.get("brands") if isinstance(document, dict) else None
    if not isinstance(entries, list) or not entries:
        raise WatchlistInvalid([f"{path}: expected a top-level 'brands:' list with at least one brand"])
    problems = [f"{path}: unknown top-level key {k!r}" for k in document if k != "brands"]
    brands: list[Brand] = []
    for position, entry in enumerate(entries, start=1):
        label = _brand_label(entry, position)
        try:
            brands.append(Brand.model_validate(entry))
        except ValidationError as exc:
            problems += [f"{path}: brand {label}: {_field(err)}: {_message(err)}" for err in exc.errors()]
    problems += _duplicates(path, entries)
    if problems:
        raise WatchlistInvalid(problems)
    return brands


def _read_yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise WatchlistInvalid([f"{path}: cannot read: {exc.strerror or exc}"]) from None
    except UnicodeDecodeError:
        raise WatchlistInvalid([f"{path}: not UTF-8 text"]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise WatchlistInvalid([f"{path}: invalid YAML{where}: {getattr(exc, 'problem', exc)}"]) from None


def _brand_label(entry: object, position: int) -> str:
    if isinstance(entry, dict) and isinstance(entry.get("id"), str):
        return repr(entry["id"])
    return f"#{position}"


def _field(err: Any) -> str:
    path = [str(p) for p in err["loc"]]
    return ".".join(path) if path else "(brand)"


def _message(err: Any) -> str:
    return str(err["msg"]).removeprefix("Value error, ")


def _duplicates(path: Path, entries: list[Any]) -> list[str]:
    ids: list[str] = [e["id"] for e in entries if isinstance(e, dict) and isinstance(e.get("id"), str)]
    repeated = sorted({i for i in ids if ids.count(i) > 1})
    return [f"{path}: brand {i!r}: id: used by {ids.count(i)} brands; ids must be unique" for i in repeated]
