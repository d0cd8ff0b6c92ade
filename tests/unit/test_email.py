"""Rendering alerts: a subject SNS accepts, a body readable at a glance, a stable JSON form."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from repmon.domain.email import (
    MAX_EXCERPT,
    render_document,
    render_json,
    render_subject,
    render_text,
    shorten,
    to_ascii,
)
from repmon.domain.models import Alert, Severity
from repmon.domain.rules import INFLUENCER_NEGATIVE, REPUTATION_DROP, REPUTATION_LOW, RULES, VOLUME_SPIKE
from tests.fakes import scored_mention

AT = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


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
    assert low == "[CRITICAL] Acme Air: reputation 31 (-22 vs 7-day) - 5 negative mentions"
    assert drop == "[CRITICAL] Acme Air: reputation down 22 to 31 vs 7-day - 5 negative mentions"
    assert (
        render_subject(_alert(VOLUME_SPIKE))
        == "[CRITICAL] Acme Air: 240 mentions in the last hour (8.0x normal)"
    )
    assert render_subject(_alert(INFLUENCER_NEGATIVE)) == (
        "[CRITICAL] Acme Air: 2 negative mentions by influential authors"
    )
    single = _alert(INFLUENCER_NEGATIVE, mentions=1)
    assert render_subject(single) == "[CRITICAL] Acme Air: negative mention by @someone (influence 91)"


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
    assert "Severity: CRITICAL" in body and "Reputation index: 31/100 (-21.8 vs 7-day baseline 53)" in body
    assert "1. reddit by @someone | sentiment -0.82 | influence 91" in body
    assert "2. hackernews by @someone | sentiment -0.40 | influence 12" in body
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
    }
