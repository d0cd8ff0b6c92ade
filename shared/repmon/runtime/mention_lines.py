"""The public mention schema (backtest input): one JSON object per line, validated with line numbers.

Only source, id, brand, created_at and text are required; source is one of the platforms repmon polls
(a name in `domain.source_registry.SOURCES`), and text may be empty only when a title says something:
    {"source": "reddit", "id": "t3_abc", "brand": "acme", "created_at": "2026-11-01T12:00:00Z",
     "text": "...", "url": "...", "author": {"id": "...", "handle": "...", "followers": 1200,
     "karma": null, "account_created_at": null, "verified": false},
     "engagement": {"score": 10, "comments": 2, "shares": 0}, "rating": null,
     "reply_to": "", "own": false}
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field, ValidationError

from repmon.adapters.validation_messages import each_in_words, shown
from repmon.domain.models import Author, Engagement, Mention, Reply, Source

#: Dates a mention or an account can plausibly carry. A date past 2100 (9999-12-31) or before 1970
#: would be stored and replayed as is, and aborted the whole backtest once it reached the clock.
_EPOCH, _FAR_FUTURE = datetime(1970, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC)
#: Counts are `bigint` in the export (Athena, DuckDB): a 40-digit one is no count, and no DynamoDB
#: number either (38 digits), so it aborted the backtest at the first write.
_INT64 = 2**63 - 1


def _utf8(value: str) -> str:
    """JSON's "\\ud83d" escape decodes to a lone surrogate: no UTF-8 file, request or DynamoDB
    item can hold it, so the first write aborted the backtest."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("not valid Unicode (a lone surrogate)") from None
    return value


Text = Annotated[str, AfterValidator(_utf8)]
PlausibleDate = Annotated[AwareDatetime, Field(ge=_EPOCH, lt=_FAR_FUTURE)]
Count = Annotated[int, Field(ge=0, le=_INT64)]
SignedCount = Annotated[int, Field(ge=-_INT64, le=_INT64)]


class _Lenient(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class AuthorLine(_Lenient):
    id: Text = ""
    handle: Text = ""
    followers: Count | None = None
    karma: SignedCount | None = None
    account_created_at: PlausibleDate | None = None
    verified: bool = False


class EngagementLine(_Lenient):
    score: SignedCount = 0
    comments: Count = 0
    shares: Count = 0
    #: Review sites: readers who found the review helpful (Tripadvisor's helpful votes).
    votes: Count = 0


class MentionLine(_Lenient):
    # The platforms we poll: another one would be stored, but no export column or rule expects it.
    source: Source
    id: Text = Field(min_length=1, max_length=200)
    brand: Text = Field(min_length=1, max_length=63)
    created_at: PlausibleDate
    text: Text
    url: Text = ""
    title: Text = ""
    author: AuthorLine = AuthorLine()
    engagement: EngagementLine = EngagementLine()
    rating: int | None = Field(default=None, ge=1, le=5)
    #: Review sites: the location reviewed (a hotel, a store) and when the owner replied, if it did.
    location_id: Text = Field(default="", max_length=200)
    location_name: Text = Field(default="", max_length=200)
    replied_at: PlausibleDate | None = None
    #: The id of the mention this one answers (its parent), and whether the brand itself wrote it:
    #: an own post with `reply_to` replays as the brand's reply (README, "Backtest").
    reply_to: Text = Field(default="", max_length=300)
    own: bool = False

    def to_mention(self) -> Mention:
        a, e = self.author, self.engagement
        created = a.account_created_at.astimezone(UTC) if a.account_created_at else None
        return Mention(
            source=self.source.value,
            native_id=self.id,
            created_at=self.created_at.astimezone(UTC),
            text=self.text,
            url=self.url,
            title=self.title,
            author=Author(a.id, a.handle, a.followers, a.karma, created, a.verified),
            engagement=Engagement(score=e.score, comments=e.comments, shares=e.shares, votes=e.votes),
            rating=self.rating,
            location_id=self.location_id,
            location_name=self.location_name,
            reply=Reply(self.replied_at.astimezone(UTC)) if self.replied_at else None,
            parent_id=self.reply_to,
            own=self.own,
        )


@dataclass(frozen=True)
class LineError:
    line: int
    message: str


@dataclass(frozen=True)
class MentionRecord:
    line: int
    brand_id: str
    mention: Mention


def read_mention_lines(lines: Iterable[str]) -> Iterator[MentionRecord | LineError]:
    """A MentionRecord per valid line and a LineError per invalid one (1-based line numbers)."""
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        try:
            line = MentionLine.model_validate(json.loads(raw))
        except json.JSONDecodeError as exc:
            yield LineError(number, _not_json(raw, exc))
        except RecursionError:
            yield LineError(number, "not JSON: nested too deeply")
        except ValidationError as exc:
            yield LineError(number, _problems(raw, exc))
        else:
            if line.text.strip() or line.title.strip():
                yield MentionRecord(number, line.brand, line.to_mention())
            else:  # nothing to score: it would count as a mention of unknown sentiment
                yield LineError(number, "text: empty (a mention needs a text or a title)")


#: json's messages -> what is wrong, for someone looking at the line.
_JSON_MEANINGS = (
    ("Expecting value", "a value is missing"),
    ("Expecting ',' delimiter", "a ',' is missing, or a bracket is not closed"),
    ("Expecting ':' delimiter", "a ':' is missing after a key"),
    ("Expecting property name", "a key must be in double quotes (or a ',' is one too many)"),
    ("Unterminated string", "a string is not closed"),
    ("Extra data", "more after the object ends (one object per line)"),
    ("Invalid control character", "a raw tab or line break inside a string (write it as \\t or \\n)"),
    ("Invalid \\", "a backslash escape JSON does not know"),
)


def _not_json(raw: str, exc: json.JSONDecodeError) -> str:
    start = raw.strip()[:20]
    if not start.startswith("{"):
        return f"not a JSON object (line starts with {shown(start)})"
    if exc.pos >= len(raw.rstrip()):
        return "not JSON: the line ends before the object does (cut off?)"
    meaning = next((words for prefix, words in _JSON_MEANINGS if exc.msg.startswith(prefix)), exc.msg)
    return f"not JSON at column {exc.colno}: {meaning}"


_OBJECT = "a JSON object ({...})"


def _problems(raw: str, exc: ValidationError) -> str:
    """Every problem of the line, field by field: fixing one should not reveal the next."""
    if any(not err["loc"] for err in exc.errors(include_url=False)):
        # The line is JSON, but not an object: a list, a number, a string
        return f"not a JSON object (line starts with {shown(raw.strip()[:20])})"
    return each_in_words(exc, mapping=_OBJECT)
