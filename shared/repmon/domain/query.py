"""The brand query language: quoted phrases, OR, AND, NOT / -exclusion, parentheses.

    "acme air" OR @acmeair -anvil     means   ("acme air" OR @acmeair) AND NOT anvil

As in web search engines, OR binds tighter than AND, and AND is implied between terms.

Matching is case-insensitive and on word boundaries: `acme` matches "Acme's" and "#acme" but not
"acmeair". Operators are case-insensitive too; quote a word to search for it literally ("or").
Any input yields a `Query` or a `QuerySyntaxError` that says where: never another exception.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

_TOKEN = re.compile(
    r'\s*(?:(?P<phrase>"[^"]*"?)|(?P<lpar>\()|(?P<rpar>\))|(?P<minus>-(?=[^\s)]))|(?P<word>[^\s()"]+))'
)
_OPERATORS = {"or": "OR", "and": "AND", "not": "NOT"}
_MAX_DEPTH = 50


class QuerySyntaxError(ValueError):
    """The query cannot be parsed; the message says what and at which character."""


@dataclass(frozen=True)
class Term:
    text: str

    @cached_property
    def pattern(self) -> re.Pattern[str]:
        words = [re.escape(w) for w in self.text.split()]
        return re.compile(r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)", re.IGNORECASE)

    def matches(self, text: str) -> bool:
        return self.pattern.search(text) is not None

    def positives(self) -> list[str]:
        return [f'"{self.text}"' if " " in self.text else self.text]


@dataclass(frozen=True)
class Not:
    operand: Node

    def matches(self, text: str) -> bool:
        return not self.operand.matches(text)

    def positives(self) -> list[str]:
        return []


@dataclass(frozen=True)
class And:
    operands: tuple[Node, ...]

    def matches(self, text: str) -> bool:
        return all(op.matches(text) for op in self.operands)

    def positives(self) -> list[str]:
        # One branch every match must hold is enough to find candidates; the local match does the
        # rest. It must be anchored: in "(acme OR NOT anvil) outage" only "outage" is in every match.
        for op in self.operands:
            if _anchored(op) and (found := op.positives()):
                return found
        return []


@dataclass(frozen=True)
class Or:
    operands: tuple[Node, ...]

    def matches(self, text: str) -> bool:
        return any(op.matches(text) for op in self.operands)

    def positives(self) -> list[str]:
        return [p for op in self.operands for p in op.positives()]


Node = Term | Not | And | Or


@dataclass(frozen=True)
class Query:
    source: str
    root: Node

    def matches(self, text: str) -> bool:
        return self.root.matches(text)

    def search_terms(self) -> list[str]:
        """Terms to ask a source's search API for; every match contains at least one of them."""
        return list(dict.fromkeys(self.root.positives()))


def _tokenize(source: str) -> list[tuple[str, str, int]]:
    tokens: list[tuple[str, str, int]] = []
    pos = 0
    while pos < len(source):
        m = _TOKEN.match(source, pos)
        if m is None or m.end() == pos:
            break
        kind = m.lastgroup or ""
        value, at = m.group(kind), m.start(kind) + 1
        if kind == "phrase":
            if len(value) < 2 or not value.endswith('"'):
                raise QuerySyntaxError(f"unterminated quote at character {at}")
            value = " ".join(value[1:-1].split())
            if not value:
                raise QuerySyntaxError(f"empty phrase at character {at}")
        elif kind == "word" and value.lower() in _OPERATORS:
            kind = _OPERATORS[value.lower()]
        tokens.append((kind, value, at))
        pos = m.end()
    return tokens


class _Parser:
    def __init__(self, tokens: list[tuple[str, str, int]]) -> None:
        self.tokens = tokens
        self.i = 0
        self.depth = 0

    def peek(self) -> str | None:
        return self.tokens[self.i][0] if self.i < len(self.tokens) else None

    def take(self) -> tuple[str, str, int]:
        token = self.tokens[self.i]
        self.i += 1
        return token

    def parse_and(self) -> Node:
        operands = [self.parse_or()]
        while self.peek() not in (None, "rpar"):
            if self.peek() == "AND":
                self.take()
            operands.append(self.parse_or())
        return operands[0] if len(operands) == 1 else And(tuple(operands))

    def parse_or(self) -> Node:
        operands = [self.parse_unary()]
        while self.peek() == "OR":
            self.take()
            operands.append(self.parse_unary())
        return operands[0] if len(operands) == 1 else Or(tuple(operands))

    def parse_unary(self) -> Node:
        if self.peek() in ("NOT", "minus"):
            self.take()
            return Not(self.parse_unary())
        return self.parse_atom()

    def parse_atom(self) -> Node:
        if self.peek() is None:
            raise QuerySyntaxError("expected a term at the end of the query")
        kind, value, at = self.take()
        if kind in ("word", "phrase"):
            return Term(value)
        if kind == "lpar":
            self.depth += 1
            if self.depth > _MAX_DEPTH:
                raise QuerySyntaxError(f"parentheses nested deeper than {_MAX_DEPTH}")
            node = self.parse_and()
            if self.peek() != "rpar":
                raise QuerySyntaxError(f"unclosed '(' at character {at}")
            self.take()
            self.depth -= 1
            return node
        raise QuerySyntaxError(f"unexpected {value!r} at character {at}")


def parse_query(source: str) -> Query:
    """Parse a brand query; raises QuerySyntaxError with the position of the first problem."""
    tokens = _tokenize(source)
    if not tokens:
        raise QuerySyntaxError("the query is empty")
    parser = _Parser(tokens)
    root = parser.parse_and()
    if parser.peek() is not None:
        _, value, at = parser.take()
        raise QuerySyntaxError(f"unexpected {value!r} at character {at}")
    query = Query(source, root)
    if (bare := _bare_alternative(root)) is not None:
        excluded = " ".join(f"-{term}" for term in _excluded(bare)) or "-word"
        raise QuerySyntaxError(
            f"the OR alternative {_show(bare)!r} has no search term of its own, so it would match "
            f"texts no search fetches; exclude words from the whole query instead ({excluded})"
        )
    if not query.search_terms():
        raise QuerySyntaxError("the query needs at least one term that is not excluded")
    return query


def _anchored(node: Node) -> bool:
    """Whether every text the node matches contains one of its positive terms."""
    if isinstance(node, Term):
        return True
    if isinstance(node, And):
        return any(_anchored(op) for op in node.operands)
    if isinstance(node, Or):
        return all(_anchored(op) for op in node.operands)
    return False


def _bare_alternative(node: Node) -> Node | None:
    """An OR alternative that matches texts without any search term ("acme OR NOT anvil" matches
    "nice weather"), when the query depends on it: sources only fetch texts holding a search term,
    so such matches would be promised and never read. None when every match holds a search term."""
    if isinstance(node, Or):
        return next((op for op in node.operands if not _anchored(op)), None)
    if isinstance(node, And) and not _anchored(node):
        return next((b for b in map(_bare_alternative, node.operands) if b is not None), None)
    return None


def _excluded(node: Node) -> list[str]:
    if isinstance(node, Not):
        return node.operand.positives() or _excluded(node.operand)
    if isinstance(node, And | Or):
        return [t for op in node.operands for t in _excluded(op)]
    return []


def _show(node: Node) -> str:
    if isinstance(node, Term):
        return node.positives()[0]
    if isinstance(node, Not):
        return f"NOT {_show(node.operand)}"
    joiner = " OR " if isinstance(node, Or) else " AND "
    return "(" + joiner.join(map(_show, node.operands)) + ")"
