"""Known customers: the CSV checked row by row (each bad row with its line, the rest kept), matched
at collect time by the collector, never on Reddit, and a failing lookup never fails a poll."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from repmon.adapters.memory import MemoryMentionStore
from repmon.domain.brand import Brand
from repmon.domain.customers import Customer, best_tier, candidates, parse_csv
from repmon.domain.models import Author, Mention
from repmon.ports import KnownCustomers, PollJob
from repmon.services.collect import Collector
from tests.fakes import InMemoryCursorStore, InMemoryWatchlist, KeywordScorer, ScriptedSource

T0 = datetime(2026, 11, 1, 12, tzinfo=UTC)
CSV = """platform,handle,tier
bluesky,@Kim.BSky.Social,vip
mastodon,ann@toot.example,customer
reddit,u/someone,vip
bluesky,kim.bsky.social,customer,extra
hackernews,way-too-long-a-name-for-hn,customer
myspace,tom,vip
hackernews,pg,gold
hackernews,PG,churn-risk
"""


def test_good_rows_are_kept_normalised_and_each_bad_row_is_named_by_its_line() -> None:
    good, bad = parse_csv(CSV)
    assert sorted(good, key=lambda c: c.platform) == [
        Customer("bluesky", "kim.bsky.social", "vip"),
        Customer("hackernews", "pg", "churn-risk"),
        Customer("mastodon", "ann@toot.example", "customer"),
    ]
    problems = {b.line: b.problem for b in bad}
    assert sorted(problems) == [4, 5, 6, 7, 8]
    assert "Responsible Builder Policy" in problems[4]
    assert "3 columns" in problems[5]
    assert "Hacker News handle" in problems[6] and "way-too-long" not in problems[6]
    assert "myspace" in problems[7] and "tier 'gold'" in problems[8]


def test_no_header_blank_lines_and_comments_are_fine() -> None:
    good, bad = parse_csv("\n# exported from the CRM\nbluesky,did:plc:abcdefghijklmnopqrstuvwx,vip\n")
    assert good == [Customer("bluesky", "did:plc:abcdefghijklmnopqrstuvwx", "vip")] and bad == []


def test_the_tier_asking_most_of_the_brand_wins() -> None:
    assert best_tier(["customer", "vip"]) == "vip" and best_tier(["customer", "churn-risk"]) == "churn-risk"
    assert best_tier([]) == ""


class Table:
    """The KnownCustomers port in memory, remembering what it was asked."""

    def __init__(self, known: dict[tuple[str, str], str], fail: bool = False) -> None:
        self.known, self.fail = known, fail
        self.asked: list[tuple[str, str]] = []

    def tiers(self, accounts: Sequence[tuple[str, str]]) -> dict[tuple[str, str], str]:
        self.asked += accounts
        if self.fail:
            raise RuntimeError("secret unreadable")
        return {a: self.known[a] for a in accounts if a in self.known}

    def replace(self, customers: Sequence[Customer]) -> tuple[int, int]:
        return len(customers), 0


_port: KnownCustomers = Table({})
BRAND = Brand.model_validate(
    {
        "id": "acme",
        "name": "Acme",
        "query": "acme",
        "sources": {"bluesky": {"enabled": True}, "appstore": {"app_id": "123456789"}},
    }
)


def collect(source: str, mentions: list[Mention], table: Table) -> tuple[MemoryMentionStore, tuple[str, ...]]:
    store = MemoryMentionStore()
    collector = Collector(
        InMemoryWatchlist([BRAND]),
        {source: ScriptedSource(source, mentions)},
        InMemoryCursorStore(),
        store,
        KeywordScorer(),
        customers=table,
    )
    result = collector.collect(PollJob("acme", source, T0 + timedelta(hours=1)))
    return store, result.errors


def post(source: str, native_id: str, handle: str, author_id: str = "") -> Mention:
    return Mention(source, native_id, T0, "acme is down again", author=Author(author_id or handle, handle))


def test_a_known_author_gets_the_tier_stored_on_the_mention() -> None:
    table = Table({("bluesky", "kim.bsky.social"): "vip"})
    mentions = [
        post("bluesky", "at://1", "Kim.bsky.social", "did:plc:x"),
        post("bluesky", "at://2", "bob.bsky.social"),
    ]
    store, errors = collect("bluesky", mentions, table)
    tiers = {key: sm.mention.customer_tier for (_, key), sm in store.items.items()}
    assert tiers == {"bluesky#at://1": "vip", "bluesky#at://2": ""} and errors == ()


def test_reddit_authors_are_never_looked_up() -> None:
    table = Table({("reddit", "someone"): "vip"})
    store, _ = collect("reddit", [post("reddit", "t3_a", "someone")], table)
    assert table.asked == [] and store.items[("acme", "reddit#t3_a")].mention.customer_tier == ""


def test_a_failing_lookup_stores_the_mentions_untiered_and_says_so() -> None:
    store, errors = collect("bluesky", [post("bluesky", "at://1", "kim.bsky.social")], Table({}, fail=True))
    assert len(store.items) == 1 and any("known customers not looked up" in e for e in errors)


def _validate(tmp_path, capsys, thresholds: str):  # type: ignore[no-untyped-def]
    from repmon.cli.main import main

    path = tmp_path / "brands.yaml"
    path.write_text("brands:\n  - id: acme\n    name: Acme\n    query: acme\n    thresholds:\n" + thresholds)
    code = main(["brands", "validate", str(path)])
    return code, capsys.readouterr().err.replace(str(path), "brands.yaml")


def test_by_tier_lowers_the_influence_bar_for_that_tier_only(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    body = "      by_tier:\n        vip: {influencer_min: 0}\n        churn-risk: {influencer_min: 40}\n"
    assert _validate(tmp_path, capsys, body)[0] == 0
    t = Brand.model_validate(
        {"id": "a", "name": "A", "query": "a", "thresholds": {"by_tier": {"vip": {"influencer_min": 0}}}}
    ).thresholds
    assert (t.influencer_min_for("vip"), t.influencer_min_for("customer"), t.influencer_min_for("")) == (
        0,
        70,
        70,
    )


def test_a_bad_by_tier_is_one_line_naming_file_line_brand_and_field(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    code, err = _validate(tmp_path, capsys, "      by_tier:\n        gold: {influencer_min: 0}\n")
    assert code == 2 and "brand 'acme'" in err and "by_tier.gold: unknown key" in err and "vip" in err
    code, err = _validate(tmp_path, capsys, "      by_tier:\n        vip: {influencer_min: 90}\n")
    assert code == 2 and "by_tier.vip.influencer_min (90) is above influencer_min (70)" in err
    assert err.startswith("error: brands.yaml:") and err.count("\n") == 1, err


def test_app_store_and_feed_authors_are_never_looked_up() -> None:
    table = Table({("appstore", "kim"): "vip"})
    store, _ = collect("appstore", [post("appstore", "r1", "kim")], table)
    assert table.asked == [] and store.items[("acme", "appstore#r1")].mention.customer_tier == ""


def test_a_file_with_its_columns_swapped_is_refused_without_echoing_a_handle() -> None:
    # handle,platform,tier and platform,tier,handle: the cell read as platform or tier is a handle
    good, bad = parse_csv("kim_at_acme,x,vip\nx,vip,dana_flies\n")
    assert good == [] and [b.line for b in bad] == [1, 2]
    assert all("platform,handle,tier" in b.problem for b in bad)
    assert not [b for b in bad if "kim_at_acme" in b.problem or "dana_flies" in b.problem]


def test_reviewers_known_only_by_a_display_name_are_never_matched() -> None:
    # Google's and Google Play's reviewers are a display name many people share: a "vip" row for
    # "JohnS" would make every JohnS a VIP.
    good, bad = parse_csv("google,JohnS,vip\ngoogle_play,Ann,customer\n")
    assert good == [] and [b.line for b in bad] == [1, 2]
    assert all("display name" in b.problem and "JohnS" not in b.problem for b in bad)
    assert candidates(post("google", "g1", "JohnS")) == [] == candidates(post("google_play", "p1", "Ann"))
    assert candidates(post("trustpilot", "t1", "JohnS", "5f0c1d2e")) != []  # a consumer id: matched


def test_a_review_sites_reviewer_is_matched_by_id_never_by_display_name() -> None:
    reviewer = post("trustpilot", "t1", "JohnS", "5f0c1d2e")
    assert candidates(reviewer) == [("trustpilot", "5f0c1d2e")]
