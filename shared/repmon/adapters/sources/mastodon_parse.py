"""Mastodon Status entities (a timeline's list, or a search's `statuses`) as `Mention`s. Pure.

The mention's id is the status's canonical `uri` (its ActivityPub id): the same post read through
two instances has a different local `id` on each but one `uri`, so it is one mention. Its link is
the `url` (the author's instance's web page) when given. `content` is HTML and becomes text, the
content warning (`spoiler_text`) its title. A boost (`reblog`) is read as the post it boosts. The
author's followers, account age and `bot` flag come from the status's `account` object; the
platform's own counts are kept: favourites as the score, replies as comments, boosts and quotes as
shares. One malformed status is skipped and counted, never the page.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit

from repmon.adapters.http import LogSink, plain_text
from repmon.adapters.item_fields import MalformedPage, count, each_item, iso_date, text
from repmon.domain.models import Author, Engagement, Mention, Source

SOURCE = Source.MASTODON.value
_LOG = logging.getLogger(__name__)
#: Longer is no status address, and would not fit a key.
_MAX_URI = 500
#: A status's text: Mastodon's default limit is 500 characters, some instances allow a few thousand.
_MAX_CONTENT = 100_000


def timeline_statuses(body: Any) -> list[Any]:
    """A timeline response's items; `MalformedPage` when it is not a list."""
    if not isinstance(body, list):
        raise MalformedPage("not a list of statuses")
    return body


def search_statuses(body: Any) -> list[Any]:
    """A `/api/v2/search` response's `statuses`; `MalformedPage` when it is not a search result."""
    statuses = body.get("statuses") if isinstance(body, dict) else None
    if not isinstance(statuses, list):
        raise MalformedPage("not a search result with statuses")
    return statuses


def parse_statuses(items: list[Any], log: LogSink | None = None) -> tuple[list[Mention], int]:
    """The statuses as Mentions and how many were skipped as malformed."""
    return each_item(items, status_to_mention, log or _LOG, "mastodon status")


def status_to_mention(status: Any) -> Mention:
    """One Status entity as a Mention; raises ITEM_ERRORS if malformed."""
    if not isinstance(status, dict):
        raise TypeError(f"a status is an object, not {type(status).__name__}")
    if isinstance(status.get("reblog"), dict):
        status = status["reblog"]
    uri = web_address(status["uri"])
    url = web_address(status["url"]) if status.get("url") else uri
    content = _str(status.get("content"))
    if len(content) > _MAX_CONTENT:
        raise ValueError("content too long for a status")
    body = plain_text(content)
    warning = plain_text(_str(status.get("spoiler_text")))
    if not (body or warning):
        raise ValueError("status has no text")
    account = status["account"]
    if not isinstance(account, dict):
        raise TypeError("account is not an object")
    handle = text(account.get("acct") or account["username"])
    followers = count(account.get("followers_count"))
    return Mention(
        source=SOURCE,
        native_id=uri,
        created_at=iso_date(_str(status["created_at"])),
        text=body,
        url=url,
        author=Author(
            id=text(account.get("url") or account.get("uri") or handle, _MAX_URI),
            handle=handle,
            followers=followers if followers >= 0 else None,
            account_created_at=iso_date(account["created_at"]) if account.get("created_at") else None,
        ),
        engagement=Engagement(
            score=count(status.get("favourites_count")),
            comments=count(status.get("replies_count")),
            shares=count(status.get("reblogs_count")) + count(status.get("quotes_count")),
        ),
        title=warning,
        community=urlsplit(uri).hostname or "",
    )


def web_address(value: Any) -> str:
    """An http(s) address as a status's `uri` or `url` must be; ValueError otherwise."""
    address = text(value, _MAX_URI)
    parts = urlsplit(address)
    if parts.scheme not in ("http", "https") or not parts.hostname or not address.isprintable():
        raise ValueError(f"{address[:60]!r} is not an http(s) address")
    return address


def _str(value: Any) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise TypeError(f"expected text, got {type(value).__name__}")
    return value
