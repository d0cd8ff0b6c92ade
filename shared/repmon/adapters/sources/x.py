"""XSource: posts matching a brand, from X API v2 `GET /2/tweets/search/recent`, within a spend budget.

One search per poll: the brand query in X's syntax (`x_query`, retweets left out by default), newest
first, `since_id` = the snowflake of the cursor's floor (the shared time cursor with its overlap;
never older than the 7 days recent search reaches), `max_results` up to 100, `next_token` paging,
authors expanded (`expansions=author_id`) with their followers, verified mark and age.

Every read costs money (`x_spend`): before each page the adapter checks that its worst cost (every
post and author new today) fits in what is left of the brand's and the stack's monthly budgets, and
asks for a smaller page or stops when it does not; the spend is kept with the cursor and in the
stack's ledger. What a stop leaves unread is logged and counted (`XReadsSkipped`).

Rate limits are per app per 15 minutes (`x-rate-limit-remaining`, `x-rate-limit-reset`, an epoch,
remembered across polls of a warm container): with none left, the adapter waits for the reset only
when it comes within the job's deadline, else it stops. A search stopped part way (budget, rate
limit, a failed later page) returns what it read and keeps the cursor's position: newest-first
pages leave the older part of the window unread, and the next poll reads it from the same
`since_id` (X bills a post read again the same UTC day once).
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import requests
from pydantic import BaseModel, ConfigDict, SecretStr

from repmon.adapters.http import LogSink
from repmon.adapters.http_limits import time_left
from repmon.adapters.item_fields import MalformedPage
from repmon.adapters.sources.x_parse import SOURCE, SearchPage, parse_search, since_id
from repmon.adapters.sources.x_query import x_queries
from repmon.adapters.sources.x_spend import Budget, Prices, Spend, SpendLedger, shares
from repmon.domain.brand import Brand
from repmon.domain.cursor import Advance, Candidate, Cursor, Served, TimeCursor, by_time
from repmon.domain.errors import InvalidConfig, SourceUnavailable
from repmon.domain.models import Engagement
from repmon.domain.sources.handles import is_own
from repmon.ports import SourcePage

if TYPE_CHECKING:  # the factory reads its settings; adapters never import the runtime
    from repmon.adapters.sources.x_rereads import XRereads
    from repmon.runtime.settings import CollectSettings

SEARCH = "/2/tweets/search/recent"
TWEET_FIELDS = (
    "created_at,public_metrics,lang,conversation_id,referenced_tweets,in_reply_to_user_id,author_id"
)
USER_FIELDS = "public_metrics,verified,verified_type,created_at"
#: Recent search reaches 7 days back and refuses an older `since_id`; a few minutes' margin.
WINDOW = timedelta(days=7) - timedelta(minutes=10)
#: Kept back from the job's deadline when waiting out a rate limit: the page after it must fit.
WAIT_MARGIN = 5.0
#: Outside any job deadline (a one-off run), the longest rate-limit wait.
MAX_WAIT = 60.0
#: Ids a held cursor remembers, as many as the shared cursor keeps (domain.cursor).
MAX_SEEN = 5000


class XCredentials(BaseModel):
    """X's app-only bearer token (the developer console's "Bearer Token"); shows as '**********'."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    bearer_token: SecretStr


@dataclass
class _Scan:
    found: list[Candidate] = field(default_factory=list)
    #: The position of every post read, matching or not: the cursor's evidence.
    read: list[float] = field(default_factory=list)
    pages: int = 0
    skipped: int = 0
    #: Why the search stopped before its end ("" when it read everything since the cursor).
    stopped: str = ""
    #: Pages the budget or the rate limit kept it from reading (the `XReadsSkipped` metric).
    unread: int = 0

    def stop(self, why: str, unread: int = 1) -> None:
        self.stopped, self.unread = why, self.unread + unread

    def add(self, page: SearchPage, now: datetime) -> None:
        """A page read: its posts at their positions (every one is the cursor's evidence)."""
        self.pages += 1
        self.skipped += page.skipped
        for mention in page.mentions:
            candidate = by_time(mention, now)
            self.read.append(candidate.position)
            self.found.append(candidate)


