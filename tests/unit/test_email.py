"""Rendering alerts: a subject SNS accepts, a body readable at a glance, a stable JSON form."""

from __future__ import annotations

import json
import unicodedata
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from repmon.domain.brand import Brand, Thresholds
from repmon.domain.email import (
    MAX_EXCERPT,
    render_document,
    render_json,
    render_subject,
    render_text,
    shorten,
    to_ascii,
)
from repmon.domain.email_mentions import author
from repmon.domain.models import (
    Alert,
    Author,
    Engagement,
    Mention,
    ScoredMention,
    Sentiment,
    Severity,
    Source,
)
from repmon.domain.reputation import Snapshot
from repmon.domain.rules import (
    INFLUENCER_NEGATIVE,
    NEGATIVE_SHARE,
    REPUTATION_DROP,
    REPUTATION_LOW,
    RULES,
    VOLUME_SPIKE,
    Decision,
    reputation_drop,
    reputation_low,
    volume_spike,
)
from repmon.domain.safe_text import safe_field
from tests.fakes import scored_mention

AT = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
BRAND = Brand(id="acme", name="Acme Air", query='"acme air"')
SNAP = Snapshot(AT, 55.0, 55.0, 40, 30, 300, 2.0, 2.0, 1, 1)


def _alert(rule: str = REPUTATION_DROP, name: str = "Acme Air", text: str = "", **details: object) -> Alert:
    mentions = (
        scored_mention(
            "acme", AT, -0.82, 91, native_id="t3_a", text=text or "Worst airline ever, lost my bag"
        ),
        scored_mention(
            "acme", AT, -0.4, 12, native_id="42", source="hackernews", text="Acme Air outage again"
        ),
    )
    base: dict[str, object] = {"window_hours": 24, "baseline_hours": 168, "window_mentions": 40}
    base |= {"window_negative": 5, "baseline_index": 53.0, "value": 240.0, "ratio": 8.0, "mentions": 2}
    return Alert(
        alert_id="0123456789abcdef",
        brand_id="acme",
        brand_name=name,
        rule=rule,
        severity=Severity.CRITICAL,
        fired_at=AT,
        summary="The reputation index of Acme Air is 31, 22 points under its 7-day baseline of 53.",
        index=31.2,
        change=-21.8,
        top_mentions=mentions,
        details=base | details,  # type: ignore[arg-type]
    )


def test_subject_reads_at_a_glance_for_each_rule():
    low, drop = render_subject(_alert(REPUTATION_LOW)), render_subject(_alert(REPUTATION_DROP))
    assert low == "[CRITICAL] Acme Air: reputation 31, under 35 - 5 of 40 mentions negative"
    assert drop == "[CRITICAL] Acme Air: reputation down 22 to 31 (was 53) - 5 of 40 mentions negative"
    assert (
        render_subject(_alert(VOLUME_SPIKE, threshold=20.0))
        == "[CRITICAL] Acme Air: about 240 mentions in the last hour (8.0x normal)"
    )
    assert render_subject(_alert(INFLUENCER_NEGATIVE)) == (
        "[CRITICAL] Acme Air: 2 negative mentions by influential authors"
    )
    single = _alert(INFLUENCER_NEGATIVE, mentions=1)
    assert (
        render_subject(single)
        == "[CRITICAL] Acme Air: negative mention by u/someone on Reddit (influence 91)"
    )


def test_subject_transliterates_and_truncates_long_names():
    subject = render_subject(_alert(REPUTATION_LOW, name="Café Ünïcode — “Société Générale” " * 5))
    assert subject.startswith('[CRITICAL] Cafe Unicode - "Societe Generale"')
    assert subject.isascii() and len(subject) <= 100 and "..." in subject


@given(name=st.text(min_size=1, max_size=120), rule=st.sampled_from([*RULES, "some_new_rule"]))
def test_subject_is_always_short_printable_ascii(name, rule):
    subject = render_subject(_alert(rule, name=name))
    assert len(subject) <= 100 and subject.isascii() and subject.isprintable() and subject.startswith("[")


