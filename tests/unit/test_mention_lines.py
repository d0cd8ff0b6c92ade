"""The public mention schema of backtest input: every line gives a record or a numbered error."""

from __future__ import annotations

import json

from repmon.runtime.mention_lines import LineError, MentionRecord, read_mention_lines

VALID = {
    "source": "reddit",
    "id": "t3_a",
    "brand": "acme",
    "created_at": "2026-11-01T12:00:00Z",
    "text": "hi",
}


def test_only_source_id_brand_created_at_and_text_are_required():
    [record] = read_mention_lines([json.dumps(VALID)])
    assert isinstance(record, MentionRecord) and record.line == 1 and record.mention.key == "reddit#t3_a"


def test_each_problem_names_its_line_and_field():
    lines = [
        "",
        json.dumps({**VALID, "created_at": "2026-11-01T12:00:00"}),
        json.dumps({**VALID, "rating": 9}),
    ]
    errors = list(read_mention_lines(lines))
    assert [(e.line, e.message.split(":")[0]) for e in errors if isinstance(e, LineError)] == [
        (2, "created_at"),
        (3, "rating"),
    ]


def test_bad_bytes_and_deep_nesting_are_line_errors_not_crashes():
    results = list(read_mention_lines(["[" * 100_000, '{"source": "reddit", "id": "\ufffd"}']))
    assert all(isinstance(r, LineError) for r in results)
    assert next(r.message for r in results if isinstance(r, LineError)) == "not JSON: nested too deeply"


def test_an_unknown_source_or_an_empty_text_is_a_numbered_error_naming_the_field():
    lines = [
        json.dumps({**VALID, "source": "twitter"}),
        json.dumps({**VALID, "text": "  \n"}),
        json.dumps({**VALID, "text": "", "title": "Crashes on launch"}),  # a review with only a title
        json.dumps({**VALID, "source": "appstore"}),
    ]
    results = list(read_mention_lines(lines))
    errors = [(r.line, r.message) for r in results if isinstance(r, LineError)]
    assert [line for line, _ in errors] == [1, 2]
    assert errors[0][1].startswith("source: ")
    assert all(name in errors[0][1] for name in ("'reddit'", "'hackernews'", "'appstore'"))
    assert errors[1][1].startswith("text: ")
    assert [r.line for r in results if isinstance(r, MentionRecord)] == [3, 4]


def test_implausible_dates_and_numbers_are_line_errors_and_the_rest_is_read():
    # Before: year 9999 and 40-digit counts were accepted, and aborted the backtest later on
    # (a date past what the replay clock and DynamoDB keys handle; a number DynamoDB cannot store).
    forty_digits = 10**39
    lines = [
        json.dumps({**VALID, "created_at": "9999-12-31T23:59:59Z"}),
        json.dumps({**VALID, "created_at": "1969-12-31T23:59:59Z"}),
        json.dumps({**VALID, "engagement": {"score": forty_digits}}),
        json.dumps({**VALID, "author": {"karma": -forty_digits}}),
        json.dumps({**VALID, "author": {"followers": forty_digits}}),
        json.dumps({**VALID, "author": {"account_created_at": "9999-01-01T00:00:00Z"}}),
        json.dumps({**VALID, "text": "hi"}).replace('"hi"', '"\\ud83d"'),  # a lone surrogate escape
        json.dumps({**VALID, "engagement": {"score": 2**63 - 1, "comments": 5}}),
    ]
    results = list(read_mention_lines(lines))
    errors = {r.line: r.message for r in results if isinstance(r, LineError)}
    assert sorted(errors) == [1, 2, 3, 4, 5, 6, 7]
    assert errors[1].startswith("created_at: ") and "2100" in errors[1]
    assert errors[2].startswith("created_at: ")
    assert errors[3].startswith("engagement.score: ")
    assert errors[4].startswith("author.karma: ")
    assert errors[5].startswith("author.followers: ")
    assert errors[6].startswith("author.account_created_at: ")
    assert errors[7].startswith("text: ")
    assert [r.line for r in results if isinstance(r, MentionRecord)] == [8]
