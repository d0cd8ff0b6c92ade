"""The brand's replies: which own post answers which mention, and a mention's reply status. Pure.

A reply is seen two ways (`source_registry.Replies`): the item itself carries the brand's response
(a review's developer or owner response: the parser sets `Mention.reply`), or one of the brand's own
accounts posts an answer whose `parent_id` is the mention's native id (`links`). A mention whose
source cannot show replies is "unknown", never "unanswered": nobody may read silence into it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from repmon.domain.models import Mention, Reply, ScoredMention

ReplyStatus = Literal["replied", "unanswered", "unknown", "own"]
REPLY_STATUSES: tuple[ReplyStatus, ...] = ("replied", "unanswered", "unknown", "own")


@dataclass(frozen=True, slots=True)
class ReplyLink:
    """An own post of `brand_id` on `source` answering the mention whose native id is `parent_id`."""

    brand_id: str
    source: str
    parent_id: str
    reply: Reply

    @property
    def parent_key(self) -> str:
        return f"{self.source}#{self.parent_id}"


def links(mentions: Iterable[ScoredMention]) -> list[ReplyLink]:
    """The replies among `mentions`: each own post answers its parent, and a review read again with
    an owner response now (a mention is written once) gives it to the stored review."""
    found = [
        ReplyLink(sm.brand_id, m.source, m.parent_id, Reply(m.created_at, m.url))
        for sm in mentions
        if (m := sm.mention).own and m.parent_id and m.parent_id != m.native_id
    ]
    return found + [
        ReplyLink(sm.brand_id, m.source, m.native_id, m.reply)
        for sm in mentions
        if (m := sm.mention).reply is not None and not m.own
    ]


def earlier(current: Reply | None, new: Reply) -> bool:
    """Whether `new` is the first reply known: the stored one only ever moves earlier."""
    return current is None or new.at < current.at


def reply_status(*, own: bool, replied: bool, visible: bool) -> ReplyStatus:
    if own:
        return "own"
    if replied:
        return "replied"
    return "unanswered" if visible else "unknown"


def status_of(mention: Mention) -> ReplyStatus:
    return reply_status(own=mention.own, replied=mention.reply is not None, visible=mention.replies_visible)
