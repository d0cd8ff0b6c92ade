"""The brand query in GDELT's syntax (`domain.sources.gdelt.gdelt_query`) and `sources.gdelt` settings."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from repmon.domain.query import QuerySyntaxError, parse_query
from repmon.domain.sources.gdelt import MIN_TERM, GdeltQueryError, GdeltSettings, gdelt_query
from tests.fuzz_budget import FUZZ


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("acme", "acme"),
        ('"acme air" OR @acmeair -anvil', '("acme air" OR acmeair) -anvil'),
        ('(acme OR anvil) airline -"road runner"', '(acme OR anvil) airline -"road runner"'),
        ("acme -(coyote OR roadrunner)", "acme -coyote -roadrunner"),
        # GDELT nests nothing: an OR of ANDs is sent as the search terms, the brand query filters after
        ("(acme airline) OR (anvil bank)", "(acme OR anvil)"),
        ('"acme-air" OR "and"', '("acme air" OR "and")'),
    ],
)
def test_the_brand_query_in_gdelt_syntax(query: str, expected: str) -> None:
    assert gdelt_query(parse_query(query)) == expected


def test_languages_are_sourcelang_filters() -> None:
    assert gdelt_query(parse_query("acme"), ("english",)) == "acme sourcelang:english"
    both = gdelt_query(parse_query("acme"), ("english", "french"))
    assert both == "acme (sourcelang:english OR sourcelang:french)"


@pytest.mark.parametrize("query", ["ai OR acme", "acme -ab", '"a!" acme', "acme (x OR airline)"])
def test_a_term_too_short_for_gdelt_is_refused_naming_it(query: str) -> None:
    with pytest.raises(GdeltQueryError, match="too short for GDELT"):
        gdelt_query(parse_query(query))


@FUZZ
@given(st.text(max_size=60))
def test_any_query_gives_gdelt_text_or_a_named_refusal(source: str) -> None:
    try:
        query = parse_query(source)
    except QuerySyntaxError:
        return
    try:
        text = gdelt_query(query)
    except GdeltQueryError:
        return
    assert text and text.count("(") == text.count(")") <= 1  # GDELT nests nothing
    assert all(
        len(w.strip('"()-')) >= MIN_TERM
        for w in text.replace(" OR ", " ").split('"')[::2]
        if w.strip('"()- ')
    )


def test_settings_defaults_and_bad_languages() -> None:
    assert not GdeltSettings().active and GdeltSettings(enabled=True).active
    assert GdeltSettings(languages=("English",)).languages == ("english",)
    with pytest.raises(ValidationError, match="language name"):
        GdeltSettings(languages=("en-GB",))
