"""Build-time installer of the VADER lexicon into an NLTK data folder.

`python -m repmon.adapters.vader_lexicon DEST_DIR` copies `vaderSentiment/vader_lexicon.txt`
(MIT, shipped inside the `vaderSentiment` wheel) to `DEST_DIR/sentiment/vader_lexicon.zip` as
`vader_lexicon/vader_lexicon.txt`: the path nltk's `SentimentIntensityAnalyzer` loads by default.
We copy from an installed package instead of `nltk.download` so that builds and Lambdas never
reach the internet. Idempotent: an archive that already holds the same bytes is left untouched.
"""

from __future__ import annotations

import sys
import zipfile
from importlib import resources
from pathlib import Path

#: Where nltk looks, relative to one of its data folders.
ARCHIVE = Path("sentiment") / "vader_lexicon.zip"
MEMBER = "vader_lexicon/vader_lexicon.txt"
MISSING_HELP = (
    "The VADER lexicon is not installed for nltk. Run `make dev` (or "
    "`python -m repmon.adapters.vader_lexicon .venv/nltk_data`); in Lambda, build the layer "
    "so that it carries python/nltk_data and set NLTK_DATA."
)


class LexiconNotInstalled(RuntimeError):
    """nltk cannot find the VADER lexicon at run time: the build step above was skipped."""


class LexiconSourceMissing(RuntimeError):
    """The `vaderSentiment` package, which carries the lexicon file, is not installed."""


def packaged_lexicon() -> bytes:
    """The lexicon bytes from the installed `vaderSentiment` package."""
    try:
        data = resources.files("vaderSentiment").joinpath("vader_lexicon.txt").read_bytes()
    except (ModuleNotFoundError, FileNotFoundError) as error:
        raise LexiconSourceMissing(
            "vaderSentiment is not installed: `pip install vaderSentiment==3.3.2` (it ships the lexicon)"
        ) from error
    # nltk splits the file on "\n" and unpacks every line, so a trailing blank line would crash it.
    return data.replace(b"\r\n", b"\n").rstrip(b"\n")


def _installed(archive: Path) -> bytes | None:
    try:
        with zipfile.ZipFile(archive) as existing:
            return existing.read(MEMBER)
    except (OSError, KeyError, zipfile.BadZipFile):
        return None


def install(dest_dir: Path | str) -> Path:
    """Write the lexicon archive under `dest_dir`; returns its path. Safe to run again."""
    archive = Path(dest_dir) / ARCHIVE
    lexicon = packaged_lexicon()
    if _installed(archive) == lexicon:
        return archive
    archive.parent.mkdir(parents=True, exist_ok=True)
    # Write beside, then rename: a build interrupted half way never leaves a corrupt archive.
    partial = archive.with_suffix(".zip.partial")
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as out:
        out.writestr(MEMBER, lexicon)
    partial.replace(archive)
    return archive


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m repmon.adapters.vader_lexicon DEST_DIR", file=sys.stderr)
        return 2
    try:
        path = install(args[0])
    except LexiconSourceMissing as error:
        print(str(error), file=sys.stderr)
        return 1
    print(f"VADER lexicon installed: {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
