"""owner_api: the bearer-token GET and the newest-first page loop App Store Connect and Google Play
share (the adapters' own tests run them against the fakes; these pin the loop's stops and the
token's one retry without a server)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import requests

from repmon.adapters.sources.owner_api import Endpoint, OwnerApi, read_newest_first
from repmon.domain.cursor import OLD_RUN
from repmon.domain.errors import InvalidConfig, SourceUnavailable
from repmon.domain.models import Mention

NOW = datetime(2026, 11, 1, 12, tzinfo=UTC)
FLOOR = (NOW - timedelta(hours=1)).timestamp()
ENDPOINT = Endpoint("google_play", "reviews.list", "the account may not read p's reviews", "grant it", "no p")


def _review(minutes_ago: int) -> Mention:
    return Mention("google_play", f"gp:{minutes_ago}", NOW - timedelta(minutes=minutes_ago), "slow")


class Pages:
    """A listing: each page's (mentions, skipped, next token); records the tokens asked for."""

    def __init__(self, *pages: tuple[list[Mention], int, str]) -> None:
        self.pages = {("" if i == 0 else f"t{i}"): page for i, page in enumerate(pages)}
        self.asked: list[str] = []

    def __call__(self, token: str) -> tuple[list[Mention], int, str]:
        self.asked.append(token)
        return self.pages[token]


def test_reads_page_after_page_until_the_listing_ends():
    pages = Pages(([_review(1)], 0, "t1"), ([_review(2)], 1, ""))
    scan = read_newest_first(pages, FLOOR, 5, NOW)
    assert (pages.asked, len(scan.found), scan.skipped, scan.complete) == (["", "t1"], 2, 1, True)


def test_stops_at_the_same_token_again_an_empty_page_or_the_page_bound():
    same = Pages(([_review(1)], 0, "t1"), ([_review(2)], 0, "t1"))
    assert read_newest_first(same, FLOOR, 5, NOW).complete and same.asked == ["", "t1"]
    empty = Pages(([_review(1)], 0, "t1"), ([], 0, "t2"))
    assert read_newest_first(empty, FLOOR, 5, NOW).complete and empty.asked == ["", "t1"]
    endless = Pages(*[([_review(i)], 0, f"t{i + 1}") for i in range(3)])
    scan = read_newest_first(endless, FLOOR, 3, NOW)
    assert (scan.complete, len(scan.found), endless.asked) == (False, 3, ["", "t1", "t2"])


def test_items_below_the_floor_are_served_not_found_and_a_run_of_them_ends_the_scan():
    old = [_review(90 + i) for i in range(OLD_RUN)]
    pages = Pages(([_review(5), *old], 0, "t1"), ([_review(200)], 0, ""))
    scan = read_newest_first(pages, FLOOR, 5, NOW)
    assert ([m.mention.native_id for m in scan.found], len(scan.read)) == (["gp:5"], 1 + OLD_RUN)
    assert pages.asked == [""]  # past the floor: the next page is not read


class Answers(requests.Session):
    """Canned answers, in order; records the Authorization header of each request."""

    def __init__(self, *answers: tuple[int, Any]) -> None:
        super().__init__()
        self.answers = list(answers)
        self.seen: list[str] = []

    def get(self, url: str | bytes, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        self.seen.append(kwargs["headers"]["Authorization"])
        status, body = self.answers.pop(0)
        response = requests.Response()
        response.status_code, response._content = status, json.dumps(body).encode()
        return response


class Token:
    def __init__(self) -> None:
        self.issued = 1

    def bearer(self) -> str:
        return f"token{self.issued}"

    def forget(self) -> None:
        self.issued += 1


def test_a_refused_token_is_made_again_once_then_a_refusal_names_the_fix():
    session, token = Answers((401, {}), (200, {"reviews": []})), Token()
    api = OwnerApi(session, token, ENDPOINT)
    assert api.get("https://api.example/r", None) == {"reviews": []}
    assert (session.seen, api.calls) == (["Bearer token1", "Bearer token2"], 2)
    refused = OwnerApi(Answers((401, {}), (403, {})), Token(), ENDPOINT)
    with pytest.raises(
        InvalidConfig, match=r"^google_play: the account may not read p's reviews \(403\); grant it$"
    ):
        refused.get("https://api.example/r", None)
    with pytest.raises(InvalidConfig, match=r"^google_play: no p; fix the watchlist$"):
        OwnerApi(Answers((404, {})), Token(), ENDPOINT).get("https://api.example/r", None)
    with pytest.raises(SourceUnavailable, match=r"HTTPError on reviews\.list"):
        OwnerApi(Answers((503, {})), Token(), ENDPOINT).get("https://api.example/r", None)
