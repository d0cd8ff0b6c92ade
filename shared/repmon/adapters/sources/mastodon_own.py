"""The brand's own Mastodon posts, read by account, and the parents they answer, as `uri`s.

A search or a hashtag misses the support account's "Sorry, DM us", so each own account
(`user@instance`) is read on an instance repmon has a token for (its home instance if it is one):
`GET /api/v1/accounts/lookup?acct=` once, then `/api/v1/accounts/:id/statuses` since the cursor's
floor (40 a page, one page: a brand replying more than 40 times a poll is told so). A reply's
`in_reply_to_id` is that instance's local id, not the parent's `uri` (repmon's id for it), so each
reply costs one `GET /api/v1/statuses/:id` to learn it. An account that cannot be read is noted and
the poll goes on (README, "Replies").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import Any

import requests

from repmon.adapters.item_fields import ITEM_ERRORS
from repmon.adapters.sources.mastodon_parse import status_to_mention, web_address
from repmon.domain.cursor import Candidate, by_time
from repmon.domain.errors import SourceUnavailable

#: (host, path, params) -> the instance's response; raises SourceUnavailable.
Get = Callable[[str, str, dict[str, Any]], requests.Response]
PAGE = 40


def read_own(
    get: Get, accounts: tuple[str, ...], hosts: list[str], since_id: str, now: datetime
) -> tuple[list[Candidate], list[str]]:
    """The own accounts' posts since `since_id` (a snowflake of the floor), parents resolved; notes."""
    found: list[Candidate] = []
    notes: list[str] = []
    for account in accounts:
        home = account.rsplit("@", 1)[1]
        host = home if home in hosts else (hosts[0] if hosts else "")
        if not host:
            break
        try:
            found += _account_posts(get, host, account, since_id, now, notes)
        except (SourceUnavailable, ValueError, TypeError, KeyError) as exc:
            notes.append(f"mastodon: own account {account} not read on {host} ({str(exc)[:120]})")
    return found, notes


def _account_posts(
    get: Get, host: str, account: str, since_id: str, now: datetime, notes: list[str]
) -> list[Candidate]:
    found = get(host, "/api/v1/accounts/lookup", {"acct": account}).json()
    local = str(found["id"])
    if not (local.isascii() and local.isdigit()):
        raise ValueError("the lookup gave no account id")
    params = {"limit": PAGE, "since_id": since_id, "exclude_reblogs": "true"}
    statuses = get(host, f"/api/v1/accounts/{local}/statuses", params).json()
    if not isinstance(statuses, list):
        raise TypeError("not a list of statuses")
    if len(statuses) >= PAGE:
        notes.append(f"mastodon: own account {account} posted over {PAGE} times; older replies may be missed")
    posts: list[Candidate] = []
    for status in statuses:
        try:
            mention = status_to_mention(status)
            parent = status.get("in_reply_to_id")
            if isinstance(parent, str) and parent.isascii() and parent.isdigit() and len(parent) <= 20:
                answered = get(host, f"/api/v1/statuses/{parent}", {}).json()
                mention = replace(mention, parent_id=web_address(answered["uri"]))
        except (*ITEM_ERRORS, SourceUnavailable):
            continue  # a post or a parent we cannot read: that reply is not recorded, the rest are
        posts.append(by_time(mention, now))
    return posts
