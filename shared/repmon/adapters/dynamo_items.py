"""How domain objects become DynamoDB items and back: the single table's item shapes.

Keys (README, "Data model"):
    mention    pk=BRAND#<brand>  sk=MENTION#<source>#<native id>
               gsi1pk=BRAND#<brand>#MENTIONS  gsi1sk=<created_at>#<source>#<id>      (by time)
               gsi2pk=BRAND#<brand>#NEG#<day> gsi2sk=<influence 000.00>#<created_at>  (negative only)
               gsi3pk=BRAND#<brand>#RATED     gsi3sk=<created_at>#<source>#<id>      (rated only)
    aggregate  pk=BRAND#<brand>  sk=HOUR#<YYYY-MM-DDTHH>
    cursor     pk=BRAND#<brand>  sk=CURSOR#<source>
    rule state pk=BRAND#<brand>  sk=RULE#<rule key>
    alert      pk=BRAND#<brand>  sk=ALERT#<fired_at>#<alert id>
    brand      pk=WATCHLIST      sk=BRAND#<brand>
Attributes are flat scalars with stable names so the BI export can copy them column for column.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from repmon.domain.models import (
    Author,
    Engagement,
    HourlyAggregate,
    Mention,
    Reply,
    ScoredMention,
    Sentiment,
)
from repmon.domain.reputation import weight
from repmon.domain.timeutil import iso, parse_iso

Item = dict[str, Any]

#: DynamoDB refuses an item over 400 KB (names and values, as `wire_size` counts them).
ITEM_MAX_BYTES = 400 * 1024
#: ...and a key attribute, of the table or an index, longer than these (partition 2 KB, sort 1 KB).
_KEY_MAX_BYTES = {
    "pk": 2048,
    "sk": 1024,
    **{f"gsi{n}{part}": size for n in (1, 2, 3) for part, size in (("pk", 2048), ("sk", 1024))},
}


def brand_pk(brand_id: str) -> str:
    return f"BRAND#{brand_id}"


def mention_sk(source: str, native_id: str) -> str:
    return f"MENTION#{source}#{native_id}"


def hour_sk(hour: datetime) -> str:
    return f"HOUR#{hour.astimezone(UTC):%Y-%m-%dT%H}"


def to_decimal(value: float) -> Decimal:
    return Decimal(str(round(value, 6)))


def key_problem(item: Item) -> str | None:
    """Why DynamoDB would refuse this item's keys (too long, not UTF-8), or None when they are fine."""
    for name, limit in _KEY_MAX_BYTES.items():
        try:
            size = len(str(item.get(name, "")).encode())
        except UnicodeEncodeError:
            return f"{name} is not valid UTF-8"
        if size > limit:
            return f"{name} is {size:,} bytes, over DynamoDB's {limit:,}"
    return None


def wire_size(item: dict[str, Any]) -> int:
    """An item's size as DynamoDB bills and limits it: UTF-8 names plus values (raises on bad UTF-8)."""
    return sum(len(name.encode()) + _value_size(value) for name, value in item.items())


def _value_size(value: dict[str, Any]) -> int:
    [(kind, raw)] = value.items()
    if kind == "S":
        return len(raw.encode())
    if kind == "N":  # about one byte per two significant digits, plus one
        return len(raw.strip("-").replace(".", "").strip("0")) // 2 + 2
    if kind in ("L", "SS", "NS"):
        return 3 + sum(1 + _value_size(v if kind == "L" else {kind[0]: v}) for v in raw)
    if kind == "M":
        return 3 + sum(1 + wire_size({k: v}) for k, v in raw.items())
    return len(raw) if kind == "B" else 1  # BOOL and NULL: one byte


def _optional(item: Item, **values: Any) -> None:
    item.update({k: v for k, v in values.items() if v is not None and v != ""})


