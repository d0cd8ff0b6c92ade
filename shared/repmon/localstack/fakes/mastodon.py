"""Fake Mastodon instances: hashtag timelines and full-text search, in Mastodon 4.x's shapes.

Each instance lives under `/mastodon/<name>` on the fake server (its base URL in the Mastodon secret
is `instance_url(fake, name)`). Every instance sees every post (they federate), each under its own
local id but one canonical `uri`, as real instances do. Timelines page by `min_id` / `max_id` with
a Link header (`rel="next"`: older, `rel="prev"`: newer), search by `offset`; search finds only
posts whose authors opted in (`indexable`), or with `resolve=true` and a post's `uri` as `q`, that
post. `GET /api/v1/statuses?id[]=` (Mastodon 4.3+, 20 ids) answers the posts it knows, in no order;
an instance made older (`set_old_instance`) answers it 404. A post's `uri` carries its home
instance's local id, as Mastodon's do. Every answer carries `X-RateLimit-*` headers; a test
may set what is left (`set_rate_remaining`). A request without a bearer token gets 401, as an
instance that refuses anonymous timeline reads. All texts, ids and numbers are our own.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from repmon.localstack.fakes.records import any_term, search_terms
from repmon.localstack.fakes.world import Reply, SourceWorld

PREFIX = "/mastodon/"
_PATH = re.compile(
    r"^/mastodon/([a-z0-9-]+)(/api/v1/timelines/tag/[^/]+|/api/v2/search|/api/v1/accounts/lookup"
    r"|/api/v1/accounts/\d+/statuses|/api/v1/statuses(?:/\d+)?)$"
)
_NOT_FOUND = {"error": "Record not found"}
_KEY = "mastodon"
_RATE = "mastodon:rate"
_OLD = "mastodon:old"
#: Mastodon's cap on `id[]` (DEFAULT_STATUSES_LIMIT); it reads the first 20.
_MANY = 20
_LIMIT = 300
_ACCOUNT_EPOCH = datetime(2019, 5, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Toot:
    number: int
    home: str
    author: str
    html: str
    created: datetime
    tags: tuple[str, ...]
    followers: int
    favourites: int
    boosts: int
    replies: int
    indexable: bool
    spoiler: str = ""
    #: The epoch time sent instead of the true one (a fault test's 1970 or tomorrow).
    reported: float | None = None
    #: A uri of a test's choosing (an absurd one).
    uri: str | None = None
    #: The uri of the post this one answers.
    parent: str | None = None


def instance_url(base_url: str, name: str) -> str:
    return f"{base_url}{PREFIX}{name}"


def add_toot(
    world: SourceWorld,
    *,
    html: str,
    author: str = "someone",
    home: str = "social.example",
    created: datetime | None = None,
    tags: tuple[str, ...] = (),
    followers: int = 10,
    favourites: int = 0,
    boosts: int = 0,
    replies: int = 0,
    indexable: bool = True,
    spoiler: str = "",
    reported: float | None = None,
    uri: str | None = None,
    parent: str | None = None,
) -> str:
    """Add a post by @author@home (`parent`: the uri it answers); returns its canonical uri (what
    repmon stores as its id)."""
    toots = world.stock.setdefault(_KEY, [])
    toot = Toot(
        len(toots) + 1,
        home,
        author,
        html,
        created or world.now,
        tuple(t.lower() for t in tags),
        followers,
        favourites,
        boosts,
        replies,
        indexable,
        spoiler,
        reported,
        uri,
        parent,
    )
    toots.append(toot)
    return _uri(toot)


def delete_toot(world: SourceWorld, uri: str) -> None:
    """The post is deleted everywhere (its Delete activity federated)."""
    world.stock[_KEY] = [t for t in world.stock.get(_KEY, []) if _uri(t) != uri]


def set_toot_engagement(world: SourceWorld, uri: str, **counts: int) -> None:
    """The post's counts grow (or shrink): favourites, boosts, replies."""
    world.stock[_KEY] = [replace(t, **counts) if _uri(t) == uri else t for t in world.stock.get(_KEY, [])]


def set_old_instance(world: SourceWorld, instance: str) -> None:
    """The instance runs Mastodon before 4.3: `GET /api/v1/statuses?id[]=` is no route there (404)."""
    world.stock.setdefault(_OLD, []).append(instance)


def set_rate_remaining(world: SourceWorld, instance: str, remaining: int) -> None:
    """What the instance's window has left (for the rest of this five-minute window)."""
    _rates(world)[instance] = (_window(world), remaining)


