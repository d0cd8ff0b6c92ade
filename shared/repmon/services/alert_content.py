"""What an alert says: its id, its figures and details, the mentions it lists, what the complaints
are about. Reads the store only."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import datetime

from repmon.domain.brand import Brand
from repmon.domain.models import Alert, ScoredMention
from repmon.domain.reputation import HOUR, Snapshot, window_span
from repmon.domain.rules import INFLUENCER_NEGATIVE, VOLUME_SPIKE, Decision
from repmon.domain.safe_text import safe_field
from repmon.domain.seasonal import clock_hour
from repmon.domain.similar import group_similar
from repmon.domain.themes import theme_line, themes
from repmon.domain.timeutil import floor_hour
from repmon.ports import MentionStore

#: The mentions an alert's themes and "x3 similar" counts are drawn from (its list shows the top
#: few): the store reads the window's negatives whole anyway, this only bounds the text work.
POOL = 200
#: The longest themes line kept (three themes are far shorter).
MAX_SUMMARY = 1000


def alert_id(brand_id: str, rule_key: str, start: str) -> str:
    return hashlib.sha256(f"{brand_id}|{rule_key}|{start}".encode()).hexdigest()[:32]


def influencer_key(mention: ScoredMention) -> str:
    return f"{INFLUENCER_NEGATIVE}#{mention.key}"


def top_mentions(brand: Brand, store: MentionStore, rule: str, at: datetime) -> list[ScoredMention]:
    """The alert's pool, most influential first: `build_alert` lists the top few of it."""
    if rule == VOLUME_SPIKE:
        # The brand's own posts are not part of the spike (aggregate_delta leaves them out): never listed.
        recent = [sm for sm in store.mentions_between(brand.id, at - HOUR, at) if not sm.mention.own]
        return sorted(recent, key=lambda m: (-m.influence, m.sentiment.score))[:POOL]
    since = window_span(at, brand.thresholds).since
    return store.most_negative(brand.id, since, at, 0.0, POOL)


def influencer_alert(
    brand: Brand, at: datetime, snap: Snapshot, decision: Decision, mentions: list[ScoredMention]
) -> Alert:
    keys = ",".join(sorted(m.key for m in mentions))
    top = sorted(mentions, key=lambda m: (-m.influence, m.sentiment.score))
    return build_alert(brand, at, snap, decision, alert_id(brand.id, INFLUENCER_NEGATIVE, keys), top)


def build_alert(
    brand: Brand, at: datetime, snap: Snapshot, decision: Decision, the_id: str, top: Sequence[ScoredMention]
) -> Alert:
    """The alert for `decision`; `top` is its pool, most influential first (see `top_mentions`)."""
    t = brand.thresholds
    details = dict(decision.details)
    # Local times in the email, with UTC beside (domain.email_mentions.local_time).
    details["timezone"] = brand.timezone
    if local := _usual_local(brand, at, str(details.get("usual_for", ""))):
        details["usual_local"] = local
    listed = group_similar(top)[: brand.notifications.top_mentions]
    similar = {sm.key: count for sm, count in listed if count > 1}
    if similar:
        details["similar"] = json.dumps(similar, sort_keys=True)
    summary = decision.summary
    if found := themes(top, brand):
        # Words of strangers' posts: one safe line, as every third-party string of an alert.
        details["themes"] = safe_field(theme_line(found), MAX_SUMMARY)
        summary = f"{summary} Complaints: {details['themes']}."
    details |= {"window_hours": t.window_hours, "baseline_hours": t.baseline_hours}
    details |= {"window_mentions": snap.window_mentions, "window_negative": snap.window_negative}
    # Every email shows the index beside these (domain.figures), whichever rule fired.
    details |= {"reputation_low": t.reputation_low, "reputation_drop": t.reputation_drop}
    if snap.baseline_index is not None:
        details["baseline_index"] = round(snap.baseline_index, 2)
    return Alert(
        alert_id=the_id,
        brand_id=brand.id,
        brand_name=brand.name,
        rule=decision.rule,
        severity=decision.severity,
        fired_at=at,
        summary=summary,
        index=snap.window_index,
        change=snap.change,
        top_mentions=tuple(sm for sm, _ in listed),
        details=details,
    )


def _usual_local(brand: Brand, at: datetime, label: str) -> str | None:
    """The hour a seasonal usual is for ("for a weekday at 3 a.m. UTC") on the brand's clock: "8 p.m.
    MST". The hour is the one `Seasonal.expect` judged at `at`: the current one from its half."""
    if not label.endswith(" UTC") or brand.timezone == "UTC":
        return None
    current = floor_hour(at)
    judged = current if at - current >= HOUR / 2 else current - HOUR
    local = judged.astimezone(brand.zone)
    return f"{clock_hour(local.hour)} {local.tzname()}"
