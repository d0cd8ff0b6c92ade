"""YouTubeSource: new videos about the brand and the comments on them and on the brand's channel.

Per poll (README, "YouTube"), within the brand's share of the stack's daily quota (`youtube_quota`):
- on the brand's search turn (every `search_every` polls), `search.list` (type=video, order=date,
  publishedAfter = the video cursor's floor), `search_pages` pages at most; the videos matching the
  brand query are mentions, and their comments are read for `watch_days` after (`max_videos`);
- `commentThreads.list?allThreadsRelatedToChannelId` for the brand's channel, newest first by
  `nextPageToken`, down to the comment cursor's floor (the shared cursor: behind, hold, evidence);
- `commentThreads.list?videoId` for each watched video, from where its last read ended;
- `videos.list` for the new videos' views, likes and comments, `channels.list` for the authors'
  subscribers, 50 ids a call.
Each request is counted in the ledger before it is made; one the quota cannot pay for is not made,
and the poll says what it could not read (its errors, the log and `YouTubeReadsSkipped`). The API key
goes in the `X-Goog-Api-Key` header, never in a URL that an error could print.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import requests
from pydantic import BaseModel, ConfigDict, Field, SecretStr

from repmon.adapters.http import LogSink, new_session
from repmon.adapters.item_fields import ITEM_ERRORS, MalformedPage
from repmon.adapters.secrets import load_secret
from repmon.adapters.sources.youtube_parse import (
    SOURCE,
    VIDEO_ID,
    Page,
    channel_subscribers,
    list_page,
    parse_threads,
    video_stats,
    video_to_mention,
)
from repmon.adapters.sources.youtube_quota import DynamoQuotaLedger, QuotaLedger, Spend
from repmon.adapters.sources.youtube_state import (
    Budget,
    Scan,
    State,
    Step,
    Watch,
    advance,
    batches,
    hold,
    pruned,
    with_numbers,
)
from repmon.domain.brand import Brand
from repmon.domain.cursor import Candidate, NewestFirstScan, by_time
from repmon.domain.errors import InvalidConfig, SourceUnavailable
from repmon.domain.models import Mention
from repmon.domain.youtube_quota import QuotaPlan, previous_day, quota_day
from repmon.ports import SourcePage

if TYPE_CHECKING:  # the factory reads its settings; adapters never import the runtime
    from repmon.runtime.settings import CollectSettings

API = "https://www.googleapis.com/youtube/v3"
#: Error reasons that mean the project's quota (or its rate) is spent: stop asking this poll.
_QUOTA_REASONS = {"quotaExceeded", "dailyLimitExceeded", "rateLimitExceeded", "userRateLimitExceeded"}
#: Error reasons of one video or channel: noted, that stream dropped, the others read.
_STREAM_REASONS = {"commentsDisabled", "videoNotFound", "channelNotFound", "forbidden"}
_KEY_REASONS = {"keyInvalid", "keyExpired", "accessNotConfigured", "ipRefererBlocked", "API_KEY_INVALID"}


class _StreamGone(Exception):
    """One video's or channel's comments cannot be read (disabled, deleted)."""


@dataclass
class _Poll:
    skipped: int = 0
    errors: list[str] = field(default_factory=list)
    #: Comments read from watched videos (outside the channel cursor: each video has its own mark).
    watched: list[Candidate] = field(default_factory=list)


class YouTubeSource:
    """`MentionSource` for YouTube (Data API v3 with an API key)."""

    name = SOURCE

    def __init__(
        self,
        api_key: SecretStr,
        ledger: QuotaLedger,
        session: requests.Session | None = None,
        *,
        base_url: str = API,
        plan: QuotaPlan | None = None,
        logger: LogSink | None = None,
        metric: Callable[[str, float], None] | None = None,
        overlap: timedelta = timedelta(minutes=15),
        video_overlap: timedelta = timedelta(hours=6),
        first_poll_lookback: timedelta = timedelta(hours=24),
        page_size: int = 100,
        max_pages: int = 5,
    ) -> None:
        self.api_key = api_key
        self.ledger = ledger
        self.session = session or new_session()
        self.base_url = base_url.rstrip("/")
        self.plan = plan or QuotaPlan()
        self.log: LogSink = logger or logging.getLogger(__name__)
        self.metric = metric or (lambda name, value: None)
        self.overlap = overlap
        #: Search lists a video some time after it is published: each search reaches this far back
        #: below the video cursor (the ids returned there are remembered, so none comes twice).
        self.video_overlap = video_overlap
        self.lookback = first_poll_lookback
        self.page_size = page_size
        self.max_pages = max_pages

    def fetch(self, brand: Brand, cursor: str | None, now: datetime) -> SourcePage:
        settings = brand.sources.youtube
        state = State.parse(cursor, now, self.lookback)
        budget = self._budget(brand.id, now, settings.search_pages)
        poll = _Poll()
        own = {c for c in (settings.channel_id, *getattr(settings, "own_accounts", ())) if c}
        videos, comments = Step(state.videos, before=state.before), Step(state.comments)
        if settings.search and budget.turn:
            videos = self._search(brand, videos, now, budget, poll)
        if settings.channel_id:
            comments = self._channel(brand, settings.channel_id, comments, own, now, budget, poll)
        # A video of the brand's own channel (its own upload found by the search) is its own post.
        videos = replace(videos, page=[replace(m, own=m.author.id in own) for m in videos.page])
        found = {m.native_id: Watch.of(m) for m in videos.page}
        watch = pruned({**found, **state.watch}, now, settings.watch_days, settings.max_videos)
        watch = self._watched(watch, own, settings.channel_id, now, budget, poll)
        page = self._numbers(videos.page + comments.page + [c.mention for c in poll.watched], budget)
        self._report(brand.id, budget, poll)
        notes = [f"youtube: {n}" for n in videos.notes + comments.notes]
        text = State(comments.cursor, videos.cursor, watch, videos.before).dump()
        truncated = videos.truncated or comments.truncated
        return SourcePage(page, text, poll.skipped, truncated, poll.errors + notes)

    def _budget(self, brand_id: str, now: datetime, pages: int) -> Budget:
        day = quota_day(now)
        brands = self.ledger.enrol(day, previous_day(day), brand_id)
        units = self.plan.units_this_poll(brand_id, now, brands)
        return Budget(self.ledger, self.plan, day, units, self.plan.search_turn(brand_id, now, brands, pages))

    # -- search: new videos -------------------------------------------------------------------

    def _search(self, brand: Brand, mark: Step, now: datetime, budget: Budget, poll: _Poll) -> Step:
        """New videos for the brand's terms since the video cursor's floor, newest first; after a
        search cut short (`mark.before`), only those older than where it stopped."""
        settings = brand.sources.youtube
        floor = mark.cursor.floor(self.video_overlap.total_seconds())
        params = {"part": "snippet", "type": "video", "order": "date", "maxResults": "50"}
        params |= {"q": " | ".join(brand.compiled.search_terms()), "publishedAfter": _rfc3339(floor)}
        if mark.before is not None:  # a second's margin: the video it stopped at may share its second
            params["publishedBefore"] = _rfc3339(mark.before + 1)
        scan, token, claim = Scan(), "", f"{brand.id}#{budget.turn}"
        for number in range(settings.search_pages):
            spent = budget.search(claim if number == 0 else None)
            if spent is Spend.CLAIMED:  # searched already this turn (or a retried job): not due
                return mark
            if spent is not Spend.SPENT:
                poll.errors.append(_search_refused(budget))
                budget.denied.append("search")
                return mark if number == 0 else self._videos_step(brand, mark, scan, now, complete=False)
            body = self._get("search", params | ({"pageToken": token} if token else {}), budget)
            if body is None:
                return mark if number == 0 else self._videos_step(brand, mark, scan, now, complete=False)
            result = self._list(body, "search")
            self._take_videos(result.items, scan, NewestFirstScan(floor), now, poll)
            if not result.next_token or result.next_token == token:
                return self._videos_step(brand, mark, scan, now, complete=True)
            token = result.next_token
        poll.errors.append(
            f"youtube: over {settings.search_pages} pages of new videos; older ones come later"
        )
        return self._videos_step(brand, mark, scan, now, complete=False)

    def _take_videos(
        self, items: list[Any], scan: Scan, old: NewestFirstScan, now: datetime, poll: _Poll
    ) -> None:
        for item in items:
            try:
                candidate = by_time(video_to_mention(item), now)
            except ITEM_ERRORS as exc:
                poll.skipped += 1
                self.log.warning("skipped malformed youtube video", extra={"error": repr(exc)[:300]})
                continue
            scan.read.append(candidate.position)
            if not old.is_old(candidate.position):
                scan.found.append(candidate)

    def _videos_step(self, brand: Brand, mark: Step, scan: Scan, now: datetime, *, complete: bool) -> Step:
        """The video cursor after a search. One cut short (page limit, quota) holds its position and
        notes where it stopped (`before`): the next search reads below it, newest first again, so the
        older videos come then; moving to the newest read would skip them."""
        matching = [c for c in scan.found if brand.compiled.matches(c.mention.full_text)]
        limit = brand.sources.youtube.max_items
        if complete:
            return advance(mark.cursor, matching, scan, now, self.video_overlap, limit, True)
        step = hold(mark.cursor, matching, self.video_overlap, limit, "search cut short")
        return replace(step, before=min(scan.read, default=mark.before))

    # -- comments ----------------------------------------------------------------------------

    def _channel(
        self,
        brand: Brand,
        channel: str,
        mark: Step,
        own: set[str],
        now: datetime,
        budget: Budget,
        poll: _Poll,
    ) -> Step:
        """The channel's comment threads down to the comment cursor's floor."""
        floor = mark.cursor.floor(self.overlap.total_seconds())
        try:
            scan = self._threads({"allThreadsRelatedToChannelId": channel}, floor, own, now, budget, poll)
        except _StreamGone as exc:  # a wrong channel id, or comments turned off: the videos go on
            poll.errors.append(f"youtube: comments of channel {channel} not readable ({exc})")
            return mark
        if scan is None:
            return mark
        limit = brand.sources.youtube.max_items
        if scan.cut:
            return hold(mark.cursor, scan.found, self.overlap, limit, "the quota cut the comment scan short")
        return advance(mark.cursor, scan.found, scan, now, self.overlap, limit, scan.complete)

    def _watched(
        self,
        watch: dict[str, Watch],
        own: set[str],
        channel: str | None,
        now: datetime,
        budget: Budget,
        poll: _Poll,
    ) -> dict[str, Watch]:
        """Each watched video's new comments (from its own mark); a video that cannot be read is dropped."""
        kept: dict[str, Watch] = {}
        for video, seen in sorted(watch.items(), key=lambda kv: -kv[1].published):
            if seen.channel == channel:  # its comments come with the channel's
                kept[video] = seen
                continue
            floor = seen.mark - self.overlap.total_seconds()
            try:
                scan = self._threads({"videoId": video}, floor, own, now, budget, poll)
            except _StreamGone as exc:
                poll.errors.append(f"youtube: comments of video {video} not readable ({exc}); not watched")
                continue
            if scan is None:
                kept[video] = seen
                continue
            poll.watched += [c for c in scan.found if c.position >= floor]
            # Cut by the quota: read again from the same mark (the store drops what it has).
            kept[video] = seen if scan.cut else replace(seen, mark=now.timestamp())
        return kept

    def _threads(
        self,
        selector: dict[str, str],
        floor: float,
        own: set[str],
        now: datetime,
        budget: Budget,
        poll: _Poll,
    ) -> Scan | None:
        """Comment threads newest first down to `floor`; None when the quota allowed no request."""
        params = {"part": "snippet,replies", "order": "time", "maxResults": str(self.page_size)} | selector
        scan, old, token = Scan(), NewestFirstScan(floor), ""
        what = f"comments of {'video ' + selector['videoId'] if 'videoId' in selector else 'the channel'}"
        for number in range(self.max_pages):
            if not budget.unit(what):
                return None if number == 0 else replace(scan, complete=False, cut=True)
            page_params = params | ({"pageToken": token} if token else {})
            body = self._get("commentThreads", page_params, budget, stream=True)
            if body is None:
                return None if number == 0 else replace(scan, complete=False, cut=True)
            result = self._list(body, "commentThreads")
            threads, skipped = parse_threads(result.items, own, self.log)
            poll.skipped += skipped
            for thread in threads:
                top = by_time(thread[0], now)
                scan.read.append(top.position)
                old.is_old(top.position)
                scan.found += [c for c in (by_time(m, now) for m in thread) if c.position >= floor]
                if old.done:
                    return scan
            if not result.next_token or result.next_token == token or old.done:
                return scan
            token = result.next_token
        poll.errors.append(
            f"youtube: {what}: over {self.max_pages} pages since the last poll; older ones missed"
        )
        scan.complete = False
        return scan

    # -- statistics ----------------------------------------------------------------------------

    def _numbers(self, page: list[Mention], budget: Budget) -> list[Mention]:
        """Views, likes and comments of the new videos, and every author's subscribers."""
        videos = sorted({m.native_id for m in page if VIDEO_ID.fullmatch(m.native_id)})
        stats: dict[str, Any] = {}
        for ids in batches(videos):
            if budget.unit("video statistics"):
                stats |= self._statistics("videos", ids, budget, video_stats)
        authors = sorted({m.author.id for m in page if m.author.id})
        subscribers: dict[str, int | None] = {}
        for ids in batches(authors):
            if budget.unit("subscriber counts"):
                subscribers |= self._statistics("channels", ids, budget, channel_subscribers)
        return [with_numbers(m, stats.get(m.native_id), subscribers.get(m.author.id)) for m in page]

    def _statistics(
        self, resource: str, ids: str, budget: Budget, read: Callable[[Any], dict[str, Any]]
    ) -> dict[str, Any]:
        """One `videos.list`/`channels.list` call's numbers; a garbled answer leaves them unknown (the
        numbers are extras: the mentions are stored without them, never the poll's failure)."""
        body = self._get(resource, {"part": "statistics", "id": ids}, budget)
        try:
            return read(body) if body else {}
        except MalformedPage as exc:
            self.log.warning("youtube statistics unreadable", extra={"resource": resource, "error": str(exc)})
            return {}

    # -- HTTP ------------------------------------------------------------------------------------

    def _get(self, resource: str, params: dict[str, str], budget: Budget, *, stream: bool = False) -> Any:
        """GET `resource`; None when YouTube says the quota is spent (noted); `_StreamGone` (`stream`)
        for one video's or channel's refusal; `InvalidConfig` for a bad key; else `SourceUnavailable`."""
        headers = {"X-Goog-Api-Key": self.api_key.get_secret_value(), "Accept": "application/json"}
        try:
            response = self.session.get(f"{self.base_url}/{resource}", params=params, headers=headers)
        except requests.RequestException as exc:
            raise SourceUnavailable(self.name, f"{type(exc).__name__} on {resource}") from None
        if not response.ok:
            reason = _reason(response)
            if reason in _QUOTA_REASONS:
                budget.gone = reason
                return None
            if reason in _KEY_REASONS or response.status_code == 401:
                raise InvalidConfig(f"youtube refused the API key ({reason or response.status_code})")
            if stream and (reason in _STREAM_REASONS or response.status_code == 404):
                raise _StreamGone(reason or str(response.status_code))
            raise SourceUnavailable(self.name, f"{resource}: HTTP {response.status_code} {reason}".strip())
        try:
            return response.json()
        except ValueError:
            raise SourceUnavailable(self.name, f"{resource}: invalid JSON") from None

    def _list(self, body: Any, resource: str) -> Page:
        try:
            return list_page(body)
        except MalformedPage as exc:
            raise SourceUnavailable(self.name, f"{resource}: {exc}") from None

    def _report(self, brand_id: str, budget: Budget, poll: _Poll) -> None:
        self.metric("YouTubeQuotaUnits", budget.spent)
        self.metric("YouTubeSearchCalls", budget.searches)
        if budget.gone:
            poll.errors.append(f"youtube: YouTube refused for quota ({budget.gone}); stopped for this poll")
        if budget.denied:
            self.metric("YouTubeReadsSkipped", len(budget.denied))
            what = ", ".join(sorted(set(budget.denied)))
            poll.errors.append(f"youtube: quota share for this poll spent; not read: {what}")
            self.log.warning(
                "youtube reads skipped for quota",
                extra={"brand": brand_id, "skipped": len(budget.denied), "what": what, "day": budget.day},
            )


