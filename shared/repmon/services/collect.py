"""Collect mentions: cursor → source → cap → match the brand query → score → store → advance the cursor.

The cursor moves only after the mentions it covers are stored, so a crash anywhere loses nothing:
the next run reads the same items again and the store drops the ones it already has. A mention the
store refuses for good (over DynamoDB's limits) is counted as skipped and the cursor moves past it:
retrying it could never succeed and would wedge the source.

Scoring is under the job's time too (`time_left`, from `runtime.job_budget`): 200 long mentions took
up to 9 s on a loaded machine. Time is checked before each mention; when it runs out, what was scored
is stored, the cursor stays where it was and `JobUnfinished` has SQS retry the job, whose store drops
what it already has.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from repmon.domain import customers, replies
from repmon.domain.brand import Brand
from repmon.domain.errors import JobUnfinished, UnknownSource
from repmon.domain.models import Mention, ScoredMention
from repmon.domain.source_registry import SOURCES, influence
from repmon.domain.sources.handles import is_own
from repmon.engagement_ports import EngagementReader, EngagementStore
from repmon.notice_ports import PollHealthStore
from repmon.ports import (
    CursorStore,
    KnownCustomers,
    MentionSource,
    MentionStore,
    PollJob,
    SaveResult,
    SentimentScorer,
    Watchlist,
)
from repmon.services.rereads import RereadResult, reread


@dataclass(frozen=True)
class CollectResult:
    brand_id: str
    source: str
    fetched: int = 0
    matched: int = 0
    stored: int = 0
    duplicates: int = 0
    #: Items the source could not parse plus mentions the store refused for good (`rejected`).
    skipped: int = 0
    rejected: int = 0
    truncated: bool = False
    #: What the source could not do this run without failing it (e.g. author lookups stopped).
    errors: tuple[str, ...] = ()
    cursor_moved: bool = False
    #: Engagement re-read calls made after the poll, and mentions they changed.
    rereads: int = 0
    reread_updated: int = 0


@dataclass(frozen=True)
class Collector:
    watchlist: Watchlist
    sources: Mapping[str, MentionSource]
    cursors: CursorStore
    store: MentionStore
    scorer: SentimentScorer
    #: Where each poll's outcome is noted for the ingestion-health checks (none: not noted).
    health: PollHealthStore | None = None
    #: The known-customer table (README, "Known customers"); none: no tiers.
    customers: KnownCustomers | None = None
    #: Where engagement re-reads are kept (README, "Going viral"); none: mentions are not re-read.
    engagement: EngagementStore | None = None

    def collect(self, job: PollJob, time_left: Callable[[], float] | None = None) -> CollectResult:
        """Poll one brand's source; `time_left()` is the seconds left to score (none: no limit)."""
        brand = self.watchlist.brand(job.brand_id)
        if brand is None:
            # Removed from the watchlist after the job was planned: nothing to do, not an error.
            return CollectResult(job.brand_id, job.source)
        if job.source not in self.sources:
            raise UnknownSource(job.source)
        if job.source not in brand.sources.enabled():
            # Disabled after the job was planned: the brand's current config wins.
            return CollectResult(brand.id, job.source)
        at, source = job.scheduled_at, job.source
        reread_done = self._reread(brand, job)
        try:
            result = self._poll(brand, job, time_left)
        except JobUnfinished:  # read but not yet stored in full: the cursor waits (stuck if it lasts)
            self._note(lambda h: h.succeeded(brand.id, source, at, stuck=True))
            raise
        except Exception as exc:
            error = f"{type(exc).__name__}: {exc}"[:500]
            self._note(lambda h: h.failed(brand.id, source, at, error))
            raise
        errors = (*result.errors, *(f"re-read: {p}" for p in reread_done.problems[:5]))
        result = replace(result, rereads=reread_done.calls, reread_updated=reread_done.updated, errors=errors)
        # More to read and the cursor did not move: a source that cannot get past a page.
        stuck = result.truncated and not result.cursor_moved
        note = self._note(lambda h: h.succeeded(brand.id, source, at, stuck=stuck))
        return result if note is None else replace(result, errors=(*result.errors, note))

    def _reread(self, brand: Brand, job: PollJob) -> RereadResult:
        """Before the poll (what it is about to store was just read), the engagement of the source's
        recent negatives (services.rereads): problems become the result's errors, never a failure."""
        reader = self.sources[job.source]
        if self.engagement is None or not isinstance(reader, EngagementReader):
            return RereadResult()
        try:
            if reader.batch <= 0:  # a source that cannot re-read (or a lazy one not configured)
                return RereadResult()
        except Exception as exc:
            return RereadResult(problems=(f"{type(exc).__name__}: {exc}"[:300],))
        try:
            return reread(brand, job.source, reader, self.store, self.engagement, job.scheduled_at)
        except Exception as exc:  # the next poll re-reads
            return RereadResult(problems=(f"{type(exc).__name__}: {exc}"[:300],))

    def _note(self, record: Callable[[PollHealthStore], None]) -> str | None:
        """Note a poll's outcome; failing to note it never fails the poll (it is said in its errors)."""
        if self.health is None:
            return None
        try:
            record(self.health)
        except Exception as exc:
            return f"poll health not recorded: {type(exc).__name__}: {exc}"
        return None

    def _poll(self, brand: Brand, job: PollJob, time_left: Callable[[], float] | None) -> CollectResult:
        cursor = self.cursors.get(brand.id, job.source)
        page = self.sources[job.source].fetch(brand, cursor, job.scheduled_at)
        # Capped once, here, so matching, scoring and storage all see the same bounded text.
        marked = [mark(brand, m.capped()) for m in page.mentions]
        matched = [m for m in marked if _about(brand, m)]
        matched, lookup_error = self._tiered(matched)
        scored = [
            routed(sm, job.source) for sm in self._score(brand.id, matched, job.scheduled_at, time_left)
        ]
        saved = store_scored(self.store, scored)
        if len(scored) < len(matched):  # the cursor covers the whole page: it may not move yet
            raise JobUnfinished(brand.id, job.source, saved.stored, len(matched) - len(scored))
        if page.cursor != cursor:
            self.cursors.put(brand.id, job.source, page.cursor)
        return CollectResult(
            brand.id,
            job.source,
            fetched=len(page.mentions),
            matched=len(matched),
            stored=saved.stored,
            duplicates=saved.duplicates,
            skipped=page.skipped + saved.rejected,
            rejected=saved.rejected,
            truncated=page.truncated,
            errors=(*page.errors, *lookup_error),
            cursor_moved=page.cursor != cursor,
        )

    def _tiered(self, mentions: list[Mention]) -> tuple[list[Mention], tuple[str, ...]]:
        """The mentions with their authors' customer tiers; a failed lookup leaves them untiered
        (noted in the result's errors): a tier is a hint, never a reason to lose a poll."""
        wanted = {m.key: customers.candidates(m) for m in mentions} if self.customers else {}
        asked = [account for accounts in wanted.values() for account in accounts]
        if not asked or self.customers is None:
            return mentions, ()
        try:
            found = self.customers.tiers(asked)
        except Exception as exc:
            return mentions, (f"known customers not looked up: {type(exc).__name__}",)
        tiers = {
            key: customers.best_tier(found[a] for a in accounts if a in found)
            for key, accounts in wanted.items()
        }
        return [replace(m, customer_tier=tiers[m.key]) if tiers.get(m.key) else m for m in mentions], ()

    def _score(
        self, brand_id: str, mentions: Sequence[Mention], at: datetime, time_left: Callable[[], float] | None
    ) -> list[ScoredMention]:
        """The mentions scored in order, stopping before the first one there is no time left for."""
        scored: list[ScoredMention] = []
        for m in mentions:
            if time_left is not None and time_left() <= 0:
                break
            scored.append(score_mention(brand_id, m, self.scorer, at))
        return scored


