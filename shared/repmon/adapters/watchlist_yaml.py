"""YAML for the watchlist: the node tree kept for line numbers, duplicate keys found, errors in plain words.

PyYAML's own machinery does the work: `compose` gives nodes with marks, `construct_document` the
values; a duplicate key is looked for in the nodes (PyYAML keeps the last one silently).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

_BOOL = "tag:yaml.org,2002:bool"
_MERGE = "tag:yaml.org,2002:merge"
_STANDARD_TAG = "tag:yaml.org,2002:"
#: A watchlist is 5 levels deep; PyYAML composes recursively and overflows Python's stack near 300.
MAX_DEPTH = 50
_OPENS = (yaml.BlockMappingStartToken, yaml.BlockSequenceStartToken)
_OPENS_FLOW = (yaml.FlowMappingStartToken, yaml.FlowSequenceStartToken)
_CLOSES = (yaml.BlockEndToken, yaml.FlowMappingEndToken, yaml.FlowSequenceEndToken)
Path = tuple[str | int, ...]
#: PyYAML's problem text -> what it means in a watchlist (checked after the cases that need marks).
_MEANINGS = (
    ("unhashable key", "a key must be plain text"),
    ("another document", "more than one document ('---'); a watchlist is one document"),
    ("undefined alias", "an alias (*name) with no anchor (&name) before it"),
    ("expected <block end>", "the indentation does not line up with the lines above"),
)


class _Loader(yaml.SafeLoader):
    """SafeLoader with YAML 1.2 booleans: only true/false, so `no` (Norway) and `on` stay text.

    pydantic still reads "yes"/"no"/"on"/"off" as booleans where a boolean is wanted.
    """

    yaml_implicit_resolvers = {  # PyYAML's class-level registry, copied
        first: [(tag, rx) for tag, rx in resolvers if tag != _BOOL]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }

    def construct_object(self, node: Node, deep: bool = False) -> object:
        """PyYAML's, with a value its explicit tag cannot make (`!!int word`) reported at the node:
        the standard constructors raise plain ValueError, KeyError... without a line."""
        try:
            return super().construct_object(node, deep)
        except (yaml.YAMLError, RecursionError):
            raise
        except Exception:  # whatever a tag's constructor raises: int(), datetime(), a dict lookup
            problem = f"{_short(node.tag)!r} cannot be applied to {node.value!r}"
            raise yaml.constructor.ConstructorError(None, None, problem, node.start_mark) from None


_Loader.add_implicit_resolver(_BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))


def _short(tag: str) -> str:
    return "!!" + tag.removeprefix(_STANDARD_TAG) if tag.startswith(_STANDARD_TAG) else tag


class YamlProblem(Exception):
    """The text is not YAML; `line` (1-based) is where the problem starts, when known."""

    def __init__(self, line: int | None, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


@dataclass(frozen=True)
class Document:
    value: object
    root: Node | None
    lines: tuple[str, ...]

    def source_line(self, line: int | None) -> str:
        return self.lines[line - 1] if line and line <= len(self.lines) else ""

    def line_of(self, path: Path) -> int | None:
        """The line of the deepest node on `path`: a key's own line, or a missing key's mapping."""
        node = self.root
        line = node.start_mark.line + 1 if node else None
        for part in path:
            key, child = _child(node, part) if node else (None, None)
            if child is None:
                break
            line, node = (key or child).start_mark.line + 1, child
        return line

    def duplicate_keys(self) -> list[tuple[Path, int, int]]:
        """Each key given twice in one mapping: (its path, the repeat's line, the first line)."""
        return list(_duplicates(self.root, (), set())) if self.root else []


def parse(text: str) -> Document:
    _check_depth(text)
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
        return Document(loader.construct_document(root) if root else None, root, tuple(text.splitlines()))
    except yaml.MarkedYAMLError as exc:
        raise YamlProblem(*_explain(exc, text)) from None
    except yaml.YAMLError as exc:
        raise YamlProblem(None, str(exc)) from None
    except RecursionError:  # deep aliases the token scan cannot see
        raise YamlProblem(None, f"nested deeper than {MAX_DEPTH} levels") from None
    finally:
        loader.dispose()


def _check_depth(text: str) -> None:
    """Refuse nesting past MAX_DEPTH at the line where it passes, before PyYAML's recursive composer
    overflows the stack. The scanner is iterative, so counting its open/close tokens is safe."""
    depth = 0
    try:
        for token in yaml.scan(text, Loader=_Loader):
            depth += isinstance(token, _OPENS + _OPENS_FLOW) - isinstance(token, _CLOSES)
            if depth > MAX_DEPTH:
                line = token.start_mark.line + 1
                raise YamlProblem(line, f"nested deeper than {MAX_DEPTH} levels; a watchlist needs 5")
    except yaml.YAMLError:
        return  # not YAML: parse() says where and why


def _child(node: Node, part: str | int) -> tuple[Node | None, Node | None]:
    if isinstance(node, MappingNode):
        for key, value in node.value:
            if isinstance(key, ScalarNode) and key.value == str(part):
                return key, value
    if isinstance(node, SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
        return None, node.value[part]
    return None, None


def _duplicates(node: Node, path: Path, seen: set[int]) -> Iterator[tuple[Path, int, int]]:
    if id(node) in seen:  # an alias: walked once is enough (and aliases may loop)
        return
    seen.add(id(node))
    if isinstance(node, SequenceNode):
        for index, item in enumerate(node.value):
            yield from _duplicates(item, (*path, index), seen)
    if isinstance(node, MappingNode):
        first: dict[str, int] = {}
        for key, value in node.value:
            if isinstance(key, ScalarNode) and key.tag != _MERGE:
                line = key.start_mark.line + 1
                if key.value in first:
                    yield (*path, key.value), line, first[key.value]
                first.setdefault(key.value, line)
                yield from _duplicates(value, (*path, key.value), seen)


def _explain(exc: yaml.MarkedYAMLError, text: str) -> tuple[int | None, str]:
    """Where the problem starts and what it is, in the words of someone editing a watchlist."""
    problem, context = exc.problem or "", exc.context or ""
    mark, start = exc.problem_mark, exc.context_mark
    if mark is None:
        return None, f"{problem or context}"
    opened = _unclosed_quote(text, mark)
    if "quoted scalar" in context and start is not None:
        opened = start
    if opened is not None:
        return opened.line + 1, f"the quote opened at column {opened.column + 1} is not closed on its line"
    return _plain(problem, context, mark, start, text.splitlines())


def _plain(
    problem: str, context: str, mark: yaml.Mark, start: yaml.Mark | None, lines: Sequence[str]
) -> tuple[int, str]:
    line, column = mark.line + 1, mark.column + 1
    if "cannot start any token" in problem:
        char = problem.split("'")[1] if "'" in problem else "?"
        if char == "\\t":  # PyYAML writes the tab escaped
            return line, "a tab character; indent with spaces"
        return line, f"a value cannot start with {char!r}; put it in quotes"
    if start is not None and ("flow sequence" in context or "flow mapping" in context):
        return _flow(problem, context, mark, start)
    if start is not None and "could not find expected ':'" in problem:
        return start.line + 1, "a line that is neither 'key: value' nor '- item'; check the indentation"
    before = lines[mark.line][: mark.column].rstrip() if mark.line < len(lines) else ""
    if "found '<scalar>'" in problem and before.endswith(("'", '"')):
        return line, (
            "text after a closing quote; quote the whole value with the other kind of quote, "
            "e.g. '\"acme air\" OR acme'"
        )
    if "mapping values are not allowed" in problem:
        return (
            line,
            f"unexpected ':' at column {column}; quote a value that contains ': ', or check the indent",
        )
    if tagged := _tag_problem(problem, column):
        return line, tagged
    for words, meaning in _MEANINGS:
        if words in problem:
            return line, meaning
    return line, f"{problem} at column {column}" + (f" ({context})" if context else "")


def _tag_problem(problem: str, column: int) -> str | None:
    """An explicit tag PyYAML does not know (`!custom`) or cannot apply to its value (`!!int word`)."""
    if "cannot be applied to" in problem:
        return f"{problem} at column {column}; remove the tag or fix the value"
    if "could not determine a constructor" in problem:
        tag = _short(problem.rsplit(" ", 1)[-1].strip("'"))
        return f"unknown tag {tag!r} at column {column}; remove it (a watchlist needs no tags)"
    return None


def _flow(problem: str, context: str, mark: yaml.Mark, start: yaml.Mark) -> tuple[int, str]:
    """In `[...]` or `{...}`: the bracket left open (where it opens), or a comma missing (where)."""
    opening, closing = ("[", "]") if "sequence" in context else ("{", "}")
    if problem.endswith(("'}'", "']'", "'<stream end>'")):
        return start.line + 1, f"the {opening!r} opened at column {start.column + 1} is not closed"
    if mark.line > start.line:  # read on past its line into the next keys: the bracket is the cause
        return start.line + 1, (
            f"the {opening!r} opened at column {start.column + 1} is not closed "
            f"(line {mark.line + 1} was read as inside it)"
        )
    where = f"line {start.line + 1}, column {start.column + 1}"
    return (
        mark.line + 1,
        f"expected ',' or {closing!r} at column {mark.column + 1} (in the {opening!r} at {where})",
    )


def _unclosed_quote(text: str, mark: yaml.Mark) -> yaml.Mark | None:
    """A quote that runs over lines into the error: the likely cause, opened where it starts.

    An unclosed quote pairs with the next quote in the file, and YAML fails only after that one.
    """
    last = None
    try:
        for token in yaml.scan(text, Loader=_Loader):
            if token.start_mark.index >= mark.index:
                break
            last = token
    except yaml.YAMLError:
        pass
    if not (isinstance(last, yaml.ScalarToken) and last.style in ("'", '"')):
        return None
    return last.start_mark if last.start_mark.line < last.end_mark.line else None