def mention_to_item(sm: ScoredMention, polled_at: datetime, retention_days: int = 0) -> Item:
    m, s = sm.mention, sm.sentiment
    created = iso(m.created_at)
    item: Item = {
        "pk": brand_pk(sm.brand_id),
        "sk": mention_sk(m.source, m.native_id),
        "type": "mention",
        "gsi1pk": f"{brand_pk(sm.brand_id)}#MENTIONS",
        "gsi1sk": f"{created}#{m.source}#{m.native_id}",
        "brand_id": sm.brand_id,
        "source": m.source,
        "native_id": m.native_id,
        "created_at": created,
        "polled_at": iso(polled_at),
        "text": m.text,
        "author_verified": m.author.verified,
        "score": m.engagement.score,
        "comments": m.engagement.comments,
        "shares": m.engagement.shares,
        "votes": m.engagement.votes,
        "sentiment_label": s.bucket,
        "sentiment_score": to_decimal(s.score),
        "language": s.language,
        "influence": to_decimal(sm.influence),
    }
    _optional(
        item,
        title=m.title,
        url=m.url,
        community=m.community,
        community_size=m.community_size,
        rating=m.rating,
        author_id=m.author.id,
        author_handle=m.author.handle,
        author_followers=m.author.followers,
        author_karma=m.author.karma,
        author_created_at=iso(m.author.account_created_at) if m.author.account_created_at else None,
        reasons=list(s.reasons) or None,
        views=m.engagement.views or None,
        location_id=m.location_id,
        location_name=m.location_name,
        app_version=m.app_version,
        device=m.device,
        parent_id=m.parent_id,
        replied_at=iso(m.reply.at) if m.reply else None,
        reply_url=m.reply.url if m.reply else None,
        own=True if m.own else None,
        replies_visible=True if m.replies_visible else None,
        customer_tier=m.customer_tier,
    )
    # The brand's own posts stay out of the negative index: never a complaint to answer or alert on.
    if s.label == "negative" and not m.own:
        item["gsi2pk"] = f"{brand_pk(sm.brand_id)}#NEG#{created[:10]}"
        item["gsi2sk"] = f"{sm.influence:06.2f}#{created}"
    if m.rating is not None:
        item["gsi3pk"] = f"{brand_pk(sm.brand_id)}#RATED"
        item["gsi3sk"] = item["gsi1sk"]
    if retention_days > 0:
        item["expires_at"] = int((m.created_at + timedelta(days=retention_days)).timestamp())
    return item


def _int(item: Item, key: str) -> int | None:
    value = item.get(key)
    return None if value is None else int(value)


def _reply(item: Item) -> Reply | None:
    replied = item.get("replied_at")
    return Reply(parse_iso(replied), item.get("reply_url", "")) if replied else None


def item_to_mention(item: Item) -> ScoredMention:
    author_created = item.get("author_created_at")
    mention = Mention(
        source=item["source"],
        native_id=item["native_id"],
        created_at=parse_iso(item["created_at"]),
        text=item.get("text", ""),
        url=item.get("url", ""),
        author=Author(
            id=item.get("author_id", ""),
            handle=item.get("author_handle", ""),
            followers=_int(item, "author_followers"),
            karma=_int(item, "author_karma"),
            account_created_at=parse_iso(author_created) if author_created else None,
            verified=bool(item.get("author_verified", False)),
        ),
        engagement=Engagement(
            score=int(item.get("score", 0)),
            comments=int(item.get("comments", 0)),
            shares=int(item.get("shares", 0)),
            votes=int(item.get("votes", 0)),
            views=int(item.get("views", 0)),
        ),
        rating=_int(item, "rating"),
        title=item.get("title", ""),
        community=item.get("community", ""),
        community_size=_int(item, "community_size"),
        location_id=item.get("location_id", ""),
        location_name=item.get("location_name", ""),
        app_version=item.get("app_version", ""),
        device=item.get("device", ""),
        parent_id=item.get("parent_id", ""),
        reply=_reply(item),
        own=bool(item.get("own", False)),
        replies_visible=bool(item.get("replies_visible", False)),
        customer_tier=item.get("customer_tier", ""),
    )
    label = item.get("sentiment_label")
    sentiment = Sentiment(
        label=None if label in (None, "unscored") else label,
        score=float(item.get("sentiment_score", 0)),
        language=item.get("language", "en"),
        reasons=tuple(item.get("reasons", ())),
    )
    return ScoredMention(item["brand_id"], mention, sentiment, float(item.get("influence", 0)))


def aggregate_delta(mentions: list[ScoredMention]) -> dict[str, Decimal]:
    """What a group of new mentions of one brand and hour adds to that hour's counters and sums.
    The brand's own posts add nothing: they are not what people say of it (index, volume rules)."""
    delta: dict[str, float] = {}

    def add(name: str, value: float) -> None:
        delta[name] = delta.get(name, 0) + value

    for sm in (sm for sm in mentions if not sm.mention.own):
        add("mentions", 1)
        add(sm.sentiment.bucket, 1)
        add(f"source_{sm.route or sm.mention.source}", 1)  # the route that stored it first
        if sm.sentiment.label is not None:
            w = weight(sm.influence)
            add("sentiment_sum", sm.sentiment.score)
            add("weight_sum", w)
            add("weighted_sentiment_sum", w * sm.sentiment.score)
    return {k: to_decimal(v) for k, v in delta.items()}


def item_to_aggregate(item: Item) -> HourlyAggregate:
    by_source = {k.removeprefix("source_"): int(v) for k, v in item.items() if k.startswith("source_")}
    return HourlyAggregate(
        brand_id=item["brand_id"],
        hour=parse_iso(item["hour"]),
        mentions=int(item.get("mentions", 0)),
        negative=int(item.get("negative", 0)),
        neutral=int(item.get("neutral", 0)),
        positive=int(item.get("positive", 0)),
        unscored=int(item.get("unscored", 0)),
        sentiment_sum=float(item.get("sentiment_sum", 0)),
        weight_sum=float(item.get("weight_sum", 0)),
        weighted_sentiment_sum=float(item.get("weighted_sentiment_sum", 0)),
        by_source=by_source,
    )
