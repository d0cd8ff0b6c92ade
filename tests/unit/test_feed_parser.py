"""The feed parser (`adapters.sources.feeds_parse`): RSS 2.0 and Atom in, Mentions out; XML attacks,
HTML pages and bad entries refused or skipped, never a crash."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from repmon.adapters.item_fields import MalformedPage
from repmon.adapters.sources.feeds_parse import parse_feed
from repmon.domain.sources.feeds import FeedSettings
from tests.fuzz_budget import FUZZ

NOW = datetime(2026, 11, 2, 12, tzinfo=UTC)
WEIGHTS = FeedSettings(urls=("https://x.example/f",), site_weights={"reuters.com": 80}).weight


def rss(*items: str, head: str = "") -> bytes:
    body = "".join(f"<item>{i}</item>" for i in items)
    channel = f"<channel><title>t</title>{body}</channel>"
    return f'<?xml version="1.0"?>{head}<rss version="2.0">{channel}</rss>'.encode()


ITEM = (
    "<title>Acme Air delays</title><link>https://news.example/a1</link><guid>g-1</guid>"
    "<pubDate>Mon, 02 Nov 2026 10:00:00 GMT</pubDate>"
    "<description>&lt;p&gt;Flights &lt;b&gt;grounded&lt;/b&gt; &amp;amp; late&lt;/p&gt;</description>"
)


def test_an_rss_item_becomes_a_mention_with_its_html_stripped_and_its_date() -> None:
    [m], skipped = parse_feed(rss(ITEM), WEIGHTS, NOW)
    assert (m.source, m.title, m.text, m.url) == (
        "feeds",
        "Acme Air delays",
        "Flights grounded & late",
        "https://news.example/a1",
    )
    assert m.created_at == datetime(2026, 11, 2, 10, tzinfo=UTC) and skipped == 0
    assert (m.community, m.engagement.score) == ("news.example", 20)  # the default site weight


def test_a_news_search_entry_keeps_its_redirect_link_and_is_weighed_by_its_publisher() -> None:
    item = (
        "<title>Acme Air grounds fleet</title><link>https://news.google.com/rss/articles/CBMiXYZ</link>"
        '<guid isPermaLink="false">CBMiXYZ</guid><source url="https://www.reuters.com">Reuters</source>'
    )
    [m], _ = parse_feed(rss(item), WEIGHTS, NOW)
    assert m.url == "https://news.google.com/rss/articles/CBMiXYZ"
    assert (m.community, m.engagement.score) == ("Reuters", 80)


def test_the_publishers_own_link_is_stored_when_the_feed_gives_it() -> None:
    head = ""
    item = ITEM + "<feedburner:origLink>https://publisher.example/story</feedburner:origLink>"
    feed = rss(item, head=head).replace(
        b"<rss ", b'<rss xmlns:feedburner="http://rssnamespace.org/feedburner/ext/1.0" '
    )
    [m], _ = parse_feed(feed, WEIGHTS, NOW)
    assert m.url == "https://publisher.example/story"


def test_a_long_byline_or_publisher_name_is_shortened_not_the_entry_dropped() -> None:
    """8 co-authors (230 characters) made the whole article a skipped malformed entry."""
    authors = ", ".join(f"Reporter Number{i} Lastname" for i in range(8))
    publisher = "The Acme Valley Evening Chronicle and Morning Gazette " * 5
    item = (
        ITEM + f"<author>{authors}</author>" + f'<source url="https://chronicle.example">{publisher}</source>'
    )
    [m], skipped = parse_feed(rss(item), WEIGHTS, NOW)
    assert skipped == 0 and m.title == "Acme Air delays"
    assert m.author.handle.startswith("Reporter Number0 Lastname, ") and len(m.author.handle) <= 200
    assert m.community.startswith("The Acme Valley Evening") and len(m.community) <= 200


def test_an_atom_entry_reads_its_content_and_id() -> None:
    atom = b"""<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>s</title>
      <entry><id>tag:status.acme.example,2026:1</id><title>Degraded check-in</title>
      <link href="https://status.acme.example/incidents/1"/><updated>2026-11-02T09:30:00Z</updated>
      <content type="html">&lt;p&gt;Acme Air check-in is slow&lt;/p&gt;</content>
      <author><name>Ops</name></author></entry></feed>"""
    [m], _ = parse_feed(atom, WEIGHTS, NOW)
    assert (m.title, m.text, m.author.handle) == ("Degraded check-in", "Acme Air check-in is slow", "Ops")
    assert m.created_at == datetime(2026, 11, 2, 9, 30, tzinfo=UTC)


def test_entries_are_identified_by_guid_then_link() -> None:
    same_guid = [ITEM, ITEM.replace("a1", "a2")]
    no_guid = [ITEM.replace("<guid>g-1</guid>", "").replace("g-1", "")] * 2
    a, _ = parse_feed(rss(*same_guid), WEIGHTS, NOW)
    b, _ = parse_feed(rss(*no_guid), WEIGHTS, NOW)
    assert a[0].native_id == a[1].native_id and b[0].native_id == b[1].native_id != a[0].native_id


BOMB = (
    '<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10)
    )
    + "]>"
)


@pytest.mark.parametrize(
    "feed",
    [
        rss("<title>&lol9;</title><link>https://a.example/1</link>", head=BOMB),
        rss(
            "<title>&x;</title><link>https://a.example/1</link>",
            head='<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
        ),
        b"<!DOCTYPE html><html><head><title>Acme</title></head><body><p>Acme Air</p></body></html>",
        b"<html><body>not a feed, and &broken <b>markup</body>",
        b"",
        b"\xff\xfe\x00\x00 not xml at all",
    ],
    ids=["billion-laughs", "external-entity", "html-page", "broken-html", "empty", "binary"],
)
def test_xml_attacks_and_pages_that_are_no_feed_are_refused_whole(feed: bytes) -> None:
    with pytest.raises(MalformedPage):
        parse_feed(feed, WEIGHTS, NOW)


def test_bad_entries_are_skipped_and_counted_and_the_rest_kept() -> None:
    bad = [
        "<title></title><description></description><link>https://a.example/empty</link>",  # says nothing
        "<title>no id and no link</title>",
        "<title>odd link</title><link>javascript:alert(1)</link>",
        "<title>huge link</title><link>https://a.example/" + "x" * 3000 + "</link>",
    ]
    mentions, skipped = parse_feed(rss(*bad, ITEM), WEIGHTS, NOW)
    assert [m.title for m in mentions] == ["Acme Air delays"] and skipped == len(bad)


@pytest.mark.parametrize(
    ("date", "expected"),
    [
        ("Thu, 01 Jan 1970 00:00:00 GMT", NOW),  # before any platform: unknown, dated when first seen
        ("Fri, 31 Dec 9999 00:00:00 GMT", NOW + timedelta(minutes=5)),  # clamped to now + skew
        ("not a date", NOW),
        ("", NOW),
    ],
)
def test_dates_in_1970_in_the_future_or_unreadable_are_clamped(date: str, expected: datetime) -> None:
    [m], _ = parse_feed(rss(ITEM.replace("Mon, 02 Nov 2026 10:00:00 GMT", date)), WEIGHTS, NOW)
    assert m.created_at == expected


def test_invalid_utf8_and_html_in_odd_places_still_give_the_entry() -> None:
    item = ITEM.replace("Acme Air delays", "Acme <![CDATA[<i>Air</i>]]> delays").encode() + b"\xff\xfe"
    feed = rss().replace(b"</channel>", b"<item>" + item + b"</item></channel>")
    mentions, _ = parse_feed(feed, WEIGHTS, NOW)
    assert [m.title for m in mentions] == ["Acme Air delays"]


_TOKENS = [
    *"<>/&;!?[]\"'= abcxyz#\n",
    *("<item>", "</item>", "<title>", "</title>", "<link>", "https://a.example/", "<guid>", "</guid>"),
    *("<!ENTITY", "<!DOCTYPE", "&lol;", '<rss version="2.0"><channel>', "</channel></rss>", "<entry>"),
    *('<feed xmlns="http://www.w3.org/2005/Atom">', "<pubDate>", "</pubDate>", "\x00", "é", "\ud83d"),
]
_XMLISH = st.lists(st.sampled_from(_TOKENS), max_size=120).map("".join)


@FUZZ
@given(body=st.one_of(_XMLISH.map(lambda s: s.encode("utf-8", "surrogatepass")), st.binary(max_size=300)))
def test_any_bytes_give_mentions_or_a_malformed_page_never_a_crash(body: bytes) -> None:
    try:
        mentions, skipped = parse_feed(body, WEIGHTS, NOW)
    except MalformedPage:
        return
    assert skipped >= 0
    for m in mentions:
        assert m.native_id and (m.title or m.text) and m.created_at <= NOW + timedelta(minutes=5)
        assert 0 <= m.engagement.score <= 100
