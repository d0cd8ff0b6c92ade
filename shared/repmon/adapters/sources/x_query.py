"""The brand query in X's search syntax, so X returns (and bills) only posts that match it. Pure.

    "acme air" OR @acmeair -anvil   ->   ("acme air" OR @acmeair) -anvil -is:retweet

X's syntax has the same shape as ours (space is AND, OR, `-` negates a term or a group, quotes make
a phrase), so the tree is written out as it is. A word X would read as an operator (`from:x`,
`OR`, anything but letters, digits and a leading @, # or $) is quoted, so it stays a word.
A query longer than X's 512 characters falls back to the brand's search terms OR-ed, as many
searches as it takes; the brand query then filters locally, as for every other source.
"""

from __future__ import annotations

import re

from repmon.domain.query import And, Node, Not, Or, Query, Term

#: X's limit for a recent-search query on pay-per-use (and Basic) access.
MAX_QUERY = 512
_PLAIN = re.compile(r"[@#$]?\w+")
_KEYWORDS = {"OR", "AND", "NOT"}


def x_queries(query: Query, *, retweets: bool = False, lang: str | None = None) -> list[str]:
    """The X queries that together find every post the brand query matches."""
    suffix = ("" if retweets else " -is:retweet") + (f" lang:{lang}" if lang else "")
    whole = render(query.root) + suffix
    if len(whole) <= MAX_QUERY:
        return [whole]
    return _chunks([_term(t.strip('"')) for t in query.search_terms()], MAX_QUERY - len(suffix) - 2, suffix)


def render(node: Node) -> str:
    if isinstance(node, Term):
        return _term(node.text)
    if isinstance(node, Not):
        return "-" + _grouped(node.operand)
    if isinstance(node, And):
        return " ".join(_grouped(op) if isinstance(op, Or) else render(op) for op in node.operands)
    return " OR ".join(_grouped(op) if isinstance(op, And) else render(op) for op in node.operands)


def _grouped(node: Node) -> str:
    text = render(node)
    return text if isinstance(node, Term | Not) else f"({text})"


def _term(text: str) -> str:
    if _PLAIN.fullmatch(text) and text.upper() not in _KEYWORDS:
        return text
    return '"' + text.replace('"', " ") + '"'


def _chunks(terms: list[str], room: int, suffix: str) -> list[str]:
    """Terms OR-ed into groups of at most `room` characters each (a longer term alone is cut)."""
    groups: list[list[str]] = [[]]
    for term in terms:
        term = term[:room]
        if groups[-1] and len(" OR ".join([*groups[-1], term])) > room:
            groups.append([])
        groups[-1].append(term)
    return [f"({' OR '.join(g)}){suffix}" for g in groups if g]
