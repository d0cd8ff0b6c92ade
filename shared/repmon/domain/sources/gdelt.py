"""GDELT's DOC 2.0 article search, a second news option: the watchlist's `sources.gdelt`. Pure.

    sources:
      gdelt:
        enabled: true
        languages: [english, french]

GDELT is free and needs no key, but answers about one request per 5 seconds for everybody (the
stack spaces its requests: adapters.sources.gdelt_gate). An article's influence is its site's weight
from `sources.feeds.site_weights` (one table for every news source), and an article seen in a news
search feed and in GDELT is one mention (adapters.sources.news_identity).

The brand query is written in GDELT's syntax (`gdelt_query`): a phrase in quotes, an OR list in
parentheses, `-` before an excluded term. GDELT nests nothing and refuses a term shorter than
`MIN_TERM` characters, so a brand query with such a term is refused by `brands validate` while the
source is on; a query GDELT cannot express (an OR of ANDs) is sent as its search terms OR-ed, and
the brand query then filters what comes back, as for every source.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import Field, field_validator

from repmon.domain.query import And, Node, Not, Or, Query, Term
from repmon.domain.sources import SourceOptions

#: GDELT answers "The specified phrase is too short." below this (README, "GDELT").
MIN_TERM = 3
#: GDELT's own cap on an article list (`maxrecords`).
MAX_RECORDS = 250
_WORDS = re.compile(r"\w+")
_LANGUAGE = re.compile(r"[a-z]{3,20}")


class GdeltQueryError(ValueError):
    """The brand query cannot be written for GDELT; the message names the term."""


class GdeltSettings(SourceOptions):
    enabled: bool = False
    #: GDELT's `sourcelang:` names (english, french, ...): only articles in these; empty: any.
    languages: Annotated[tuple[str, ...], Field(max_length=10)] = ()
    #: Requests a poll may make, each one 250 articles older than the last (GDELT does not page).
    max_requests: Annotated[int, Field(ge=1, le=4)] = 2
    max_items: Annotated[int, Field(ge=1, le=1000)] = 200

    @field_validator("languages")
    @classmethod
    def _language_names(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for name in value:
            if not _LANGUAGE.fullmatch(name.lower()):
                raise ValueError(f"{name[:40]!r} is not a language name GDELT knows (e.g. english)")
        return tuple(dict.fromkeys(name.lower() for name in value))


def gdelt_query(query: Query, languages: tuple[str, ...] = ()) -> str:
    """The brand query in GDELT's syntax; `GdeltQueryError` when a term is too short for GDELT."""
    for text in _every_term(query.root):
        _checked(text)
    parts = _conjuncts(query.root)
    if parts is None:  # not expressible: every search term, OR-ed; excluded terms kept when top-level
        terms = [_term(t.strip('"')) for t in query.search_terms()]
        if not terms:
            raise GdeltQueryError("the query names no term to search for (GDELT needs one)")
        parts = [_or(terms), *_top_exclusions(query.root)]
    if len(languages) == 1:
        parts.append(f"sourcelang:{languages[0]}")
    elif languages:
        parts.append(_or([f"sourcelang:{name}" for name in languages]))
    return " ".join(parts)


def _conjuncts(node: Node) -> list[str] | None:
    """The node as GDELT's flat AND of terms, OR lists of terms and excluded terms; None if deeper."""
    operands = node.operands if isinstance(node, And) else (node,)
    parts: list[str] = []
    for op in operands:
        if isinstance(op, Term):
            parts.append(_term(op.text))
        elif isinstance(op, Or) and all(isinstance(o, Term) for o in op.operands):
            parts.append(_or([_term(o.text) for o in op.operands if isinstance(o, Term)]))
        elif isinstance(op, Not):
            excluded = _excluded(op.operand)
            if excluded is None:
                return None
            parts += excluded
        else:
            return None
    return parts if any(not p.startswith("-") for p in parts) else None


def _excluded(node: Node) -> list[str] | None:
    """-a, -(a OR b) as -a -b; anything else None."""
    if isinstance(node, Term):
        return ["-" + _term(node.text)]
    if isinstance(node, Or) and all(isinstance(o, Term) for o in node.operands):
        return ["-" + _term(o.text) for o in node.operands if isinstance(o, Term)]
    return None


def _top_exclusions(node: Node) -> list[str]:
    operands = node.operands if isinstance(node, And) else ()
    return [p for op in operands if isinstance(op, Not) for p in (_excluded(op.operand) or [])]


def _or(terms: list[str]) -> str:
    unique = list(dict.fromkeys(terms))
    return unique[0] if len(unique) == 1 else "(" + " OR ".join(unique) + ")"


def _term(text: str) -> str:
    """A word as it is, anything else as a quoted phrase of its words (GDELT drops punctuation)."""
    words = _WORDS.findall(text)
    if len(words) == 1 and words[0].upper() not in ("OR", "AND", "NOT"):
        return words[0]
    return '"' + " ".join(words) + '"'


def _checked(text: str) -> None:
    words = " ".join(_WORDS.findall(text))
    if len(words) < MIN_TERM:
        raise GdeltQueryError(
            f"the term {text[:40]!r} is too short for GDELT ({MIN_TERM} characters at least):"
            " quote it with the word beside it, or turn sources.gdelt off"
        )


def _every_term(node: Node) -> list[str]:
    if isinstance(node, Term):
        return [node.text]
    if isinstance(node, Not):
        return _every_term(node.operand)
    return [t for op in node.operands for t in _every_term(op)]
