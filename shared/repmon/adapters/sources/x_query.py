"""The brand query in X's search syntax, so X returns (and bills) only posts that match it. Pure.

    "acme air" OR @acmeair -anvil   ->   ("acme air" OR @acmeair) -anvil -is:retweet

X's syntax has the same shape as ours (space is AND, OR, `-` negates a term or a group, quotes make
a phrase), so the tree is written out as it is. A word X would read as an operator (`from:x`,
`OR`, anything but letters, digits and a leading @, # or $) is quoted, so it stays a word.
With the brand's own accounts, `OR ((from:acmeair) is:reply)` is added: their answers rarely name
the brand. A query longer than X's 512 characters falls back to the brand's search terms OR-ed, as many
searches as it takes; the brand query then filters locally, as for every other source.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from repmon.domain.query import And, Node, Not, Or, Query, Term

#: X's limit for a recent-search query on pay-per-use (and Basic) access.
MAX_QUERY = 512
_PLAIN = re.compile(r"[@#$]?\w+")
_KEYWORDS = {"OR", "AND", "NOT"}
_USERNAME = re.compile(r"[A-Za-z0-9_]{1,15}")


def x_queries(
    query: Query, *, retweets: bool = False, lang: str | None = None, own: Sequence[str] = ()
) -> list[str]:
    """The X queries that together find every post the brand query matches, and with `own` (the
    brand's usernames) every reply those accounts post."""
    suffix = ("" if retweets else " -is:retweet") + (f" lang:{lang}" if lang else "")
    names = [f"from:{name}" for name in own if _USERNAME.fullmatch(name)]
    replies = f"({' OR '.join(names)}) is:reply" if names else ""
    whole = f"({render(query.root)}) OR ({replies})" if replies else render(query.root)
    if len(whole + suffix) <= MAX_QUERY:
        return [(f"({whole})" if replies else whole) + suffix]
    terms = [_term(t.strip('"')) for t in query.search_terms()]
    found = _chunks(terms, MAX_QUERY - len(suffix) - 2, suffix)
    return found + ([replies + suffix] if replies and len(replies + suffix) <= MAX_QUERY else [])


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
