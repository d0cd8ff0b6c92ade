"""What `repmon backtest` checks before it replays: the mentions, the export folder, the key.

Every problem is found here, so a run that cannot succeed stops at once with a message naming
the file, line or flag (exit 2), not after a replay or deploying a stack. Reading the mentions also
partitions them by brand, sorted by time, on disk (backtest_spill): the input is never all in memory.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import TextIO

from repmon.adapters.dynamo_items import iso
from repmon.cli.backtest_sources import expand, records
from repmon.cli.backtest_spill import Spill, SpillWriter
from repmon.domain.brand import Brand
from repmon.domain.errors import InvalidConfig
from repmon.runtime.mention_lines import LineError, MentionRecord

#: The longest period one backtest replays (a year and a bit: month-on-month comparisons fit).
MAX_SPAN = timedelta(days=400)
#: As for the deployed export's key (adapters.pseudonym): shorter keys are guessable.
MIN_KEY_BYTES = 16


@dataclass
class Replay:
    """The valid mentions, partitioned by brand and sorted on disk, and what was wrong with the rest."""

    spill: Spill
    invalid: int = 0
    lines: int = 0
    files: int = 0

    @property
    def valid(self) -> int:
        return self.spill.total


def read_replay(
    sources: Sequence[str],
    brands: list[Brand],
    err: TextIO,
    directory: Path,
    on_line: Callable[[int], None] | None = None,
) -> Replay:
    """Stream every input into `directory` (backtest_spill); each invalid line is reported on `err`
    as `file:line: skipped: ...`. `on_line(lines so far)` is called every 10,000 lines.

    InvalidConfig when an input cannot be read, none holds a valid mention, or they span too long.
    """
    known = {b.id for b in brands}
    inputs = expand(sources)
    writer = SpillWriter(directory)
    replay = Replay(writer.spill, files=len(inputs))
    for source in inputs:
        for result in records(source):
            replay.lines += 1
            if on_line is not None and replay.lines % 10_000 == 0:
                on_line(replay.lines)
            problem = _problem(result, known)
            if problem:
                replay.invalid += 1
                print(f"{source.name}:{problem}", file=err)
            elif isinstance(result, MentionRecord):
                writer.add(result.brand_id, result.mention)
    writer.flush()
    named = inputs[0].name if len(inputs) == 1 else f"{len(inputs)} files"
    if not replay.valid:
        raise InvalidConfig(
            f"{named}: no valid mentions ({replay.lines} lines, {replay.invalid} skipped): nothing to replay"
        )
    _check_span(named, replay)
    return replay


def _check_span(named: str, replay: Replay) -> None:
    """Refuse a replay so long it would never finish, most often one mistyped date."""
    first, last = replay.spill.first, replay.spill.last
    assert first is not None and last is not None  # at least one valid mention
    if last - first > MAX_SPAN:
        raise InvalidConfig(
            f"{named}: mentions run from {iso(first)} to {iso(last)}, more than {MAX_SPAN.days} days; "
            "check for a mistyped date, or replay one period at a time"
        )


def _problem(result: MentionRecord | LineError, known: set[str]) -> str | None:
    if isinstance(result, LineError):
        return f"{result.line}: skipped: {result.message}"
    if result.brand_id not in known:
        return f"{result.line}: skipped: brand {result.brand_id!r} is not in the watchlist"
    return None


def check_export_dir(export_dir: Path) -> None:
    """Refuse at once a folder the export cannot go to, without creating anything yet (create_export_dir,
    once every other check has passed): a typo in --export-dir must not cost a whole replay, and a
    refused run must not leave an empty folder behind.

    A folder holding anything is refused too: the export writes day partitions, so an earlier
    export's other days would stay beside this one's (their authors under another key) and a query
    over the folder would read both replays as one. Replacing what is there could delete a user's
    files; telling them costs one command.
    """
    if export_dir.exists() and not export_dir.is_dir():
        raise InvalidConfig(f"--export-dir {export_dir}: is a file, not a folder")
    if export_dir.is_dir():
        if _holds_anything(export_dir):
            raise InvalidConfig(
                f"--export-dir {export_dir}: not empty (an earlier export?); give a new or empty folder, "
                "or remove this one first: two replays in one folder would be read as one"
            )
        _check_writable(export_dir, export_dir, "not writable")
        return
    existing = next(p for p in export_dir.absolute().parents if p.exists())  # "/" always exists
    if not existing.is_dir():
        raise InvalidConfig(f"--export-dir {export_dir}: cannot create: {existing} is not a folder")
    _check_writable(export_dir, existing, f"cannot create: {existing} is not writable")


def _holds_anything(export_dir: Path) -> bool:
    try:
        return any(export_dir.iterdir())
    except OSError as exc:
        raise InvalidConfig(f"--export-dir {export_dir}: cannot read: {exc.strerror or exc}") from None


def _check_writable(export_dir: Path, folder: Path, problem: str) -> None:
    if not os.access(folder, os.W_OK | os.X_OK):
        raise InvalidConfig(f"--export-dir {export_dir}: {problem}")


def create_export_dir(export_dir: Path) -> None:
    """Create the folder checked by check_export_dir, just before the replay that fills it."""
    try:
        export_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InvalidConfig(f"--export-dir {export_dir}: cannot create: {exc.strerror or exc}") from None


def pseudonym_key(key_file: Path | None) -> bytes:
    """The export's HMAC key: the file's bytes (one trailing newline dropped), or a new random key.

    The file holds what the deployed stack's PseudonymKey secret holds, so the same author gets the
    same pseudonym in a backtest export and in the bucket.
    """
    if key_file is None:
        return secrets.token_bytes(32)
    try:
        key = key_file.read_bytes()
    except OSError as exc:
        raise InvalidConfig(f"--pseudonym-key-file {key_file}: cannot read: {exc.strerror or exc}") from None
    key = key.removesuffix(b"\n").removesuffix(b"\r")  # `echo KEY > file` adds one
    if len(key) < MIN_KEY_BYTES:
        raise InvalidConfig(f"--pseudonym-key-file {key_file}: key is shorter than {MIN_KEY_BYTES} bytes")
    return key
