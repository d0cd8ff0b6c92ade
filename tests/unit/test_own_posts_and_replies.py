"""The brand's own posts and its replies, through the collector and the in-memory store.

Own posts are stored but never counted in the hourly aggregates (index, volume rules) nor offered as
negative candidates; an own post answering a stored mention gives it `reply`, earliest first, whatever
the order they arrive in and however often they are re-read."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest

from repmon.adapters.memory import MemoryMentionStore
from repmon.domain.brand import Brand
from repmon.domain.models import Author, Mention, Reply
from repmon.domain.replies import ReplyLink, status_of
from repmon.domain.source_registry import SOURCES, Replies
from repmon.ports import PollJob
from repmon.services.collect import Collector
from tests.fakes import InMemoryCursorStore, InMemoryWatchlist, KeywordScorer, ScriptedSource

T0 = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
ACME = Brand.model_validate(
    {
        "id": "acme",
        "name": "Acme Air",
        "query": '"acme air"',
        "sources": {"hackernews": {"own_accounts": ["AcmeAirSupport"]}, "appstore": {"app_id": "123456789"}},
    }
)


def post(native_id: str, text: str, minutes: int, author: str = "alice", parent: str = "") -> Mention:
    return Mention(
        "hackernews",
        native_id,
        T0 + timedelta(minutes=minutes),
        text,
        url=f"https://news.ycombinator.com/item?id={native_id}",
        author=Author(id=author, handle=author),
        parent_id=parent,
    )


COMPLAINT = post("t3_a", "acme air lost my bag, terrible awful", 0)
ANSWER = post("t1_r", "So sorry, please DM us", 30, author="AcmeAirSupport", parent="t3_a")


def collect(store: MemoryMentionStore, *mentions: Mention, minutes: int = 60) -> None:
    source = ScriptedSource("hackernews", mentions)
    collector = Collector(
        InMemoryWatchlist([ACME]), {"hackernews": source}, InMemoryCursorStore(), store, KeywordScorer()
    )
    collector.collect(PollJob("acme", "hackernews", T0 + timedelta(minutes=minutes)))


def stored(store: MemoryMentionStore, native_id: str) -> Mention:
    return store.items[("acme", f"hackernews#{native_id}")].mention


def test_an_own_post_is_stored_flagged_but_never_counted_nor_a_negative_candidate() -> None:
    store = MemoryMentionStore()
    own_rant = post("t3_o", "awful terrible day, we apologise", 5, author="ACMEAIRSUPPORT")
    collect(store, COMPLAINT, own_rant)
    assert stored(store, "t3_o").own and status_of(stored(store, "t3_o")) == "own"
    [hour] = store.hourly("acme", T0, T0 + timedelta(hours=1))
    assert hour.mentions == 1 and hour.negative == 1 and hour.by_source == {"hackernews": 1}
    negatives = store.most_negative("acme", T0, T0 + timedelta(hours=1), 0.0, 10)
    assert [sm.key for sm in negatives] == ["hackernews#t3_a"]


def test_an_own_reply_without_the_brand_name_is_kept_and_answers_its_parent() -> None:
    store = MemoryMentionStore()
    collect(store, COMPLAINT)
    assert status_of(stored(store, "t3_a")) == "unanswered"
    collect(store, ANSWER, minutes=90)
    assert stored(store, "t3_a").reply == Reply(ANSWER.created_at, ANSWER.url)
    assert status_of(stored(store, "t3_a")) == "replied"


def test_a_reply_read_before_its_parent_waits_for_it() -> None:
    store = MemoryMentionStore()
    collect(store, ANSWER)
    collect(store, COMPLAINT, minutes=90)
    assert stored(store, "t3_a").reply == Reply(ANSWER.created_at, ANSWER.url)


def test_re_reads_and_later_replies_never_move_the_first_reply_later_nor_count_twice() -> None:
    store = MemoryMentionStore()
    later = post("t1_s", "Following up", 300, author="acmeairsupport", parent="t3_a")
    for _ in range(2):  # a retried job reads the same page again
        collect(store, COMPLAINT, later, ANSWER)
        collect(store, later)
    assert stored(store, "t3_a").reply == Reply(ANSWER.created_at, ANSWER.url)
    assert sum(h.mentions for h in store.hourly("acme", T0, T0 + timedelta(hours=6))) == 1
    assert store.record_replies([ReplyLink("acme", "hackernews", "t3_a", Reply(T0 + timedelta(days=1)))]) == 0


def test_a_source_that_cannot_show_replies_leaves_the_mention_unknown_not_unanswered() -> None:
    store = MemoryMentionStore()
    review = Mention("appstore", "r1", T0, "acme air app crashes, awful")
    source = ScriptedSource("appstore", [review])
    collector = Collector(
        InMemoryWatchlist([ACME]), {"appstore": source}, InMemoryCursorStore(), store, KeywordScorer()
    )
    collector.collect(PollJob("acme", "appstore", T0 + timedelta(minutes=60)))
    assert status_of(store.items[("acme", "appstore#r1")].mention) == "unknown"


def test_without_own_accounts_on_a_source_its_mentions_are_reply_unknown() -> None:
    brand = Brand.model_validate({"id": "acme", "name": "Acme Air", "query": '"acme air"'})
    store = MemoryMentionStore()
    source = ScriptedSource("hackernews", [COMPLAINT])
    Collector(
        InMemoryWatchlist([brand]), {"hackernews": source}, InMemoryCursorStore(), store, KeywordScorer()
    ).collect(PollJob("acme", "hackernews", T0 + timedelta(minutes=60)))
    assert status_of(stored(store, "t3_a")) == "unknown"


def test_a_source_that_does_not_read_the_own_accounts_posts_stays_unknown_even_with_them_listed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A source whose adapter cannot read the accounts' posts (Replies.NONE): silence proves nothing.
    monkeypatch.setitem(
        SOURCES, "hackernews", dataclasses.replace(SOURCES["hackernews"], replies=Replies.NONE)
    )
    store = MemoryMentionStore()
    collect(store, COMPLAINT)
    assert status_of(stored(store, "t3_a")) == "unknown"


def test_a_review_read_again_with_an_owner_response_gets_it() -> None:
    # A mention is written once: a response the site shows at a later read must still reach it.
    store = MemoryMentionStore()
    collect(store, COMPLAINT)
    answered = dataclasses.replace(COMPLAINT, reply=Reply(T0 + timedelta(hours=2), "https://x.example/r"))
    collect(store, answered, minutes=180)
    assert stored(store, "t3_a").reply == Reply(T0 + timedelta(hours=2), "https://x.example/r")


def test_a_review_of_a_place_the_brand_does_not_run_is_reply_unknown_not_unanswered() -> None:
    # Google `places` are any places (a competitor's desk); `locations` are the brand's own, where
    # its owner replies can be seen. Before: both were "unanswered", and a rival's 1-star review sat
    # in the brand's unanswered list and its reply rate.
    location, place = "accounts/1/locations/2", "ChIJrivalDesk000001"
    brand = Brand.model_validate(
        {
            "id": "acme",
            "name": "Acme Air",
            "query": '"acme air"',
            "sources": {"google": {"locations": {location: "Acme JFK"}, "places": {place: "Rival Air desk"}}},
        }
    )
    ours = Mention("google", "g-own", T0, "acme air lost my bag", rating=1, location_id=location)
    theirs = Mention("google", "g-rival", T0, "rival air lost my bag", rating=1, location_id=place)
    store = MemoryMentionStore()
    Collector(
        InMemoryWatchlist([brand]),
        {"google": ScriptedSource("google", [ours, theirs])},
        InMemoryCursorStore(),
        store,
        KeywordScorer(),
    ).collect(PollJob("acme", "google", T0 + timedelta(minutes=60)))
    assert status_of(store.items[("acme", "google#g-own")].mention) == "unanswered"
    assert status_of(store.items[("acme", "google#g-rival")].mention) == "unknown"


def test_an_imported_review_site_without_watchlist_settings_shows_its_owner_responses() -> None:
    # Tripadvisor is imported from the owner's export, not polled: no `sources.tripadvisor`, and
    # every review in it is of the brand's own listing
    assert ACME.sources.replies_visible("tripadvisor", "d123456") is True
    assert ACME.sources.replies_visible("appstore", "123456789") is False  # the feed shows none


def test_reviews_of_the_app_app_store_connect_reads_show_replies_whichever_route_stored_them() -> None:
    # App Store Connect stores its reviews as App Store mentions, every review of the app with the
    # developer's response: one without a response is unanswered, not "reply unknown" (before: every
    # unanswered App Store review was unknown, and the reply rate read 100%)
    app = "123456789"
    both = Brand.model_validate(
        {
            "id": "acme",
            "name": "Acme Air",
            "query": '"acme air"',
            "sources": {"appstore": {"app_id": app}, "appstore_connect": {"app_id": app}},
        }
    )
    assert both.sources.replies_visible("appstore", app) is True  # stored by App Store Connect
    assert both.sources.replies_visible("appstore", None) is True  # stored first by the public feed
    assert ACME.sources.replies_visible("appstore", None) is False  # the feed alone shows none
    sources = {"appstore": {"app_id": "99999999"}, "appstore_connect": {"app_id": app}}
    other = Brand.model_validate({"id": "acme", "name": "Acme Air", "query": "acme", "sources": sources})
    assert other.sources.replies_visible("appstore", None) is False  # the feed of another app
