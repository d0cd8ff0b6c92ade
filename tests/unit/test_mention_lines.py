"""The public mention schema of backtest input: every line gives a record or a numbered error."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from repmon.cli.main import main
from repmon.domain.source_registry import SOURCES
from repmon.runtime.mention_lines import LineError, MentionRecord, read_mention_lines

REPO = Path(__file__).resolve().parents[2]

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


# Issue 13: line errors in the user's words, every problem of the line (was the first, pydantic's
# and json's words, and "(+N more)").
JARGON = ("Input should", "Field required", "Expecting", "timezone info", "valid dictionary", "(+")


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("foo bar", "not a JSON object (line starts with 'foo bar')"),
        ("[1, 2]", "not a JSON object (line starts with '[1, 2]')"),
        (
            '{"source": "reddit" "id": "x"}',
            "not JSON at column 21: a ',' is missing, or a bracket is not closed",
        ),
        ('{"source": "reddit", ', "not JSON: the line ends before the object does (cut off?)"),
        ('{"a": 1} {"b": 2}', "not JSON at column 10: more after the object ends (one object per line)"),
        (
            json.dumps({**VALID, "created_at": "2026-11"}),
            "created_at: not a date and time like 2026-11-01T12:00:00Z (got '2026-11')",
        ),
        (
            json.dumps({**VALID, "created_at": "2026-11-01T12:00:00"}),
            "created_at: needs a time zone (Z or +01:00) (got '2026-11-01T12:00:00')",
        ),
        (json.dumps({k: v for k, v in VALID.items() if k != "id"}), "id: missing"),
        (json.dumps({**VALID, "created_at": None}), "created_at: has no value"),
        (
            json.dumps({**VALID, "created_at": "9999-12-31T23:59:59Z"}),
            "created_at: must be before 2100-01-01 (got '9999-12-31T23:59:59Z')",
        ),
        (json.dumps({**VALID, "author": "bob"}), "author: should be a JSON object ({...})"),
        (json.dumps({**VALID, "rating": 2.5}), "rating: should be a whole number (got 2.5)"),
    ],
)
def test_each_problem_is_said_in_the_users_words(line: str, message: str) -> None:
    [error] = read_mention_lines([line])
    assert isinstance(error, LineError)
    assert error.message == message


def _registry_sources() -> str:
    """The registry's sources as the message lists them: every source added shows up there."""
    names = [f"'{name}'" for name in SOURCES]
    return f"{', '.join(names[:-1])} or {names[-1]}"


def test_every_problem_of_a_line_is_listed_in_field_order() -> None:
    line = {**VALID, "source": "twitter", "id": "", "rating": 9, "author": {"followers": -1}}
    del line["created_at"]
    [error] = read_mention_lines([json.dumps(line)])
    assert isinstance(error, LineError)
    assert error.message == (
        f"source: must be {_registry_sources()} (got 'twitter'); "
        "id: must not be empty; "
        "created_at: missing; author.followers: must be at least 0 (got -1); "
        "rating: must be at most 5 (got 9)"
    )


def test_backtest_reports_each_bad_line_in_plain_words_and_replays_the_rest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given a file with two broken lines and a good one
    mentions = tmp_path / "mentions.jsonl"
    broken = {k: v for k, v in VALID.items() if k != "id"} | {"created_at": "2026-11-01T12:00:00"}
    good = {**VALID, "brand": "acme-air"}
    mentions.write_text("foo\n" + json.dumps(broken) + "\n" + json.dumps(good) + "\n", encoding="utf-8")
    # When replayed through the command
    code = main(
        [
            "backtest",
            "--brands",
            str(REPO / "brands.example.yaml"),
            "--mentions",
            str(mentions),
            "--workers",
            "1",
        ]
    )
    err = capsys.readouterr().err.splitlines()
    # Then each bad line is one line naming file, line and every problem, and the good one is replayed
    assert code == 0
    assert f"{mentions}:1: skipped: not a JSON object (line starts with 'foo')" in err
    assert (
        f"{mentions}:2: skipped: id: missing; "
        "created_at: needs a time zone (Z or +01:00) (got '2026-11-01T12:00:00')"
    ) in err
    assert not [line for line in err if any(word in line for word in JARGON)], err
    assert any("3 lines, 1 valid, 2 skipped" in line for line in err), err


def test_an_owner_exported_tripadvisor_review_is_read_with_its_hotel_votes_and_reply():
    line = {
        **VALID,
        "source": "tripadvisor",
        "id": "ta-918273645",
        "rating": 1,
        "location_id": "d1234567",
        "location_name": "Acme Air Lounge, JFK T4",
        "replied_at": "2026-11-02T09:00:00+01:00",
        "author": {"handle": "roamer", "karma": 212},
        "engagement": {"votes": 14},
    }
    [record] = read_mention_lines([json.dumps(line)])
    assert isinstance(record, MentionRecord)
    m = record.mention
    assert (m.source, m.rating, m.location_id, m.location_name) == (
        "tripadvisor",
        1,
        "d1234567",
        "Acme Air Lounge, JFK T4",
    )
    assert m.reply is not None and m.reply.at.isoformat() == "2026-11-02T08:00:00+00:00"
    assert (m.author.karma, m.engagement.votes) == (212, 14)
