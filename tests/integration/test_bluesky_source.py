"""BlueskySource against the local fake PDS, through a real retrying session (127.0.0.1)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from pydantic import SecretStr

from repmon.adapters.secrets import BlueskyCredentials
from repmon.adapters.sources.bluesky import BlueskySource, XrpcSession
from repmon.domain.errors import SourceUnavailable
from repmon.localstack.fakes.bluesky import add_bluesky_post, expire_access, sessions_created
from tests.integration.conftest import NOW

CREDS = BlueskyCredentials(identifier="reader.example.com", app_password=SecretStr("abcd-efgh-ijkl-mnop"))


def _source(fake, session, **kw):
    return BlueskySource(XrpcSession(fake.base_url, CREDS, session), **kw)


@pytest.fixture
def source(fake, session):
    return _source(fake, session)


def _brand(make_brand, **kw):
    return make_brand(bluesky={"enabled": True, **kw})


def test_posts_with_counts_followers_and_bsky_app_links(world, source, make_brand):
    uri = add_bluesky_post(
        world,
        text="Acme support kept me waiting",
        handle="dana.bsky.social",
        created=NOW - timedelta(minutes=5),
        followers=48_000,
        likes=120,
        reposts=7,
        quotes=3,
        replies=9,
    )
    add_bluesky_post(world, text="nothing to see here", created=NOW - timedelta(minutes=4))
    page = source.fetch(_brand(make_brand), None, NOW)
    assert [m.native_id for m in page.mentions] == [uri]
    m = page.mentions[0]
    rkey = uri.rsplit("/", 1)[1]
    assert m.url == f"https://bsky.app/profile/dana.bsky.social/post/{rkey}"
    assert (m.engagement.score, m.engagement.shares, m.engagement.comments) == (120, 10, 9)
    assert m.author.followers == 48_000 and m.author.account_created_at is not None
    search = world.requests_to("searchPosts")[0].query
    assert search["sort"] == "latest" and search["since"].endswith("Z") and search["limit"] == "100"


def test_pages_through_the_search_cursor_and_resumes_the_backlog_next_poll(world, fake, session, make_brand):
    source = _source(fake, session, page_size=20)
    ids = [
        add_bluesky_post(
            world, text=f"acme {i}", created=NOW - timedelta(minutes=90) + timedelta(seconds=30 * i)
        )
        for i in range(70)
    ]
    brand = _brand(make_brand, max_items=50)
    first = source.fetch(brand, None, NOW)
    assert len(first.mentions) == 50 and first.truncated
    assert len(world.requests_to("searchPosts")) == 4  # 70 posts, 20 a page
    second = source.fetch(brand, first.cursor, NOW + timedelta(minutes=15))
    assert sorted(m.native_id for m in first.mentions + second.mentions) == sorted(ids)


def test_the_session_is_stored_sealed_and_refreshed_rather_than_remade(world, fake, session, make_brand):
    add_bluesky_post(world, text="acme one", created=NOW - timedelta(minutes=3))
    brand = _brand(make_brand)
    page = _source(fake, session).fetch(brand, None, NOW)
    stored = json.loads(page.cursor)
    assert "eyJ" not in page.cursor and stored["session"]  # sealed: no token in clear
    # A cold start (a new source) whose access token has expired: refreshed, not logged in again
    expire_access(world)
    cold = _source(fake, session)
    cold.fetch(brand, page.cursor, NOW + timedelta(minutes=15))
    assert sessions_created(world) == 1 and cold.xrpc.refreshed == 1


def test_an_unreadable_stored_session_logs_in_once(world, fake, session, make_brand):
    brand = _brand(make_brand)
    cursor = json.dumps({"v": 2, "at": NOW.timestamp() - 600, "seen": {}, "session": "tampered"})
    source = _source(fake, session)
    source.fetch(brand, cursor, NOW)
    source.fetch(brand, cursor, NOW + timedelta(minutes=15))
    assert sessions_created(world) == 1


def test_followers_are_looked_up_25_authors_a_call(world, source, make_brand):
    for i in range(30):
        add_bluesky_post(
            world, text=f"acme {i}", handle=f"user{i:02d}.bsky.social", created=NOW - timedelta(minutes=9)
        )
    page = source.fetch(_brand(make_brand), None, NOW)
    assert len(page.mentions) == 30 and all(m.author.followers == 12 for m in page.mentions)
    assert len(world.requests_to("getProfiles")) == 2


def test_a_429_with_retry_after_is_waited_out(world, source, make_brand):
    uri = add_bluesky_post(world, text="acme", created=NOW - timedelta(minutes=2))
    world.fail_next(1, status=429, retry_after=1, path="searchPosts")
    page = source.fetch(_brand(make_brand), None, NOW)
    assert [m.native_id for m in page.mentions] == [uri]


def test_a_failing_search_fails_the_poll_and_keeps_the_cursor(world, source, make_brand):
    add_bluesky_post(world, text="acme", created=NOW - timedelta(minutes=2))
    world.fail_next(10, status=503, path="searchPosts")
    with pytest.raises(SourceUnavailable):
        source.fetch(_brand(make_brand), None, NOW)


def test_malformed_posts_are_skipped_and_counted(world, source, make_brand):
    add_bluesky_post(world, text="acme fine", created=NOW - timedelta(minutes=2))
    world.malform_next("searchPosts", {"uri": "at://did:plc:x/app.bsky.feed.post/" + "z" * 600})
    page = source.fetch(_brand(make_brand), None, NOW)
    assert len(page.mentions) == 1 and page.skipped == 1


def test_a_429_with_only_ratelimit_reset_waits_until_the_reset(world, source, make_brand, monkeypatch):
    import time as clock

    from repmon.localstack.fakes import bluesky as fake_bluesky

    uri = add_bluesky_post(world, text="acme", created=NOW - timedelta(minutes=2))
    reset = str(int(clock.time()) + 2)
    world.stock.setdefault("bluesky_429", [])
    original = fake_bluesky.route

    def route(w, method, path, query, headers):
        if path.endswith("searchPosts") and not w.stock["bluesky_429"]:
            w.stock["bluesky_429"].append(1)
            return 429, {"error": "RateLimitExceeded"}, {"RateLimit-Remaining": "0", "RateLimit-Reset": reset}
        return original(w, method, path, query, headers)

    from repmon.localstack.fakes import server

    monkeypatch.setattr(server, "_ROUTES", [route if r is original else r for r in server._ROUTES])
    started = clock.monotonic()
    page = source.fetch(_brand(make_brand), None, NOW)
    assert [m.native_id for m in page.mentions] == [uri]
    assert clock.monotonic() - started >= 0.9  # waited for the reset, not urllib3's 0.01 s backoff


def test_no_token_nor_app_password_reaches_the_logs(world, fake, session, make_brand, caplog):
    import logging

    add_bluesky_post(world, text="acme", created=NOW - timedelta(minutes=2))
    caplog.set_level(logging.DEBUG)
    source = _source(fake, session)
    page = source.fetch(_brand(make_brand), None, NOW)
    expire_access(world)
    source.fetch(_brand(make_brand), page.cursor, NOW + timedelta(minutes=15))
    assert source.xrpc.refreshed == 1  # both a login and a refresh were made and logged around
    logged = caplog.text + repr(source.xrpc.tokens)
    assert "eyJ" not in logged and "abcd-efgh-ijkl-mnop" not in logged