class XSource:
    """`MentionSource` for X recent search (README, "X")."""

    name = SOURCE
    #: `GET /2/tweets?ids=` takes 100 ids a call (engagement re-reads, `x_rereads`).
    batch = 100

    def __init__(
        self,
        api_url: str,
        token: SecretStr,
        http: requests.Session,
        *,
        ledger: SpendLedger,
        stack_budget: float,
        prices: Prices | None = None,
        logger: LogSink | None = None,
        count: Callable[[str, int], None] | None = None,
        overlap: timedelta = timedelta(minutes=15),
        first_poll_lookback: timedelta = timedelta(hours=24),
        page_size: int = 100,
        max_pages: int = 10,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.api_url = api_url.rstrip("/")
        self.url = self.api_url + SEARCH
        self.token, self.http, self.ledger = token, http, ledger
        self.stack_budget, self.prices = stack_budget, prices or Prices()
        self.log: LogSink = logger or logging.getLogger(__name__)
        self.count = count or (lambda name, value: None)
        self.overlap, self.lookback = overlap, first_poll_lookback
        self.page_size, self.max_pages = page_size, max_pages
        self.clock, self.sleep = clock, sleep
        #: The app's rate limit as the last response said (per app: every brand shares it).
        self.remaining: int | None = None
        self.reset: float = 0.0

    def fetch(self, brand: Brand, cursor: str | None, now: datetime) -> SourcePage:
        settings = brand.sources.x
        mark = TimeCursor.parse(cursor, now, self.lookback)
        spend = Spend.load(_stored(cursor).get("spend"), now)
        budget = Budget(settings.monthly_budget_usd, self.stack_budget)
        overlap = self.overlap.total_seconds()
        since = since_id(max(mark.floor(overlap), (now - WINDOW).timestamp()))
        scan = _Scan()
        own = settings.own_accounts
        for query in x_queries(brand.compiled, retweets=settings.retweets, lang=settings.lang, own=own):
            self._search(brand.id, query, since, budget, spend, scan, now)
            if scan.stopped:
                break
        self._account(brand, spend, scan)
        if scan.stopped and not scan.pages:
            return SourcePage([], cursor, errors=[f"x: {scan.stopped}"])
        # The brand's own replies are kept whatever they say: the collector marks them its own.
        matching = _unique(
            c for c in scan.found if brand.compiled.matches(c.mention.full_text) or is_own(brand, c.mention)
        )
        step = self._step(mark, matching, scan, settings.max_items, now)
        errors = [f"x: {note}" for note in ([scan.stopped] if scan.stopped else []) + step.notes]
        text = dump_cursor(step.cursor, spend)
        return SourcePage(step.page, text, skipped=scan.skipped, truncated=step.truncated, errors=errors)

    def for_brand(self, brand: Brand, now: datetime) -> XRereads:
        """The brand's engagement re-reads (services.rereads), charged to its spend (`x_rereads`)."""
        from repmon.adapters.sources.x_rereads import XRereads

        return XRereads(self, brand, now)

    def refresh(self, native_ids: Sequence[str]) -> dict[str, Engagement]:
        """Never without a brand: every read is charged to one (`for_brand`, which services.rereads uses)."""
        raise InvalidConfig("x re-reads are charged to a brand's budget: read them through for_brand")

    def _account(self, brand: Brand, spend: Spend, scan: _Scan) -> None:
        """What the budget or rate limit left unread (the spend is in the ledger page by page)."""
        if scan.unread:
            self.count("XReadsSkipped", scan.unread)
            self.log.warning("x: reads skipped", extra={"brand": brand.id, "why": scan.stopped})

    def _step(
        self, mark: Cursor, matching: list[Candidate], scan: _Scan, limit: int, now: datetime
    ) -> Advance:
        """The shared cursor's move; a search stopped part way holds its position (`_hold`)."""
        overlap = self.overlap.total_seconds()
        if scan.stopped:
            return _hold(mark, matching, limit, overlap)
        return mark.advance(
            matching,
            limit=limit,
            overlap=overlap,
            settled=(now - self.overlap).timestamp(),
            served=Served.of(scan.read),
            now=now.timestamp(),
        )

    def _search(
        self, brand_id: str, query: str, since: str, budget: Budget, spend: Spend, scan: _Scan, now: datetime
    ) -> None:
        """Every page of `query` since `since`, newest first, while the budget and rate limit allow.

        Other brands' spend is read before each page and this brand's written after it, so brands
        polled at the same moment overshoot the stack's budget by at most one page's worst cost each
        (read once a poll, it was one poll's: up to `max_pages` pages)."""
        token = ""
        for _ in range(self.max_pages):
            mine, others = shares(self.ledger.spent(spend.month), brand_id, brand_id)
            size = budget.page_size(budget.left(spend, others, mine), self.page_size, self.prices)
            if not size:
                scan.stop(over_budget(spend.usd + mine, others + spend.usd, budget))
                return
            if waited := self._rate_limited():
                scan.stop(waited)
                return
            try:
                page = parse_search(self.get(self.url, _params(query, since, size, token)), self.log)
            except (SourceUnavailable, MalformedPage) as exc:
                if not scan.pages:
                    raise SourceUnavailable(SOURCE, f"recent search: {exc}") from exc
                scan.stop(f"a later page failed ({exc}); the rest is read next poll", unread=0)
                return
            spend.charge(page.posts_read, page.users_read, self.prices)
            self.ledger.record(spend.month, brand_id, spend.usd)
            scan.add(page, now)
            if not page.next_token or page.next_token == token or not page.size:
                return
            token = page.next_token
        scan.stop(f"over {self.max_pages} pages since the cursor; the rest is read next poll", unread=0)

    def _rate_limited(self) -> str:
        """Wait out a spent rate limit when its reset comes within the job's time; else say why not."""
        wait = self.reset - self.clock() + 1
        if self.remaining != 0 or wait <= 0:
            return ""
        left = time_left()
        allowed = MAX_WAIT if left is None else left - WAIT_MARGIN
        if wait > allowed:
            until = datetime.fromtimestamp(self.reset, UTC)
            return f"rate limit spent until {until:%H:%M:%S} UTC (x-rate-limit-reset); stopped"
        self.sleep(wait)
        self.remaining = None
        return ""

    def get(self, url: str, params: dict[str, str], what: str = "recent search") -> Any:
        """GET with the bearer token; 429 and 5xx are retried by the session (adapters.http), which
        waits for `x-rate-limit-reset`. Only the search's limits are remembered (`_rate_limited`): each
        endpoint has its own window."""
        headers = {"Authorization": f"Bearer {self.token.get_secret_value()}", "Accept": "application/json"}
        try:
            response = self.http.get(url, params=params, headers=headers)
        except requests.RequestException as exc:
            raise SourceUnavailable(SOURCE, f"{type(exc).__name__} on {what}") from exc
        if url == self.url:
            self._note_limits(response.headers)
        if response.status_code in (401, 403):
            raise InvalidConfig(f"x refused the bearer token ({what}: HTTP {response.status_code})")
        if not response.ok:
            raise SourceUnavailable(SOURCE, f"{what}: HTTP {response.status_code}{_why(response)}")
        try:
            return response.json()
        except ValueError as exc:
            raise SourceUnavailable(SOURCE, f"{what}: invalid JSON") from exc

    def _note_limits(self, headers: Any) -> None:
        try:
            remaining = int(headers.get("x-rate-limit-remaining", ""))
            reset = float(headers.get("x-rate-limit-reset", ""))
        except ValueError:
            return
        if remaining >= 0 and 0 < reset < 1e11:
            self.remaining, self.reset = remaining, reset


def _params(query: str, since: str, size: int, token: str) -> dict[str, str]:
    params = {"query": query, "since_id": since, "max_results": str(size), "expansions": "author_id"}
    params |= {"tweet.fields": TWEET_FIELDS, "user.fields": USER_FIELDS}
    return params | ({"next_token": token} if token else {})


def _why(response: requests.Response) -> str:
    """X's own words for a refused request (`title`/`detail`), short, never the request itself."""
    try:
        body = response.json()
        detail = body.get("detail") or body.get("title") or ""
    except (ValueError, AttributeError):
        return ""
    return f": {str(detail)[:160]}" if detail else ""


def over_budget(brand: float, stack: float, budget: Budget, what: str = "a page") -> str:
    """Why reads stop: the brand's figures (searches and re-reads) and every brand's, against budget."""
    return (
        f"monthly budget reached (brand ${brand:.2f} of ${budget.brand:g}, all brands"
        f" ${stack:.2f} of ${budget.stack:g}); reads skipped until it allows {what}"
    )


def _hold(mark: Cursor, candidates: list[Candidate], limit: int, overlap: float) -> Advance:
    """A stopped search's page: the oldest `limit` new posts, remembered, the position unmoved."""
    floor = mark.floor(overlap)
    fresh = {c.key: c for c in candidates if c.position >= floor and c.key not in mark.seen}
    ordered = sorted(fresh.values(), key=lambda c: (c.position, c.key))
    page = ordered[:limit]
    seen = {**mark.seen, **{c.key: c.position for c in page}}
    # Bounded as the shared cursor's: a hold may last many polls, the cursor item must stay small (an
    # id forgotten is at worst returned again, and the store drops it).
    held = replace(mark, seen=dict(sorted(seen.items(), key=lambda kv: kv[1], reverse=True)[:MAX_SEEN]))
    return Advance([c.mention for c in page], held, truncated=True)


def _unique(candidates: Iterable[Candidate]) -> list[Candidate]:
    return list({c.key: c for c in candidates}.values())


def _stored(raw: str | None) -> dict[str, Any]:
    try:
        data = json.loads(raw) if raw else None
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def dump_cursor(cursor: Cursor, spend: Spend) -> str:
    """The time cursor's JSON plus this month's spend and today's reads."""
    return json.dumps({"v": 2, **cursor.dump(), "spend": spend.dump()}, sort_keys=True)


def build_source(settings: CollectSettings, session: requests.Session, log: LogSink) -> XSource:
    """The registry's factory: reads the X secret (`SourceNotConfigured` until it exists)."""
    from repmon.adapters.aws import client as aws_client
    from repmon.adapters.dynamo_spend import DynamoSpendLedger
    from repmon.adapters.secrets import load_secret

    secrets = aws_client("secretsmanager", settings.aws_max_attempts)
    credentials = load_secret(settings.x_secret_name, XCredentials, client=secrets)
    return XSource(
        settings.x_api_url,
        credentials.bearer_token,
        session,
        ledger=DynamoSpendLedger(settings.table_name, aws_client("dynamodb", settings.aws_max_attempts)),
        stack_budget=settings.x_monthly_budget_usd,
        prices=Prices(settings.x_post_read_usd, settings.x_user_read_usd),
        logger=log,
        count=_metric,
    )


def _metric(name: str, value: int) -> None:
    """Into the invocation's metrics (Powertools' Metrics share one set, flushed by the handler)."""
    from aws_lambda_powertools import Metrics
    from aws_lambda_powertools.metrics import MetricUnit

    Metrics().add_metric(name=name, unit=MetricUnit.Count, value=value)