def _rfc3339(epoch: float) -> str:
    return datetime.fromtimestamp(max(epoch, 0), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _reason(response: requests.Response) -> str:
    """The first `error.errors[].reason` of a Google API error body ("" when there is none)."""
    try:
        reason = response.json()["error"]["errors"][0]["reason"]
    except (ValueError, KeyError, IndexError, TypeError):
        return ""
    return reason[:60] if isinstance(reason, str) and reason.isprintable() else ""


def _search_refused(budget: Budget) -> str:
    if budget.gone:
        return f"youtube: search not made, YouTube refused for quota ({budget.gone})"
    return f"youtube: the day's search quota share is spent ({budget.caps.searches} calls); search skipped"


class YouTubeCredentials(BaseModel):
    """The Data API key; it shows as '**********'."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    api_key: SecretStr = Field(min_length=1)


def load_api_key(name: str, *, client: Any = None, max_age: int = 300) -> SecretStr:
    """Secret `name` ({"api_key": ...}) through Powertools Parameters; `SourceNotConfigured` if absent."""
    return load_secret(name, YouTubeCredentials, client=client, max_age=max_age).api_key


def build_source(settings: CollectSettings, session: requests.Session, log: LogSink) -> YouTubeSource:
    """The registry's factory: the API key (`SourceNotConfigured` until it exists) and the ledger."""
    from repmon.adapters.aws import client as aws_client

    key = load_api_key(
        settings.youtube_secret_name, client=aws_client("secretsmanager", settings.aws_max_attempts)
    )
    plan = QuotaPlan(
        units_per_day=settings.youtube_units_per_day,
        searches_per_day=settings.youtube_searches_per_day,
        search_units=settings.youtube_search_units,
        share=settings.youtube_quota_share,
        poll_minutes=settings.poll_interval_minutes,
    )
    ledger = DynamoQuotaLedger(settings.table_name, aws_client("dynamodb", settings.aws_max_attempts))
    return YouTubeSource(
        key, ledger, session, base_url=settings.youtube_api_url, plan=plan, logger=log, metric=_metric
    )


def _metric(name: str, value: float) -> None:
    """Into the invocation's metrics (Powertools' Metrics share one set, flushed by the handler)."""
    from aws_lambda_powertools import Metrics
    from aws_lambda_powertools.metrics import MetricUnit

    Metrics().add_metric(name=name, unit=MetricUnit.Count, value=value)
