"""App reviews keep the app version and the device they were written on (issue 15): Google Play's
`appVersionName` and device, the App Store feed's `im:version`, in one `app_version` column for
every app store and a `device` column, stored and exported."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from repmon.adapters.dynamo_items import item_to_mention, mention_to_item
from repmon.adapters.sources import google_play_parse as play
from repmon.adapters.sources.appstore import entry_to_review
from repmon.domain.flat import COLUMNS, mention_row
from repmon.domain.models import Mention, ScoredMention, Sentiment

NOW = datetime(2026, 11, 1, tzinfo=UTC)
FEED = Path(__file__).resolve().parents[3] / "shared" / "fixtures" / "appstore"
USER = {
    "text": "Crashes\tevery time I open it",
    "lastModified": {"seconds": "1793534340"},
    "starRating": 1,
    "reviewerLanguage": "de",
    "device": "a52q",
    "appVersionName": "5.1.0",
    "deviceMetadata": {"productName": "Galaxy A52 (a52q)", "manufacturer": "Samsung"},
}


def _play(**user: object) -> Mention:
    review = {"reviewId": "gp:a", "authorName": "Kim", "comments": [{"userComment": USER | user}]}
    return play.review_to_mention(review, "com.acmeair.app", "Acme Air", NOW)


def test_a_play_review_keeps_its_app_version_and_the_devices_product_name():
    m = _play()
    assert (m.app_version, m.device, m.community) == ("5.1.0", "Galaxy A52 (a52q)", "de")


def test_a_play_review_without_device_metadata_keeps_the_device_code_and_odd_values_are_dropped():
    assert _play(deviceMetadata=None).device == "a52q"
    bare = _play(device=7, appVersionName=None, deviceMetadata={"productName": ["x"]})
    assert (bare.app_version, bare.device) == ("", "")


def test_an_app_store_feed_review_keeps_its_app_version_in_the_same_column():
    feed = json.loads(next(FEED.glob("customerreviews_*.json")).read_text())
    _, m = entry_to_review(feed["feed"]["entry"][0], "us", "1321994487", NOW)
    assert (m.app_version, m.device) == ("8.0.9", "")


def test_app_version_and_device_are_stored_read_back_and_exported():
    sm = ScoredMention("acme", _play(), Sentiment(label="negative", score=-0.6), 10.0)
    item = mention_to_item(sm, NOW)
    back = item_to_mention(item).mention
    assert (back.app_version, back.device) == ("5.1.0", "Galaxy A52 (a52q)")
    row = mention_row(item)
    assert (row["app_version"], row["device"]) == ("5.1.0", "Galaxy A52 (a52q)")
    assert COLUMNS["mentions"]["app_version"] == COLUMNS["mentions"]["device"] == "string"
    other = mention_row(
        mention_to_item(ScoredMention("acme", Mention("reddit", "t3_1", NOW, "hi"), sm.sentiment, 0), NOW)
    )
    assert (other["app_version"], other["device"]) == (None, None)
