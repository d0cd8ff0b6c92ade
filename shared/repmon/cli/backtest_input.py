"""What `repmon backtest` checks before it starts a stack: the mentions, the export folder, the key.

Every problem is found here, so a run that cannot succeed stops in a second with a message naming
the file, line or flag (exit 2), not after deploying a stack.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import TextIO

from repmon.adapters.dynamo_items import iso
from repmon.domain.brand import Brand
from repmon.domain.errors import InvalidConfig
from repmon.domain.models import Mention
from repmon.runtime.mention_lines import LineError, MentionRecord, read_mention_lines

#: The longest period one backtest replays (a year and a bit: month-on-month comparisons fit).
MAX_SPAN = timedelta(days=400)
#: As for the deployed export's key (adapters.pseudonym): shorter keys are guessable.
MIN_KEY_BYTES = 16


@dataclass
class Replay:
    """The valid mentions by brand, sorted by time, and what was wrong with the rest."""

    mentions: list[tuple[str, Mention]] = field(default_factory=list)
    invalid: int = 0
    lines: int = 0


def read_replay(path: Path, brands: list[Brand], err: TextIO) -> Replay:
    """The valid mentions of `path`; each invalid line is reported on `err` with its number.

    InvalidConfig when the file cannot be read, holds no valid mention, or spans too long a period.
    """
    known = {b.id for b in brands}
    replay = Replay()
    try:
        with path.open(encoding="utf-8", errors="replace") as lines:
            # A byte that is not UTF-8 becomes U+FFFD in its own line: that line is kept or
            # rejected on its merits, and never stops the replay.
            for result in read_mention_lines(lines):
                replay.lines += 1
                problem = _problem(result, known)
                if problem:
                    replay.invalid += 1
                    print(f"{path}:{problem}", file=err)
                elif isinstance(result, MentionRecord):
                    replay.mentions.append((result.brand_id, result.mention))
    except OSError as exc:
        raise InvalidConfig(f"{path}: cannot read: {exc.strerror or exc}") from None
    if not replay.mentions:
        raise InvalidConfig(
            f"{path}: no valid mentions ({replay.lines} lines, {replay.invalid} skipped): nothing to replay"
        )
    replay.mentions.sort(key=lambda pair: pair[1].created_at)
    _check_span(path, replay)
    return replay


def _check_span(path: Path, replay: Replay) -> None:
    """Refuse a replay so long it would never finish, most often one mistyped date."""
    first, last = replay.mentions[0][1].created_at, replay.mentions[-1][1].created_at
    if last - first > MAX_SPAN:
        raise InvalidConfig(
            f"{path}: mentions run from {iso(first)} to {iso(last)}, more than {MAX_SPAN.days} days; "
            "check for a mistyped date, or replay one period at a time"
        )


def _problem(result: MentionRecord | LineError, known: set[str]) -> str | None:
    if isinstance(result, LineError):
        return f"{result.line}: skipped: {result.message}"
    if result.brand_id not in known:
        return f"{result.line}: skipped: brand {result.brand_id!r} is not in the watchlist"
    return None


def prepare_export_dir(export_dir: Path) -> None:
    """Create the folder now: a typo in --export-dir must not cost a whole replay."""
    try:
        export_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InvalidConfig(f"--export-dir {export_dir}: cannot create: {exc.strerror or exc}") from None
    if not os.access(export_dir, os.W_OK | os.X_OK):
        raise InvalidConfig(f"--export-dir {export_dir}: not writable")


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
