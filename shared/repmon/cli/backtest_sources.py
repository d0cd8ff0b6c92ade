"""Where backtest mentions come from: files (.jsonl, .jsonl.gz), folders of them, or stdin, streamed.

A folder is read recursively in name order (the BI export's `dt=YYYY-MM-DD` partitions sort by day);
given the export's root, only its `mentions` table is read. Rows of the flat export (`brand_id`,
`native_id`, flat author and engagement columns) are turned into the public line schema, so last
month's own data replays as it is. Each line is then parsed by `runtime.mention_lines`.
"""

from __future__ import annotations

import dataclasses
import gzip
import io
import json
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from repmon.domain.errors import InvalidConfig
from repmon.runtime.mention_lines import LineError, MentionRecord, read_mention_lines

STDIN = "-"
SUFFIXES = (".jsonl", ".jsonl.gz", ".json.gz")
_FLAT_ENGAGEMENT = ("score", "comments", "shares")


@dataclass(frozen=True)
class InputFile:
    """One input: a path, or stdin (`-`); `name` is how line errors call it."""

    name: str
    path: Path | None = None


def expand(arguments: Iterable[str]) -> list[InputFile]:
    """The files behind `--mentions`: each file as given, each folder's mention files, `-` for stdin."""
    found: list[InputFile] = []
    for argument in arguments:
        if argument == STDIN:
            found.append(InputFile("<stdin>"))
            continue
        path = Path(argument)
        if not path.is_dir():
            found.append(InputFile(str(path), path))
            continue
        root = next((p for p in (path / "flat" / "mentions", path / "mentions") if p.is_dir()), path)
        files = sorted(p for p in root.rglob("*") if p.is_file() and p.name.endswith(SUFFIXES))
        if not files:
            raise InvalidConfig(f"{path}: no {', '.join(SUFFIXES)} files in this folder")
        found += [InputFile(str(p), p) for p in files]
    return found


def records(source: InputFile) -> Iterator[MentionRecord | LineError]:
    """Each line of one input, parsed; a byte that is not UTF-8 spoils only its own line."""
    extras: dict[int, dict[str, Any]] = {}
    try:
        with _open(source) as lines:
            for record in read_mention_lines(_public_lines(lines, extras)):
                if isinstance(record, MentionRecord) and extras:
                    record = with_flat_extras(record, extras.get(record.line))
                extras.pop(record.line, None)
                yield record
    except (OSError, EOFError) as exc:  # unreadable, or a .gz cut short
        detail = getattr(exc, "strerror", None) or exc
        raise InvalidConfig(f"{source.name}: cannot read: {detail}") from None


def _open(source: InputFile) -> TextIO:
    if source.path is None:
        return io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", errors="replace")
    if source.path.name.endswith(".gz"):
        return gzip.open(source.path, "rt", encoding="utf-8", errors="replace")
    return source.path.open(encoding="utf-8", errors="replace")


def _public_lines(lines: Iterable[str], extras: dict[int, dict[str, Any]]) -> Iterator[str]:
    """The lines as they are, or, in a file of flat export rows, each row in the public schema
    (what the schema has no field for, the export's votes and community, goes to `extras`)."""
    flat: bool | None = None  # decided by the first line that is a JSON object
    for number, line in enumerate(lines, start=1):
        row = _json_object(line) if flat is not False else None
        if flat is None and row is not None:
            flat = is_flat_row(row)
        if flat and row is not None and is_flat_row(row):
            converted = flat_row_to_line(row)
            extras[number] = converted.pop("_flat")
            yield json.dumps(converted)
        else:
            yield line


def _json_object(line: str) -> dict[str, Any] | None:
    try:
        value = json.loads(line)
    except (ValueError, RecursionError):
        return None
    return value if isinstance(value, dict) else None


def is_flat_row(row: dict[str, Any]) -> bool:
    return "native_id" in row and "brand_id" in row and "id" not in row


def flat_row_to_line(row: dict[str, Any]) -> dict[str, Any]:
    """A `mentions` row of the flat export as a public line (nulls become the schema's defaults)."""
    if not is_flat_row(row):
        return row
    author = {
        "id": row.get("author_id") or "",
        "handle": row.get("author_handle") or "",
        "followers": row.get("author_followers"),
        "karma": row.get("author_karma"),
        "account_created_at": row.get("author_created_at"),
        "verified": bool(row.get("author_verified")),
    }
    line = {
        "source": row.get("source"),
        "id": row.get("native_id"),
        "brand": row.get("brand_id"),
        "created_at": row.get("created_at"),
        "text": row.get("text") or "",
        "title": row.get("title") or "",
        "url": row.get("url") or "",
        "author": author,
        "engagement": {k: row.get(k) or 0 for k in _FLAT_ENGAGEMENT},
        "rating": row.get("rating"),
    }
    # Not in the public schema but in the export, and influence reads them: carried beside it.
    line["_flat"] = {k: row.get(k) for k in ("votes", "community", "community_size")}
    return line


def with_flat_extras(record: MentionRecord, raw: dict[str, Any] | None) -> MentionRecord:
    """The record with the export's votes and community, when its line came from a flat row."""
    if not raw:
        return record
    engagement = dataclasses.replace(record.mention.engagement, votes=int(raw.get("votes") or 0))
    mention = dataclasses.replace(
        record.mention,
        engagement=engagement,
        community=raw.get("community") or "",
        community_size=raw.get("community_size"),
    )
    return dataclasses.replace(record, mention=mention)
