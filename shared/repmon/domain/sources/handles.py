"""The brand's own accounts (`sources.<name>.own_accounts`): each platform's handle rule, and whether a
mention's author is one of them.

A handle is normalised as the platform compares it (case-insensitive everywhere: Reddit, HN, Bluesky
and Mastodon names are unique regardless of case), with the prefixes people paste (`@`, `u/`)
removed; a handle the platform could not have is refused with the platform's rule, so a typo is
caught by `brands validate`, not by an own post silently counted in the reputation index.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from repmon.domain.brand import Brand
    from repmon.domain.models import Mention

#: Reddit: 3-20 letters, digits, '_' or '-' (reddit-archive r2 `valid_username`).
_REDDIT = re.compile(r"[a-z0-9_-]{3,20}")
#: Hacker News: 2-15 letters, digits, '_' or '-'.
_HN = re.compile(r"[a-z0-9_-]{2,15}")
#: Bluesky: a domain name of at least two labels, the last not numeric; or the account's DID.
_BSKY_HANDLE = re.compile(
    r"(?=.{3,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]([a-z0-9-]{0,61}[a-z0-9])?"
)
_DID = re.compile(r"did:(plc:[a-z2-7]{24}|web:[a-z0-9.:%-]{3,250})")
#: Mastodon: user@instance (a bare user is ambiguous: the same name exists on every instance).
_MASTODON = re.compile(
    r"[a-z0-9_]([a-z0-9_.-]{0,28}[a-z0-9_])?@([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}"
)
#: X: a username of 1-15 letters, digits or '_' (the @ is not part of it).
_X = re.compile(r"[a-z0-9_]{1,15}")
#: YouTube: a channel id, "UC" and 22 URL-safe base64 characters (compared lower-cased, as every handle).
_YOUTUBE = re.compile(r"uc[a-z0-9_-]{22}")
_ANY = re.compile(r"[^\s@/]{1,100}")


def _checked(pattern: re.Pattern[str], what: str, *, keep_case: bool = False) -> Callable[[str], str]:
    def check(value: str) -> str:
        handle = value.strip().removeprefix("@")
        if not (handle.isascii() and pattern.fullmatch(handle.lower())):
            raise ValueError(f"{value[:80]!r} is not {what}")
        return handle if keep_case else handle.lower()

    return check


def _reddit(value: str) -> str:
    bare = re.sub(r"^/?u/", "", value.strip(), flags=re.IGNORECASE)
    return _checked(_REDDIT, "a Reddit username (3-20 letters, digits, '_' or '-'; u/ may be left out)")(bare)


def _mastodon(value: str) -> str:
    return _checked(_MASTODON, "a Mastodon account: write it as user@instance, e.g. acme@mastodon.social")(
        value
    )


def _bluesky(value: str) -> str:
    handle = value.strip().lower().removeprefix("@")
    if _DID.fullmatch(handle):
        return handle
    return _checked(_BSKY_HANDLE, "a Bluesky handle (a domain such as acme.bsky.social, or a did:plc: id)")(
        handle
    )


#: Sources whose items have no author the brand could be, or match: no own accounts, no customers.
NO_AUTHORS = ("appstore", "feeds")


def _no_authors(platform: str) -> Callable[[str], str]:
    def refuse(value: str) -> str:
        raise ValueError(f"{platform} show no replies or posts by the brand: leave own_accounts out")

    return refuse


#: The rule per platform (`SourceOptions.handle_rule`); a source without its own gets `any`.
RULES: dict[str, Callable[[str], str]] = {
    "reddit": _reddit,
    # As written: Algolia's author_ tag, which reads the account's posts, is case-sensitive.
    "hackernews": _checked(_HN, "a Hacker News username (2-15 letters, digits, '_' or '-')", keep_case=True),
    "bluesky": _bluesky,
    "mastodon": _mastodon,
    "appstore": _no_authors("App Store reviews (RSS)"),
    "feeds": _no_authors("news and feeds"),
    "x": _checked(_X, "an X username (1-15 letters, digits or '_'; the @ may be left out)"),
    "youtube": _checked(_YOUTUBE, "a YouTube channel id (UC and 22 letters, digits, - or _)"),
    "any": _checked(_ANY, "a handle (no spaces, '/' or '@' inside)"),
}


def author_keys(mention: Mention) -> set[str]:
    """The mention's author as own_accounts would name them on its platform."""
    author = mention.author
    if mention.source == "mastodon":
        # `acct` is relative to the instance read; the account's address (https://host/@user) is not.
        parts = urlsplit(author.id)
        user = parts.path.strip("/").removeprefix("@")
        return {f"{user}@{parts.hostname}".lower()} if parts.hostname and user and "/" not in user else set()
    if mention.source == "youtube" or _rule(mention.source) == "any":
        # By id only: YouTube's "handle" is a channel title or display name, a review site's a
        # reviewer's display name: free text, shared by many or set to anything (the brand's id).
        return {author.id.strip().lower()} if author.id else set()
    return {key.strip().lower().removeprefix("@") for key in (author.id, author.handle) if key}


def _rule(source: str) -> str:
    from repmon.domain.source_registry import SOURCES  # the registry imports this module

    spec = SOURCES.get(source)
    return spec.settings.handle_rule if spec else "any"


def is_own(brand: Brand, mention: Mention) -> bool:
    """Whether one of the brand's own accounts on the mention's platform wrote it."""
    settings = getattr(brand.sources, mention.source, None)
    own = {handle.lower() for handle in getattr(settings, "own_accounts", ())}
    return bool(own) and not author_keys(mention).isdisjoint(own)