@given(text=st.text(max_size=2000))
def test_any_mention_text_renders_and_excerpts_stay_short(text):
    body = render_text(_alert(text=text))
    document = render_document(_alert(text=text))
    assert all(len(m["excerpt"]) <= MAX_EXCERPT for m in document["top_mentions"])
    assert body.startswith("The reputation index")


def test_body_lists_what_happened_how_bad_and_the_mentions_with_links():
    body = render_text(_alert())
    lines = body.splitlines()
    assert lines[0].startswith("The reputation index of Acme Air is 31")
    assert "Severity: CRITICAL" in body and "Reputation index: 31/100 (-22 vs the usual week, 53)" in body
    assert "1. Reddit by u/someone | sentiment -0.82 | influence 91" in body
    assert "2. Hacker News by someone | sentiment -0.40 | influence 12" in body
    assert "https://example.test/reddit/t3_a" in body and '"Worst airline ever, lost my bag"' in body
    assert "brand: acme | rule: reputation_drop | alert: 0123456789abcdef" in body
    assert lines[-1] == "evaluated at 2026-11-01T12:00:00Z"


def test_long_texts_are_excerpted():
    assert shorten("word " * 100, 160).endswith("...") and len(shorten("word " * 100, 160)) <= 160
    assert to_ascii("line\nbreak\tand\x00control") == "line break and control"


def test_json_form_has_stable_keys():
    document = json.loads(render_json(_alert()))
    assert set(document) >= {
        "alert_id",
        "brand",
        "brand_name",
        "rule",
        "severity",
        "fired_at",
        "index",
        "change",
        "summary",
        "top_mentions",
    }
    assert (document["brand"], document["severity"], document["fired_at"]) == (
        "acme",
        "critical",
        "2026-11-01T12:00:00Z",
    )
    assert (document["index"], document["change"]) == (31.2, -21.8)
    assert document["top_mentions"][0] == {
        "source": "reddit",
        "id": "t3_a",
        "url": "https://example.test/reddit/t3_a",
        "created_at": "2026-11-01T12:00:00Z",
        "sentiment": -0.82,
        "label": "negative",
        "influence": 91,
        "excerpt": "Worst airline ever, lost my bag",
        "author": "u/someone",
        "reach": [],
        "posted": "0 min ago, Sun 1 Nov 12:00 UTC",
        "similar": 1,
    }


def _from_rule(decision: Decision, snap: Snapshot) -> Alert:
    """The alert the evaluator would build from a rule's decision (same summary, index, change)."""
    details = dict(decision.details) | {"window_hours": 24, "baseline_hours": 168, "window_mentions": 40}
    details |= {"reputation_low": 35.0, "reputation_drop": 15.0, "window_negative": 30}
    return Alert(
        "id",
        "acme",
        "Acme Air",
        decision.rule,
        decision.severity,
        AT,
        decision.summary,
        snap.window_index,
        snap.change,
        (),
        details,
    )


def test_subject_body_and_summary_show_the_same_numbers_never_across_the_threshold():
    # Given an index 34.69 (under the floor of 35), 15.46 under its baseline (over the drop of 15)
    snap = replace(SNAP, window_index=34.69, baseline_index=50.17)
    drop = _from_rule(reputation_drop(BRAND, snap), snap)
    low = _from_rule(reputation_low(BRAND, snap), snap)
    # Then every part of each message shows 34.7 and 15.5, never "35" next to "below 35"
    assert render_subject(low) == "[WARNING] Acme Air: reputation 34.7, under 35 - 30 of 40 mentions negative"
    assert low.summary.startswith(
        "The reputation index of Acme Air is 34.7 over the last 24 h (alert below 35)"
    )
    assert render_subject(drop) == (
        "[WARNING] Acme Air: reputation down 15.5 to 34.7 (was 50.2) - 30 of 40 mentions negative"
    )
    assert "is 34.7, 15.5 points under a usual week's 50.2 (alert at a drop of 15)" in drop.summary
    for alert in (low, drop):
        document = render_document(alert)
        assert "Reputation index: 34.7/100 (-15.5 vs the usual week, 50.2)" in document["text"]
        assert document["summary"] == alert.summary and alert.summary in document["text"]