def store_scored(store: MentionStore, scored: Sequence[ScoredMention]) -> SaveResult:
    """Save, then record the replies the brand's own posts among them make. Every time, not only for
    new own posts: a crash after the save must not lose a reply, and the store only ever moves a
    reply earlier, so a re-read changes nothing."""
    saved = store.save(scored)
    if answers := replies.links(scored):
        store.record_replies(answers)
    return saved


def routed(sm: ScoredMention, source: str) -> ScoredMention:
    """Read by `source`'s poll: counted there if stored now, though stored as another source's mention
    (App Store Connect's reviews are App Store mentions, one identity with the RSS feed's)."""
    return sm if sm.mention.source == source else replace(sm, route=source)


def score_mention(brand_id: str, mention: Mention, scorer: SentimentScorer, at: datetime) -> ScoredMention:
    """Sentiment of the text (with the star rating) and the author's influence as of `at`.

    Every path to the store (collector, backtest, replay) scores through here, so the text caps
    (MAX_TEXT_CHARS, MAX_TITLE_CHARS) hold for whatever is stored, whoever stores it.
    """
    mention = mention.capped()
    sentiment = scorer.score(mention.full_text, mention.rating)
    return ScoredMention(brand_id, mention, sentiment, influence(mention, at))


def mark(brand: Brand, mention: Mention) -> Mention:
    """The mention as this brand sees it: its own post or not, whether its replies can be seen."""
    own = mention.own or is_own(brand, mention)  # a backtest line may say so itself
    visible = not own and brand.sources.replies_visible(mention.source, mention.location_id)
    if (own, visible) == (mention.own, mention.replies_visible):
        return mention
    return replace(mention, own=own, replies_visible=visible)


def _about(brand: Brand, mention: Mention) -> bool:
    # A source whose items are about the brand by construction (its own app) is not filtered, nor
    # are the brand's own posts: a support account's answer rarely names the brand.
    spec = SOURCES.get(mention.source)
    return (
        (spec is not None and not spec.filtered) or mention.own or brand.compiled.matches(mention.full_text)
    )
