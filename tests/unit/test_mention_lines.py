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