def test_volume_figures_match_between_subject_body_and_summary():
    snap = replace(SNAP, last_hour=20.4, baseline_hourly=2.9166)
    decision = volume_spike(BRAND, snap)
    alert = _from_rule(decision, snap)
    assert "about 20.4 mentions in the last hour, 7.0x the usual 2.9 per hour (alert at 20)" in alert.summary
    assert render_subject(alert) == "[WARNING] Acme Air: about 20.4 mentions in the last hour (7.0x normal)"
    assert "Last hour: about 20.4 mentions, usually 2.9 per hour (alert at 20)" in render_text(alert)


def test_a_usual_volume_under_one_reads_so_that_the_figures_multiply():
    # Given 23 mentions in the last hour against a usual 0.4466 an hour: 51.5x, not 23 / 0.5 = 46x
    snap = replace(SNAP, last_hour=23.0, baseline_hourly=23 / 51.5)
    alert = _from_rule(volume_spike(BRAND, snap), snap)
    assert "about 23 mentions in the last hour, 51.5x the usual 0.45 per hour" in alert.summary
    assert render_subject(alert).endswith("about 23 mentions in the last hour (51.5x normal)")
    assert "Last hour: about 23 mentions, usually 0.45 per hour (alert at 20)" in render_text(alert)


def test_mention_lines_show_the_platform_numbers_behind_the_influence_score():
    post = Mention(
        source="reddit",
        native_id="t3_b",
        created_at=AT,
        title="Acme Air stranded 300 of us in Denver",
        text="Cancelled at midnight, no staff.",
        url="https://example.test/t3_b",
        author=Author(id="fran", handle="fran", karma=508_000),
        engagement=Engagement(score=5400, comments=860),
        community="travel",
        community_size=2_400_000,
    )
    review = Mention(
        source="appstore",
        native_id="9",
        created_at=AT,
        title="Useless today",
        text="Cannot rebook.",
        rating=1,
        author=Author(id="r", handle="reviewer7"),
        engagement=Engagement(score=3, votes=12),
        community="us",
    )
    story = Mention(
        source="hackernews",
        native_id="7",
        created_at=AT,
        text="Acme Air is down again",
        engagement=Engagement(score=1234, comments=56),
        community="Airline IT outages",
    )
    sentiment = Sentiment("negative", -0.96)
    mentions = tuple(ScoredMention("acme", m, sentiment, 87.2) for m in (post, review, story))
    body = render_text(replace(_alert(INFLUENCER_NEGATIVE), top_mentions=mentions))
    assert (
        "1. Reddit r/travel by u/fran | sentiment -0.96 | influence 87 "
        "(karma 508k, 5.4k upvotes, 860 comments)" in body
    )
    # Title and body never run together
    assert '   "Acme Air stranded 300 of us in Denver - Cancelled at midnight, no staff."' in body
    assert "2. App Store US by reviewer7 | sentiment -0.96 | influence 87 (rated 1/5, 12 votes)" in body
    assert (
        '3. Hacker News on "Airline IT outages" | sentiment -0.96 | influence 87 (1.2k points, 56 comments)'
        in body
    )
    assert render_document(replace(_alert(), top_mentions=mentions))["top_mentions"][0]["excerpt"] == (
        "Acme Air stranded 300 of us in Denver - Cancelled at midnight, no staff."
    )


# Third-party strings (handles, communities, titles, texts, links) reach people's inboxes.
_HOSTILE = (
    "\n\r\t\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029\u202e\u202a\u2066\u2067\u2069\u200e\u200f\u061c\x00\x1b"
)
_BIDI = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")


def _hostile_mention(handle: str, community: str, title: str, text: str, url: str) -> ScoredMention:
    mention = Mention(
        source="reddit",
        native_id="t3_x",
        created_at=AT,
        title=title,
        text=text,
        url=url,
        author=Author(id="x", handle=handle, karma=90_000),
        community=community,
    )
    return ScoredMention("acme", mention, Sentiment("negative", -0.9), 88.0)