def route(world: SourceWorld, method: str, path: str, query: dict[str, str], headers: Any) -> Reply | None:
    """The Mastodon instances' part of the fake server (the registry's `fake`)."""
    m = _PATH.match(path)
    if m is None:
        return None
    instance, endpoint = m.group(1), m.group(2)
    rate = _rate(world, instance)
    if not str(headers.get("Authorization") or "").startswith("Bearer "):
        return 401, {"error": "This API requires an authenticated user"}, rate
    visible = sorted(_visible(world), key=lambda t: _local_id(t, instance), reverse=True)
    if endpoint == "/api/v1/statuses":
        if instance in world.stock.get(_OLD, []):
            return 404, _NOT_FOUND, rate
        wanted = query.get("id[][]", query.get("id[]", "")).split("\n")[:_MANY]
        found = [t for t in visible if str(_local_id(t, instance)) in wanted]
        return 200, _faulted(world, path, [_status(t, instance, visible) for t in found]), rate
    if endpoint.startswith(("/api/v1/accounts", "/api/v1/statuses")):
        return _by_account(visible, instance, endpoint, query, rate)
    if endpoint == "/api/v2/search":
        if query.get("resolve") == "true" and query.get("q", "").startswith("https://"):
            found = [t for t in visible if _uri(t) == query["q"]]  # a post looked up by its address
        else:
            terms = search_terms(query.get("q", ""))
            found = [t for t in visible if t.indexable and any_term(terms, t.html, t.spoiler)]
            found = _after(found, instance, query)
        offset, limit = int(query.get("offset", "0")), _limit(query)
        page = found[offset : offset + limit]
        statuses: list[object] = [_status(t, instance) for t in page]
        return 200, {"accounts": [], "statuses": _faulted(world, path, statuses), "hashtags": []}, rate
    tag = endpoint.rsplit("/", 1)[1].lower()
    page = _timeline_page([t for t in visible if tag in t.tags], instance, query)
    statuses = _faulted(world, path, [_status(t, instance) for t in page])
    if page:
        base = f"http://{headers.get('Host', 'localhost')}{PREFIX}{instance}{endpoint}"
        newest, oldest = _local_id(page[0], instance), _local_id(page[-1], instance)
        rate["Link"] = f'<{base}?max_id={oldest}>; rel="next", <{base}?min_id={newest}>; rel="prev"'
    return 200, statuses, rate


def _rate(world: SourceWorld, instance: str) -> dict[str, str]:
    """This request's `X-RateLimit-*` headers: 300 a five-minute window per instance, as Mastodon."""
    rates, window = _rates(world), _window(world)
    start, left = rates.get(instance, (window, _LIMIT))
    remaining = max(0, (left if start == window else _LIMIT) - 1)
    rates[instance] = (window, remaining)
    reset = datetime.fromtimestamp((window + 1) * 300, tz=UTC).strftime("%Y-%m-%dT%H:%M:%S.000000Z")
    return {
        "X-RateLimit-Limit": str(_LIMIT),
        "X-RateLimit-Remaining": str(remaining),
        "X-RateLimit-Reset": reset,
    }


def _rates(world: SourceWorld) -> dict[str, tuple[int, int]]:
    holder = world.stock.setdefault(_RATE, [{}])
    rates: dict[str, tuple[int, int]] = holder[0]
    return rates


def _window(world: SourceWorld) -> int:
    return int(world.now.timestamp()) // 300


def _by_account(
    visible: list[Toot], instance: str, endpoint: str, query: dict[str, str], rate: dict[str, str]
) -> Reply:
    """An account by `acct` (lookup), its posts newest first (since_id, limit), or one post by local id."""
    if endpoint == "/api/v1/accounts/lookup":
        user, _, home = query.get("acct", "").partition("@")
        mine = [t for t in visible if (t.author, t.home) == (user, home)]
        return (200, _account(mine[0], query["acct"]), rate) if mine else (404, _NOT_FOUND, rate)
    number = endpoint.split("/")[4]
    if endpoint.startswith("/api/v1/statuses/"):
        found = [t for t in visible if str(_local_id(t, instance)) == number]
        return (200, _status(found[0], instance, visible), rate) if found else (404, _NOT_FOUND, rate)
    mine = [t for t in visible if _account(t, "")["id"] == number]
    page = _after(mine, instance, query)[: _limit(query)]
    return 200, [_status(t, instance, visible) for t in page], rate


