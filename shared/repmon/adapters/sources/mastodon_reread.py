"""Engagement re-reads of Mastodon mentions (README, "Going viral"): `MastodonSource.refresh`.

A mention's id is its status's canonical `uri`, and a status id is per instance, so the uri decides
where it is read:
- A uri of an instance in the secret, in Mastodon's form (`https://host/users/name/statuses/<id>`,
  or `/ap/users/<n>/statuses/<id>`), ends with that instance's own id: it is read there, with that
  instance's token, 20 a call (`GET /api/v1/statuses?id[]=`, Mastodon 4.3+). An instance answering
  404 for it is older and is asked `GET /api/v1/statuses/:id` one by one from then on. The author's
  instance is the one every favourite and boost is sent to: its counts are the true ones.
- Any other uri is looked up on the first instance in the secret with budget left, by its address
  (`GET /api/v2/search?q=<uri>&type=statuses&resolve=true`, one call a status, MAX_LOOKUPS a poll's
  re-read): that instance's copy, whose counts are its own plus what the author's instance last told
  it, so they may lag.
A deleted status (404, or missing from the answer) is absent; 429/5xx are retried by the session; a
malformed status is skipped and logged. Re-reads leave the polls REREAD_RESERVE of each instance's 300
calls per 5 minutes: an instance at or below it is not asked again in that re-read (a brand's poll).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import partial
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import requests

from repmon.adapters.http import LogSink
from repmon.adapters.item_fields import MalformedPage, each_item
from repmon.adapters.sources.mastodon_parse import SOURCE, search_statuses, status_to_mention
from repmon.domain.errors import SourceUnavailable
from repmon.domain.models import Engagement

if TYPE_CHECKING:
    from repmon.adapters.sources.mastodon import Instance

#: Mastodon's cap on `id[]` (DEFAULT_STATUSES_LIMIT in Api::V1::StatusesController).
BATCH = 20
#: Calls of an instance's 5-minute window kept for the polls: re-reads stop at this many left.
REREAD_RESERVE = 100
#: Address lookups (one call each, the instance fetching the post from its author's) per re-read
#: (a brand's poll, `start` to `start`, whatever its number of `refresh` batches): bounds the time they
#: take (some 0.3-1 s each) whatever the storm. Not per 5 minutes of the wall clock, so a replay on a
#: simulated clock reads what production would.
MAX_LOOKUPS = 50
#: The path of a Mastodon status uri, ending with its local id.
_LOCAL = re.compile(r"/(?:users/[^/]+|ap/users/[0-9]+)/statuses/([0-9]{1,20})")


class Rereader:
    """Reads the current counts of statuses by uri, on the instances of the secret."""

    def __init__(
        self,
        instances: dict[str, Instance],
        session: requests.Session,
        log: LogSink,
        max_lookups: int = MAX_LOOKUPS,
    ) -> None:
        self.instances = instances
        self.session = session
        self.log = log
        #: Instances that answered 404 for the batch call (before Mastodon 4.3): kept.
        self.older: set[str] = set()
        #: Instances found down to the reserve, or failing, in this re-read: not asked again in it
        #: (the next one asks once, and the answer's X-RateLimit-Remaining says whether to go on).
        self.spent: set[str] = set()
        self.max_lookups = max_lookups
        self.lookups = 0

    def start(self) -> None:
        """A new re-read (a brand's poll): its own lookups and instances to ask. Not each `refresh`:
        a re-read is up to 20 batches (services.rereads), and a bound per batch would be 20 times it."""
        self.spent.clear()
        self.lookups = 0

    def refresh(self, uris: Sequence[str]) -> dict[str, Engagement]:
        homes: dict[str, dict[str, str]] = {}  # host -> its local id -> uri
        elsewhere: list[str] = []
        for uri in uris:
            host, local = self._home(uri)
            if local:
                homes.setdefault(host, {})[local] = uri
            else:
                elsewhere.append(uri)
        found: dict[str, Engagement] = {}
        failed: list[str] = []
        for host, ids in homes.items():
            self._each(host, partial(self._by_ids, host, ids), found, failed)
        for uri in elsewhere:
            host = next((h for h in self.instances if self._open(h)), "")
            if not host or self.lookups >= self.max_lookups:
                break  # every instance spent, or the re-read's lookups: the rest wait for a later run
            self.lookups += 1
            self._each(host, partial(self._resolve, host, uri), found, failed)
        if failed and not found:
            raise SourceUnavailable(SOURCE, failed[0])
        return found

    def _each(
        self,
        host: str,
        read: Callable[[], dict[str, Engagement]],
        found: dict[str, Engagement],
        failed: list[str],
    ) -> None:
        """One instance's reads into `found`; an instance that fails is not asked again in this re-read."""
        if not self._open(host):
            return
        try:
            found.update(read())
        except SourceUnavailable as exc:
            self.spent.add(host)
            failed.append(str(exc))
            self.log.warning("mastodon re-read failed", extra={"instance": host, "error": str(exc)[:200]})

    def _home(self, uri: str) -> tuple[str, str]:
        """(instance, its local id) when the uri is a status of an instance in the secret; else ("", "")."""
        parts = urlsplit(uri)
        host = (parts.hostname or "").lower()
        local = _LOCAL.fullmatch(parts.path)
        if host in self.instances and local and parts.scheme in ("http", "https"):
            return host, local.group(1)
        return "", ""

    def _open(self, host: str) -> bool:
        return host not in self.spent

    def _by_ids(self, host: str, ids: dict[str, str]) -> dict[str, Engagement]:
        if host not in self.older:
            response = self._get(host, "/api/v1/statuses", {"id[]": list(ids)})
            if response is not None:
                return self._parse(_as_list(response), set(ids.values()))
            self.older.add(host)  # no such route before 4.3: one by one from now on
        found: dict[str, Engagement] = {}
        for local, uri in ids.items():
            if not self._open(host):
                break
            response = self._get(host, f"/api/v1/statuses/{local}", {})
            if response is not None:  # None: deleted, or no longer visible
                found |= self._parse([_json(response)], {uri})
        return found

    def _resolve(self, host: str, uri: str) -> dict[str, Engagement]:
        params = {"q": uri, "type": "statuses", "resolve": "true", "limit": 1}
        response = self._get(host, "/api/v2/search", params)
        if response is None:
            return {}
        try:
            statuses = search_statuses(_json(response))
        except MalformedPage as exc:
            raise SourceUnavailable(SOURCE, f"{host} search: {exc}") from exc
        return self._parse(statuses, {uri})

    def _parse(self, statuses: list[Any], wanted: set[str]) -> dict[str, Engagement]:
        """The counts of the wanted statuses, by the same parse as a first read (malformed ones logged)."""
        mentions, _ = each_item(statuses, status_to_mention, self.log, "mastodon status")
        return {m.native_id: m.engagement for m in mentions if m.native_id in wanted}

    def _get(self, host: str, path: str, params: dict[str, Any]) -> requests.Response | None:
        """The instance's answer; None for a 404; SourceUnavailable when it refuses or fails."""
        instance = self.instances[host]
        headers = {"Authorization": f"Bearer {instance.token.get_secret_value()}"}
        try:
            response = self.session.get(instance.url.rstrip("/") + path, params=params, headers=headers)
            if response.status_code == 404:
                return None
            response.raise_for_status()
        except requests.RequestException as exc:
            raise SourceUnavailable(SOURCE, f"{type(exc).__name__} on {host}{path}") from exc
        if remaining(response) <= REREAD_RESERVE:
            self.spent.add(host)
        return response


def _json(response: requests.Response) -> Any:
    try:
        return response.json()
    except ValueError as exc:
        raise SourceUnavailable(SOURCE, f"{response.url[:100]}: not JSON") from exc


def _as_list(response: requests.Response) -> list[Any]:
    body = _json(response)
    if not isinstance(body, list):
        raise SourceUnavailable(SOURCE, "statuses: not a list of statuses")
    return body


def remaining(response: requests.Response) -> float:
    """`X-RateLimit-Remaining` (no header: unlimited)."""
    try:
        return float(response.headers.get("X-RateLimit-Remaining", "inf"))
    except ValueError:
        return float("inf")