def test_a_forged_line_in_a_handle_or_text_stays_inside_its_field():
    # Given a handle and a text that try to add lines of their own to the email
    forged = "bob\n\nURGENT: reset your password at https://evil.test\n--"
    sm = _hostile_mention(
        forged, "travel\r\nSeverity: INFO", "\u202etxt.exe", forged, "https://x.test/\nCall us"
    )
    alert = replace(_alert(INFLUENCER_NEGATIVE, mentions=1), top_mentions=(sm,))
    body, plain = (
        render_text(alert),
        render_text(replace(alert, top_mentions=(_hostile_mention("b", "t", "", "x", "u"),))),
    )
    # Then the body has exactly the lines of a harmless one, and no line starts with the forgery
    assert len(body.splitlines()) == len(plain.splitlines())
    assert not any(line.startswith(("URGENT", "Severity: INFO", "Call us")) for line in body.splitlines())
    assert "\u202e" not in body and "\u202e" not in render_json(alert)


_fields = st.text(alphabet=st.characters(codec="utf-8") | st.sampled_from(_HOSTILE), max_size=400)
#: Kept although `isprintable()` says no: joiners (emoji sequences, Persian and Indic scripts) and code
#: points unassigned in Python's tables (emoji newer than them); none can forge a line or turn text.
_KEPT_INVISIBLE = frozenset("\u200d\u200c")


def _shown(ch: str) -> bool:
    return ch.isprintable() or ch in _KEPT_INVISIBLE or unicodedata.category(ch) == "Cn"


def test_emoji_sequences_and_emoji_newer_than_pythons_tables_are_kept_whole():
    # Given a woman technologist (woman + ZWJ + laptop), a red heart with its emoji selector, and a
    # shaking face (Unicode 15: unassigned in Python's tables here, or assigned in newer ones)
    text = "crew \U0001f469\u200d\U0001f4bb was kind \u2764\ufe0f then \U0001fae8 \u202egnorw"
    # Then they pass as they are, and only the bidi override goes
    assert safe_field(text, 200) == text.replace("\u202e", "")
    assert safe_field("a\u2066b\u200bc\ufeffd\U000e0041e\ufdd0f", 200) == "abcdef"


@given(handle=_fields, community=_fields, title=_fields, text=_fields, url=_fields)
def test_no_third_party_string_adds_lines_or_controls_to_an_email(handle, community, title, text, url):
    sm = _hostile_mention(handle, community, title, text, "https://x.test/" + url)
    alert = replace(_alert(INFLUENCER_NEGATIVE, mentions=1), top_mentions=(sm,))
    plain = replace(alert, top_mentions=(_hostile_mention("b", "t", "", "x", "u"),))
    body, document = render_text(alert), render_document(alert)
    assert len(body.splitlines()) == len(render_text(plain).splitlines())
    assert not any(ch in _BIDI for ch in body)
    assert all(_shown(ch) for line in body.splitlines() for ch in line if ch != " ")
    for value in document["top_mentions"][0].values():
        if isinstance(value, str):
            assert all(map(_shown, value)) and not any(ch in _BIDI for ch in value) and len(value) <= 500
    subject = render_subject(alert)
    assert subject.isascii() and subject.isprintable() and len(subject) <= 99


def test_a_fired_and_recovered_notice_says_so_instead_of_showing_todays_figures_as_an_alarm():
    notice = _alert(REPUTATION_LOW, status="recovered", crossed_at="2026-11-01T12:00:00Z")
    subject = render_subject(replace(notice, index=59.0, change=None))
    assert (
        subject
        == "[CRITICAL] Acme Air: recovered: reputation under its floor at 12:00 UTC (not sent in time)"
    )
    assert (
        render_document(notice)["status"] == "recovered" and render_document(_alert())["status"] == "firing"
    )


# Issue 8, item 2: an email a manager reads in ten seconds.
THEMES = "flight cancelled (9 mentions), app down (5), refund (4)"