def _visible(world: SourceWorld) -> list[Toot]:
    return [t for t in world.stock.get(_KEY, []) if t.created <= world.now]


def _faulted(world: SourceWorld, path: str, statuses: list[object]) -> list[object]:
    if world.take_empty(path):
        return []
    if statuses and (malformed := world.take_malformed(path)) is not None:
        statuses.insert(0, {"id": "1", "uri": None, "content": 5} if malformed[0] is None else malformed[0])
    return statuses


def _limit(query: dict[str, str]) -> int:
    return max(1, min(int(query.get("limit", "20")), 40))


def _after(toots: list[Toot], instance: str, query: dict[str, str]) -> list[Toot]:
    """Newest first, above `min_id` / `since_id` and below `max_id`."""
    low = int(query.get("min_id") or query.get("since_id") or 0)
    high = int(query.get("max_id") or 2**63)
    return [t for t in toots if low < _local_id(t, instance) < high]


def _timeline_page(toots: list[Toot], instance: str, query: dict[str, str]) -> list[Toot]:
    """As Mastodon: with `min_id`, the `limit` oldest just above it; else the newest; newest first."""
    found, limit = _after(toots, instance, query), _limit(query)
    return found[-limit:] if query.get("min_id") else found[:limit]


def _local_id(toot: Toot, instance: str) -> int:
    """The instance's own id for the post: its time in ms << 16, plus a per-instance sequence."""
    return (int(toot.created.timestamp() * 1000) << 16) + toot.number * 64 + (sum(map(ord, instance)) % 64)


def _home_id(toot: Toot) -> int:
    """The post's local id on its home instance (named as the fake names instances: `alpha.example`
    is `alpha`): what its `uri` and `url` end with."""
    return _local_id(toot, toot.home.split(".")[0])


def _uri(toot: Toot) -> str:
    return toot.uri or f"https://{toot.home}/users/{toot.author}/statuses/{_home_id(toot)}"


def _status(toot: Toot, instance: str, visible: Sequence[Toot] = ()) -> dict[str, Any]:
    sent = toot.created if toot.reported is None else datetime.fromtimestamp(toot.reported, tz=UTC)
    when = sent.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    local = instance == toot.home.split(".")[0]
    acct = toot.author if local else f"{toot.author}@{toot.home}"
    tags = [{"name": t, "url": f"https://{toot.home}/tags/{t}"} for t in toot.tags]
    links = "".join(
        f' <a href="https://{toot.home}/tags/{t}" class="mention hashtag" rel="tag">#<span>{t}</span></a>'
        for t in toot.tags
    )
    return {
        "id": str(_local_id(toot, instance)),
        "created_at": when,
        "in_reply_to_id": next(
            (str(_local_id(t, instance)) for t in visible if toot.parent and _uri(t) == toot.parent), None
        ),
        "in_reply_to_account_id": None,
        "sensitive": bool(toot.spoiler),
        "spoiler_text": toot.spoiler,
        "visibility": "public",
        "language": "en",
        "uri": _uri(toot),
        "url": f"https://{toot.home}/@{toot.author}/{_home_id(toot)}",
        "replies_count": toot.replies,
        "reblogs_count": toot.boosts,
        "favourites_count": toot.favourites,
        "quotes_count": 0,
        "edited_at": None,
        "content": f"<p>{toot.html}{links}</p>",
        "reblog": None,
        "application": None,
        "account": _account(toot, acct),
        "media_attachments": [],
        "mentions": [],
        "tags": tags,
        "emojis": [],
        "card": None,
        "poll": None,
    }


def _account(toot: Toot, acct: str) -> dict[str, Any]:
    return {
        "id": str(4_200_000 + sum(map(ord, toot.author + toot.home))),
        "username": toot.author,
        "acct": acct,
        "display_name": html.escape(toot.author.title()),
        "locked": False,
        "bot": False,
        "discoverable": True,
        "indexable": toot.indexable,
        "group": False,
        "created_at": _ACCOUNT_EPOCH.strftime("%Y-%m-%dT00:00:00.000Z"),
        "note": "",
        "url": f"https://{toot.home}/@{toot.author}",
        "uri": f"https://{toot.home}/users/{toot.author}",
        "followers_count": toot.followers,
        "following_count": 12,
        "statuses_count": 340,
        "last_status_at": toot.created.strftime("%Y-%m-%d"),
        "emojis": [],
        "fields": [],
    }
