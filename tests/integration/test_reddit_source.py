"""PrawRedditSource against the local fake Reddit, through real praw and a real retrying session."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest

from repmon.adapters.sources.reddit import PrawRedditSource
from repmon.domain.errors import InvalidConfig, SourceUnavailable
from tests.integration.conftest import NOW


def _posts(world, count, *, start=NOW - timedelta(hours=3), title="Acme update {i}", **kw):
    return [
        world.add_reddit_post(title=title.format(i=i), created=start + timedelta(seconds=30 * i), **kw)
        for i in range(count)
    ]


def test_more_than_100_new_posts_page_within_one_poll(world, fake, reddit, make_brand):
    # Given 150 new matching posts, more than one Reddit listing page (100)
    ids = _posts(world, 150)
    brand = make_brand(reddit={"include_comments": False})
    # When we poll once
    page = PrawRedditSource(reddit).fetch(brand, None, NOW)
    # Then all come back, oldest first, read over two listing pages
    assert [m.native_id for m in page.mentions] == [f"t3_{i}" for i in ids]
    assert not page.truncated
    searches = world.requests_to("/search")
    assert len(searches) == 2 and "after" in searches[1].query


def test_repoll_returns_nothing_new_and_overlap_dedups_late_arrivals(world, fake, reddit, make_brand):
    # Given a first poll that read three posts
    _posts(world, 3, start=NOW - timedelta(minutes=10))
    brand = make_brand(reddit={"include_comments": False})
    source = PrawRedditSource(reddit, overlap=timedelta(minutes=15))
    first = source.fetch(brand, None, NOW)
    assert len(first.mentions) == 3
    # When nothing changed, a re-poll returns nothing
    assert source.fetch(brand, first.cursor, NOW).mentions == []
    # And a post indexed late, dated before the watermark but inside the overlap, comes through once
    late = world.add_reddit_post(title="Acme late", created=NOW - timedelta(minutes=9, seconds=45))
    world.advance(minutes=1)
    second = source.fetch(brand, first.cursor, world.now)
    assert [m.native_id for m in second.mentions] == [f"t3_{late}"]
    assert source.fetch(brand, second.cursor, world.now).mentions == []


def test_deleted_cursor_post_neither_stalls_nor_replays(world, fake, reddit, make_brand):
    # Given a poll whose newest post is then deleted
    ids = _posts(world, 5, start=NOW - timedelta(minutes=30))
    brand = make_brand(reddit={"include_comments": False})
    source = PrawRedditSource(reddit)
    first = source.fetch(brand, None, NOW)
    world.delete_reddit_post(ids[-1])
    # When new posts arrive and we poll again
    world.advance(minutes=5)
    fresh = _posts(world, 2, start=world.now - timedelta(minutes=1), title="Acme again {i}")
    second = source.fetch(brand, first.cursor, world.now)
    # Then exactly the new posts come back
    assert [m.native_id for m in second.mentions] == [f"t3_{i}" for i in fresh]


def test_per_run_bound_truncates_and_next_poll_continues(world, fake, reddit, make_brand):
    ids = _posts(world, 120)
    brand = make_brand(reddit={"include_comments": False, "max_items": 50})
    source = PrawRedditSource(reddit)
    seen: list[str] = []
    flags: list[bool] = []
    cursor = None
    for _ in range(3):
        page = source.fetch(brand, cursor, NOW)
        seen += [m.native_id for m in page.mentions]
        cursor, flags = page.cursor, [*flags, page.truncated]
    assert flags == [True, True, False]
    assert seen == [f"t3_{i}" for i in ids]
    assert source.fetch(brand, cursor, NOW).mentions == []


def test_429_with_retry_after_is_waited_out(world, fake, reddit, make_brand):
    _posts(world, 2)
    world.fail_next(1, status=429, retry_after=1, path="/search")
    started = time.monotonic()
    page = PrawRedditSource(reddit).fetch(make_brand(reddit={"include_comments": False}), None, NOW)
    assert len(page.mentions) == 2
    assert time.monotonic() - started >= 1.0
    assert [r.status for r in world.requests_to("/search")] == [429, 200]


def test_persistent_5xx_becomes_source_unavailable(world, fake, reddit, make_brand):
    _posts(world, 2)
    world.fail_next(20, status=503, path="/search")
    with pytest.raises(SourceUnavailable) as err:
        PrawRedditSource(reddit).fetch(make_brand(), None, NOW)
    assert err.value.source == "reddit"
    # Retried, and bounded: the first try plus at most three retries (a retry the client abandons
    # under load may not reach the server, so the exact count is not asserted), then give up.
    assert 2 <= len(world.requests_to("/search")) <= 4


def test_malformed_item_is_skipped_counted_and_the_rest_returned(world, fake, reddit, make_brand):
    _posts(world, 4)
    world.malform_next("/search")
    page = PrawRedditSource(reddit).fetch(make_brand(reddit={"include_comments": False}), None, NOW)
    assert page.skipped == 1
    assert len(page.mentions) == 4


def test_query_filters_posts_and_comments_and_comments_are_read(world, fake, reddit, make_brand):
    at = NOW - timedelta(minutes=5)
    keep = world.add_reddit_post(
        title="Acme's checkout is down", selftext="since 9am &amp; counting", created=at
    )
    world.add_reddit_post(title="Acme anvil review", created=at)
    world.add_reddit_post(title="Something else entirely", created=at)
    comment = world.add_reddit_comment(body="acme support fixed it", created=at, link_title="Banks")
    world.add_reddit_comment(body="no brand here", created=at)
    page = PrawRedditSource(reddit).fetch(make_brand(query="acme -anvil"), None, NOW)
    by_id = {m.native_id: m for m in page.mentions}
    assert set(by_id) == {f"t3_{keep}", f"t1_{comment}"}
    assert by_id[f"t3_{keep}"].text == "since 9am & counting"
    assert by_id[f"t1_{comment}"].url.endswith(f"/{comment}/")


def test_authors_and_subreddits_are_described_once_per_run(world, fake, reddit, make_brand):
    world.add_subreddit("sysadmin", 900_000)
    world.add_reddit_user(
        "veteran", link_karma=40_000, comment_karma=2_000, created=NOW - timedelta(days=3000)
    )
    world.add_reddit_user("banned", suspended=True)
    for author in ("veteran", "veteran", "banned", "ghost", None):
        world.add_reddit_post(
            title="Acme", subreddit="sysadmin", author=author, created=NOW - timedelta(minutes=1)
        )
    brand = make_brand(reddit={"include_comments": False, "subreddits": ["sysadmin"]})
    page = PrawRedditSource(reddit).fetch(brand, None, NOW)
    karma = sorted((m.author.handle, m.author.karma) for m in page.mentions)
    assert karma == [
        ("[deleted]", None),
        ("banned", None),
        ("ghost", None),
        ("veteran", 42_000),
        ("veteran", 42_000),
    ]
    assert {m.community_size for m in page.mentions} == {900_000}
    assert len(world.requests_to("/user/veteran/about")) == 1
    assert all(r.query.get("restrict_sr") == "True" for r in world.requests_to("/r/sysadmin/search"))


def test_credentials_come_from_secrets_manager_and_never_print():
    import boto3
    from moto import mock_aws

    from repmon.adapters.secrets import load_reddit_credentials
    from repmon.domain.errors import InvalidConfig, SourceNotConfigured

    with mock_aws():
        client = boto3.client("secretsmanager", region_name="us-east-1")
        client.create_secret(
            Name="repmon/reddit",
            SecretString='{"client_id": "cid", "client_secret": "s3cr3t-value", "user_agent": "repmon/1.0"}',
        )
        client.create_secret(
            Name="repmon/bad", SecretString='{"client_id": "cid", "client_secret": "s3cr3t-value"}'
        )
        creds = load_reddit_credentials("repmon/reddit", client=client)
        assert creds.client_secret.get_secret_value() == "s3cr3t-value"
        assert "s3cr3t" not in repr(creds) and "s3cr3t" not in str(creds)
        with pytest.raises(InvalidConfig, match="user_agent") as err:
            load_reddit_credentials("repmon/bad", client=client, max_age=0)
        assert "s3cr3t" not in str(err.value)
        with pytest.raises(SourceNotConfigured, match="'repmon/absent' does not exist"):
            load_reddit_credentials("repmon/absent", client=client)


def test_when_the_listing_ends_before_the_cursor_the_page_says_older_ones_may_be_missed(
    world, fake, reddit, make_brand
):
    # Reddit's listings stop near 1,000 items; here the scan limit stands in for that wall.
    _posts(world, 30)
    page = PrawRedditSource(reddit, scan_limit=20).fetch(
        make_brand(reddit={"include_comments": False}), None, NOW
    )
    assert any("may be missed" in e for e in page.errors)
    assert (
        not PrawRedditSource(reddit).fetch(make_brand(reddit={"include_comments": False}), None, NOW).errors
    )


@pytest.mark.parametrize(
    "name", ["../../api/v1/me", "x?q=evil&restrict_sr=0#", "ｐｙｔｈｏｎ", "py%2F..%2Fme"]
)
def test_a_subreddit_name_that_would_rewrite_the_request_is_refused_before_any_request(
    world, fake, reddit, make_brand, name
):
    # The watchlist refuses these when applied; a stored one edited by hand must not reach Reddit either.
    good = make_brand(reddit={"include_comments": False})
    brand = good.model_copy(
        update={
            "sources": good.sources.model_copy(
                update={"reddit": good.sources.reddit.model_copy(update={"subreddits": (name,)})}
            )
        }
    )
    with pytest.raises(InvalidConfig, match="subreddit"):
        PrawRedditSource(reddit).fetch(brand, None, NOW)
    assert world.requests_to("/me") == [] and world.requests_to("/search") == []
    reddit.request(method="GET", path="r/all/comments/")  # the fake was reachable all along
