"""Reads the watchlist YAML and reports EVERY problem as `file:line: brand 'id', field: what is wrong`."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from repmon.adapters.watchlist_messages import describe, unknown_key
from repmon.adapters.watchlist_yaml import Document, YamlProblem, parse
from repmon.domain.brand import Brand
from repmon.domain.errors import WatchlistInvalid

#: (line or None, the problem after "file:line: "); sorted by line, so they read top to bottom.
_Problem = tuple[int | None, str]
_PLAIN_KEY = re.compile(r"[A-Za-z0-9_-]+")
_NEEDS_BRANDS = "expected a top-level 'brands:' list with at least one brand"


def load_watchlist(path: Path) -> list[Brand]:
    """Parse and validate a watchlist file; raise WatchlistInvalid listing all problems at once."""
    document = _parse(path)
    entries, problems = _entries(document)
    brands: list[Brand] = []
    for index, entry in enumerate(entries):
        try:
            brands.append(Brand.model_validate(entry))
        except ValidationError as exc:
            problems += [_brand_problem(document, entries, index, err) for err in exc.errors()]
    problems += [
        (line, f"{_subject(entries, where)}: given twice (first on line {first}); keep one")
        for where, line, first in document.duplicate_keys()
    ]
    problems += _duplicate_ids(document, entries)
    problems += _unknown_competitors(document, entries, brands)
    if problems:
        raise WatchlistInvalid([_at(path, line, text) for line, text in sorted(problems, key=_by_line)])
    return brands


def _parse(path: Path) -> Document:
    try:
        return parse(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise WatchlistInvalid([f"{path}: cannot read: {exc.strerror or exc}"]) from None
    except UnicodeDecodeError:
        raise WatchlistInvalid([f"{path}: not UTF-8 text"]) from None
    except YamlProblem as exc:
        raise WatchlistInvalid([_at(path, exc.line, f"invalid YAML: {exc.message}")]) from None


def _entries(document: Document) -> tuple[list[Any], list[_Problem]]:
    """The brand entries, or the problems that leave none to check."""
    top = document.value
    if not isinstance(top, dict):
        return [], [(document.line_of(()) or 1, _NEEDS_BRANDS)]
    problems = [
        (document.line_of((key,)), f"top-level key {key!r}: {unknown_key(str(key), ['brands'])}")
        for key in top
        if key != "brands"
    ]
    entries = top.get("brands")
    if "brands" not in top:
        return [], [*problems, (document.line_of(()), _NEEDS_BRANDS)]
    if not isinstance(entries, list) or not entries:
        shape = "should be a list of brands ('- id: ...' entries)" if entries else "lists no brand"
        return [], [*problems, (document.line_of(("brands",)), f"brands: {shape}")]
    return entries, problems


def _brand_problem(document: Document, entries: list[Any], index: int, err: Any) -> _Problem:
    loc = err["loc"]
    if err["type"] == "invalid_key":  # a key that is not text (`1: x`): a key, not a list index
        loc = (*loc[:-1], str(loc[-1]))
    where = ("brands", index, *loc)
    line = document.line_of(where)
    if not err["loc"] and err["type"] in ("model_type", "model_attributes_type", "dict_type"):
        return line, f"{_subject(entries, where)}: should be a mapping with at least id, name and query"
    return line, f"{_subject(entries, where)}: {describe(err, Brand, document.source_line(line))}"


def _duplicate_ids(document: Document, entries: list[Any]) -> list[_Problem]:
    seen: dict[str, int | None] = {}
    problems: list[_Problem] = []
    for index, entry in enumerate(entries):
        brand_id = entry.get("id") if isinstance(entry, dict) else None
        if not isinstance(brand_id, str):
            continue
        line = document.line_of(("brands", index, "id"))
        if brand_id in seen:
            count = sum(1 for e in entries if isinstance(e, dict) and e.get("id") == brand_id)
            also = f"also line {seen[brand_id]}"
            problems.append(
                (line, f"brand {brand_id!r}, id: used by {count} brands ({also}); ids must be unique")
            )
        seen.setdefault(brand_id, line)
    return problems


def _unknown_competitors(document: Document, entries: list[Any], brands: list[Brand]) -> list[_Problem]:
    """`competitors` name other brands of this same file (the digest compares their volumes); a brand
    with problems of its own still counts as named."""
    ids = [e["id"] for e in entries if isinstance(e, dict) and isinstance(e.get("id"), str)]
    problems: list[_Problem] = []
    for brand in brands:
        index = _entry_index(document, brand.id)
        for position, other in enumerate(brand.competitors):
            if other in ids and other != brand.id:
                continue
            line = document.line_of(("brands", index, "competitors", position))
            why = "is the brand itself" if other == brand.id else "is not a brand of this watchlist"
            known = ", ".join(i for i in ids if i != brand.id) or "none"
            problems.append(
                (line, f"brand {brand.id!r}, competitors[{position}]: {other!r} {why} (ids: {known})")
            )
    return problems


def _entry_index(document: Document, brand_id: str) -> int:
    entries = document.value.get("brands", []) if isinstance(document.value, dict) else []
    return next(i for i, e in enumerate(entries) if isinstance(e, dict) and e.get("id") == brand_id)


def _subject(entries: list[Any], where: tuple[str | int, ...]) -> str:
    """`brand 'acme', sources.reddit.subreddits[1]`: the brand by id (or position) and the field."""
    if len(where) < 2 or where[0] != "brands" or not isinstance(where[1], int):
        return _field(where)
    entry = entries[where[1]] if where[1] < len(entries) else None
    brand_id = entry.get("id") if isinstance(entry, dict) else None
    label = f"brand {brand_id!r}" if isinstance(brand_id, str) else f"brand #{where[1] + 1}"
    return f"{label}, {_field(where[2:])}" if len(where) > 2 else label


def _field(path: tuple[str | int, ...]) -> str:
    text = ""
    for part in path:
        name = str(part) if _PLAIN_KEY.fullmatch(str(part)) else repr(part)  # one line, whatever the key
        text += f"[{part}]" if isinstance(part, int) else f".{name}" if text else name
    return text


def _at(path: Path, line: int | None, text: str) -> str:
    return f"{path}:{line}: {text}" if line else f"{path}: {text}"


def _by_line(problem: _Problem) -> int:
    return problem[0] or 0
