"""GDELT's article list (`adapters.sources.gdelt_parse`) and the news identity it shares with feeds."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from repmon.adapters.item_fields import MalformedPage
from repmon.adapters.sources.feeds_parse import parse_feed
from repmon.adapters.sources.gdelt_parse import GdeltRefused, parse_articles
from repmon.adapters.sources.news_identity import article_key, headline
from repmon.domain.source_registry import SOURCES
from repmon.domain.sources.feeds import FeedSettings
from tests.fuzz_budget import FUZZ

NOW = datetime(2026, 11, 2, 12, tzinfo=UTC)
WEIGHTS = FeedSettings(urls=("https://x.example/f",), site_weights={"dailywire.example": 70}).weight


def article(**over: Any) -> dict[str, Any]:
    return {
        "url": "https://www.dailywire.example/travel/acme-air-grounds-fleet",
        "url_mobile": "",
        "title": "Acme Air grounds its fleet after a booking system failure",
        "seendate": "20261102T094500Z",
        "socialimage": "https://www.dailywire.example/img/fleet.jpg",
        "domain": "dailywire.example",
        "language": "English",
        "sourcecountry": "United Kingdom",
    } | over


def body(*articles: Any) -> bytes:
    return json.dumps({"articles": list(articles)}).encode()


def test_an_article_is_a_feeds_mention_its_title_the_text_its_site_weight_the_score() -> None:
    [m], skipped = parse_articles(body(article()), WEIGHTS, NOW)
    assert skipped == 0
    assert (m.source, m.text, m.title, m.url, m.community) == (
        "feeds",
        "Acme Air grounds its fleet after a booking system failure",
        "",
        "https://www.dailywire.example/travel/acme-air-grounds-fleet",
        "dailywire.example",
    )
    assert m.full_text.strip() == m.text  # the title is what the query and the scorer read
    assert SOURCES["gdelt"].mentions_as == m.source  # the demo and export show no empty gdelt column
    assert m.created_at == datetime(2026, 11, 2, 9, 45, tzinfo=UTC)
    assert m.engagement.score == 70
    [other], _ = parse_articles(body(article(domain="tiny.example")), WEIGHTS, NOW)
    assert other.engagement.score == 20  # feeds' default weight


@pytest.mark.parametrize(
    "bad",
    [
        {"title": None},
        {"title": ""},
        {"url": "javascript:alert(1)"},
        {"url": 7},
        {"seendate": "yesterday"},
        {"seendate": None},
        {"domain": ["x"]},
        {"title": "x" * 5000},
    ],
)
def test_a_malformed_article_is_skipped_and_counted_the_others_kept(bad: dict[str, Any]) -> None:
    good = article(url="https://dailywire.example/b", title="Acme Air apologises to travellers")
    mentions, skipped = parse_articles(body(article(**bad), good, "not an object"), WEIGHTS, NOW)
    assert skipped == 2
    assert [m.url for m in mentions] == ["https://dailywire.example/b"]


def test_no_articles_is_an_empty_object_and_a_refusal_is_plain_text() -> None:
    assert parse_articles(b"{}", WEIGHTS, NOW) == ([], 0)
    with pytest.raises(GdeltRefused, match="too short"):
        parse_articles(b"The specified phrase is too short.\n", WEIGHTS, NOW)
    with pytest.raises(MalformedPage):
        parse_articles(b'{"articles": {"url": 1}}', WEIGHTS, NOW)


def test_dates_in_the_future_or_in_1970_are_clamped() -> None:
    [future, old], _ = parse_articles(
        body(
            article(seendate="20991231T000000Z"), article(title="Other headline", seendate="19700101T000000Z")
        ),
        WEIGHTS,
        NOW,
    )
    assert future.created_at <= NOW.replace(hour=13)
    assert old.created_at == NOW


GOOGLE_NEWS = (
    b'<?xml version="1.0"?><rss version="2.0"><channel><title>Google News</title><item>'
    b"<title>Acme Air grounds its fleet after a booking system failure - Daily Wire</title>"
    b"<link>https://news.google.com/rss/articles/CBMiXmh0dHBzOi8vd3d3LmRhaWx5?oc=5</link>"
    b'<guid isPermaLink="false">CBMiXmh0dHBzOi8vd3d3LmRhaWx5</guid>'
    b"<pubDate>Mon, 02 Nov 2026 09:40:00 GMT</pubDate>"
    b"<description>&lt;a href=&quot;https://news.google.com/rss/articles/CBMi&quot;&gt;Acme Air grounds"
    b" its fleet&lt;/a&gt;</description>"
    b'<source url="https://www.dailywire.example">Daily Wire</source></item></channel></rss>'
)


def test_the_same_article_from_a_google_news_feed_and_gdelt_has_one_id() -> None:
    [from_feed], _ = parse_feed(GOOGLE_NEWS, WEIGHTS, NOW)
    [from_gdelt], _ = parse_articles(body(article()), WEIGHTS, NOW)
    assert from_feed.url.startswith("https://news.google.com/")  # the redirect: no publisher URL there
    assert (from_feed.source, from_feed.native_id) == (from_gdelt.source, from_gdelt.native_id)
    assert from_feed.key == from_gdelt.key


def test_a_publishers_own_feed_keeps_its_guid_id() -> None:
    own = GOOGLE_NEWS.replace(
        b"https://news.google.com/rss/articles/CBMiXmh0dHBzOi8vd3d3LmRhaWx5?oc=5",
        b"https://dailywire.example/a",
    )
    [m], _ = parse_feed(own, WEIGHTS, NOW)
    assert not m.native_id.startswith("na")


def test_the_headline_drops_the_site_suffix_case_punctuation_and_width() -> None:
    assert headline("Acme Air’s outage: day two - Daily Wire") == "acme air s outage day two"
    assert (
        headline("ACME AIR'S OUTAGE — DAY TWO") == "acme air s outage"
    )  # a short tail is taken for a site name, by both sources alike
    assert article_key("www.a.example", "T - A") == article_key("a.example", "t")
    assert article_key("a.example", "Same title") != article_key("b.example", "Same title")


_VALUES = st.one_of(st.none(), st.integers(), st.text(max_size=30), st.lists(st.integers(), max_size=2))
_ARTICLE = st.dictionaries(
    st.sampled_from(["url", "title", "seendate", "domain", "language", "socialimage"]), _VALUES
) | st.builds(article)


@FUZZ
@given(
    payload=st.one_of(
        st.binary(max_size=200),
        st.lists(_ARTICLE, max_size=4).map(lambda a: json.dumps({"articles": a}).encode()),
        st.recursive(_VALUES, lambda c: st.dictionaries(st.text(max_size=5), c, max_size=3)).map(
            lambda v: json.dumps(v).encode()
        ),
    )
)
def test_any_body_gives_mentions_and_a_count_or_a_refusal_never_a_crash(payload: bytes) -> None:
    try:
        mentions, skipped = parse_articles(payload, WEIGHTS, NOW)
    except (MalformedPage, GdeltRefused):
        return
    assert skipped >= 0
    for m in mentions:
        assert m.source == "feeds" and m.native_id.startswith("na") and len(m.native_id) == 32
        assert m.text and m.url.startswith("http")
