"""Fuzz of the parsers that read what users hand us: the watchlist YAML, the brand query, backtest
mention lines and `repmon sentiment` lines. 10,000 inputs each (derandomized, so CI is stable);
every input gives a value or a per-line/per-file error, never an exception, and what a parser
accepts can be written back (UTF-8) and stored (numbers within 64 bits, dates 1970-2099).

Before issue 11: `!!int word` and deep nesting crashed the watchlist loader, year 9999 / 40-digit
counts / lone surrogates were accepted into a backtest (and aborted it), a lone surrogate crashed
`repmon sentiment`, and `X OR NOT Y` matched texts none of its search terms fetch. After: 0 crashes.
"""

from __future__ import annotations

import io
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from repmon.adapters.watchlist_yaml import YamlProblem, parse
from repmon.cli.sentiment import score_stream
from repmon.domain.models import Sentiment
from repmon.domain.query import QuerySyntaxError, parse_query
from repmon.runtime.mention_lines import LineError, MentionRecord, read_mention_lines
from tests.fuzz_budget import FUZZ

pytestmark = pytest.mark.slow

_YAML_BITS = ["brands:", "\n", "  ", "- ", "id: ", "name: ", "query: ", "[", "]", "{", "}", ",", ": ",
              "!!int ", "!!float ", "!!timestamp ", "!!bool ", "!!binary ", "!x ", "&a ", "*a ", "'", '"',
              "word", "1", "2026-13-45", "#", "\t", "---", "? ", "<<: "]  # fmt: skip
_JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**45), max_value=10**45)
    | st.floats(allow_nan=False)
    | st.text(max_size=20)
    | st.sampled_from(["9999-12-31T23:59:59Z", "1969-01-01T00:00:00Z", "2026-11-01T12:00:00Z", "\ud83d"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)
_MENTION_KEYS = [
    "source",
    "id",
    "brand",
    "created_at",
    "text",
    "title",
    "url",
    "author",
    "engagement",
    "rating",
]


@FUZZ
@given(st.lists(st.sampled_from(_YAML_BITS), max_size=40), st.integers(0, 120))
def test_watchlist_yaml_gives_a_document_or_a_yaml_problem(bits: list[str], depth: int) -> None:
    for text in ("".join(bits), "brands: " + "[" * depth + "]" * depth):
        try:
            parse(text)
        except YamlProblem as problem:
            assert problem.message


@FUZZ
@given(
    st.lists(
        st.sampled_from(["acme", "globex", '"a b"', "(", ")", "OR", "AND", "NOT", "-", "@h"]), max_size=12
    ),
    st.lists(st.sampled_from(["acme", "globex", "a b", "@h", "other"]), max_size=5),
)
def test_queries_parse_or_say_why_and_every_match_holds_a_search_term(
    tokens: list[str], words: list[str]
) -> None:
    try:
        query = parse_query(" ".join(tokens))
    except QuerySyntaxError:
        return
    text = " ".join(words)
    if query.matches(text):
        assert any(parse_query(term).matches(text) for term in query.search_terms())


@FUZZ
@given(st.dictionaries(st.sampled_from(_MENTION_KEYS), _JSON_VALUES, max_size=8))
def test_mention_lines_accept_only_storable_mentions(item: dict[str, object]) -> None:
    line = json.dumps(
        {"source": "reddit", "id": "x", "brand": "b", "created_at": "2026-11-01T12:00:00Z"} | item
    )
    [result] = list(read_mention_lines([line]))
    if isinstance(result, LineError):
        return
    assert isinstance(result, MentionRecord)
    m = result.mention
    assert 1970 <= m.created_at.year < 2100
    assert all(abs(n) < 2**63 for n in (m.engagement.score, m.engagement.comments, m.author.karma or 0))
    (m.text + m.title + m.native_id + m.url).encode("utf-8")  # writable anywhere


@FUZZ
@given(_JSON_VALUES)
def test_sentiment_answers_every_line_on_a_utf8_stdout(value: object) -> None:
    raw = io.BytesIO()
    out = io.TextIOWrapper(raw, encoding="utf-8", errors="strict")
    line = json.dumps({"id": value, "text": value} if not isinstance(value, dict) else value)
    score_stream([line + "\n", '{"id": "next", "text": "ok"}\n'], _SCORER, out)
    out.flush()
    answers = raw.getvalue().decode("utf-8").split("\n")[:-1]  # JSON lines end at \\n only
    assert len(answers) == 2 and json.loads(answers[1])["id"] == "next"


class _Scorer:
    """Scores nothing: the fuzz is of the line handling, not of VADER (which has its own tests)."""

    def score(self, text: str, rating: int | None = None) -> Sentiment:
        return Sentiment(label="neutral", score=0.0)


_SCORER = _Scorer()