def test_the_headline_says_how_bad_and_why_in_the_complaints_words():
    drop = _alert(REPUTATION_DROP, themes=THEMES)
    assert render_subject(drop) == (
        "[CRITICAL] Acme Air: reputation down 22 to 31 (was 53): flight cancelled, app down, refund"
    )
    share = _alert(NEGATIVE_SHARE, themes=THEMES, value=12, scored=16, share=75.0, usual_share=0.0)
    assert render_subject(share) == (
        "[CRITICAL] Acme Air: 12 of 16 mentions negative (75%, usually 0%): flight cancelled, app down"
    )
    # Without themes, as before
    assert render_subject(_alert(REPUTATION_LOW)).endswith(
        "reputation 31, under 35 - 5 of 40 mentions negative"
    )


def test_the_index_reads_against_the_usual_day_and_the_time_is_the_brands_with_utc_beside():
    body = render_text(_alert(baseline_hours=24, timezone="America/Denver"))
    assert "Reputation index: 31/100 (-22 vs the usual day, 53)" in body
    assert "When: Sun 1 Nov 05:00 MST (12:00 UTC)" in body
    assert "(-22 vs the usual week, 53)" in render_text(_alert())


def test_each_mention_says_when_it_was_posted_and_how_many_said_the_same():
    alert = _alert(timezone="Europe/Paris", similar='{"reddit#t3_a": 3}')
    body = render_text(replace(alert, fired_at=AT + timedelta(hours=2)))
    assert "   posted 2 h ago, Sun 1 Nov 13:00 CET (12:00 UTC) | x3 similar" in body
    document = render_document(alert)
    assert document["top_mentions"][0]["similar"] == 3 and document["top_mentions"][1]["similar"] == 1
    assert document["top_mentions"][0]["author"] == "u/someone"


def test_an_index_a_hair_under_its_floor_never_reads_as_the_floor():
    # Given an index of 34.96 against a floor of 35 (and 34.996: "35.00" would be as wrong)
    for index, shown in ((34.96, "34.96"), (34.996, "34.99")):
        alert = replace(_alert(REPUTATION_LOW), index=index, change=None)
        assert f"reputation {shown}, under 35" in render_subject(alert)
        assert f"Reputation index: {shown}/100" in render_text(alert)


def test_a_drop_reads_against_a_usual_day_or_week_in_words():
    snap = replace(SNAP, window_index=30.0, baseline_index=60.0)
    day = Brand(id="acme", name="Acme Air", query='"acme air"', thresholds=Thresholds(baseline_hours=24))
    odd = Brand(id="acme", name="Acme Air", query='"acme air"', thresholds=Thresholds(baseline_hours=36))
    assert "30, 30 points under a usual day's 60 (alert" in reputation_drop(day, snap).summary
    assert (
        "30, 30 points under its usual 60 of the last 36 hours (alert" in reputation_drop(odd, snap).summary
    )


@given(themes=st.text(max_size=300), rule=st.sampled_from([*RULES, "some_new_rule"]))
def test_any_themes_keep_the_subject_short_printable_ascii(themes, rule):
    subject = render_subject(_alert(rule, themes=themes, value=3, scored=4))
    assert len(subject) <= 99 and subject.isascii() and subject.isprintable()


def test_the_usual_hour_reads_on_the_brands_clock_too():
    alert = _alert(
        VOLUME_SPIKE, threshold=20.0, usual_for="for a weekday at 3 a.m. UTC", usual_local="8 p.m. MST"
    )
    assert "usually 0.0 for a weekday at 3 a.m. UTC (8 p.m. MST) (alert at 20)" in render_text(alert)


@pytest.mark.parametrize("source", [s.value for s in Source])
def test_each_platform_names_its_people_as_it_does_itself(source: str) -> None:
    # An "@" only where people are @handles; a display name, a byline or a username stays as shown
    mention = Mention(source, "1", AT, "text", author=Author(id="a", handle="Flyer 69"))
    expected = {"reddit": "u/Flyer 69", "x": "@Flyer 69", "bluesky": "@Flyer 69", "mastodon": "@Flyer 69"}
    assert author(mention) == expected.get(source, "Flyer 69")
