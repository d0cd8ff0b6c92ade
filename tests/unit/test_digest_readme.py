"""The README's digest example is what the code renders for its scripted day, verbatim."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from repmon.adapters.memory_notices import (
    MemoryAlertLog,
    MemoryMuteStore,
    MemoryNoticeLedger,
    MemoryNoticePublisher,
)
from repmon.domain.brand import Brand
from repmon.domain.models import Author, Engagement, Mention, ScoredMention, Sentiment, SentimentLabel
from repmon.domain.mutes import Mute
from repmon.domain.notices import LoggedAlert
from repmon.services.digests import DigestDeps, send_digests
from tests.fakes import FixedClock, InMemoryMentionStore

README = Path(__file__).resolve().parents[2] / "README.md"
AT = datetime(2026, 11, 3, 7, 0, tzinfo=UTC)  # 08:00 in Paris
H, MIN = timedelta(hours=1), timedelta(minutes=1)
ACME = Brand.model_validate(
    {
        "id": "acme-air",
        "name": "Acme Air",
        "query": '"acme air" OR @acmeair',
        "timezone": "Europe/Paris",
        "competitors": ["zeta-air"],
        "sources": {"appstore": {"app_id": "123456789"}},
    }
)
ZETA = Brand.model_validate(
    {"id": "zeta-air", "name": "Zeta Air", "query": '"zeta air"', "timezone": "Europe/Paris"}
)
OUTAGE = [
    "Acme Air flight cancelled again, nobody answers the phone",
    "flight cancelled and the acme air app is down",
    "@acmeair my flight cancelled, app down, want a refund",
]


def _m(
    brand: str, n: int, at: datetime, score: float, influence: float, text: str, **kw: object
) -> ScoredMention:
    source = str(kw.get("source", "reddit"))
    community = str(kw.get("community", ""))
    url = (
        f"https://www.reddit.com/r/{community or 'travel'}/comments/{n}"
        if source == "reddit"
        else f"https://news.ycombinator.com/item?id={n}"
    )
    handle = str(kw.get("handle", "someone"))
    karma = kw.get("karma")
    mention = Mention(
        source=source,
        native_id=f"{brand}{n}",
        created_at=at,
        text=text,
        url=url,
        author=Author(id=handle, handle=handle, karma=karma if isinstance(karma, int) else None),
        engagement=Engagement(score=int(str(kw.get("up", 0)))),
        community=community,
    )
    label: SentimentLabel = "negative" if score <= -0.05 else "positive" if score >= 0.05 else "neutral"
    reasons = ("cancelled",) if score < -0.5 else ()
    return ScoredMention(brand, mention, Sentiment(label, score, reasons=reasons), influence)


def _day() -> list[ScoredMention]:
    """A week of ordinary days, then an outage the day before the digest, then calm again."""
    found = []
    for d in range(1, 8):
        for k in range(20):
            at = AT - d * 24 * H - k * H
            text = "acme air late again" if k % 4 == 0 else "good flight with acme air"
            source = "reddit" if k % 3 else "hackernews"
            found.append(_m("acme-air", 1000 * d + k, at, 0.4 if k % 4 else -0.3, 20, text, source=source))
            found.append(_m("zeta-air", 1000 * d + k, at, 0.3, 20, "zeta air was fine"))
        found.append(
            _m("acme-air", 9000 + d, AT - d * 24 * H - 5 * H, 0.6, 10, "great app", source="appstore")
        )
    for k in range(18):
        at = AT - 20 * H + k * 10 * MIN
        found.append(
            _m(
                "acme-air",
                k,
                at,
                -0.7,
                30 + k,
                OUTAGE[k % 3],
                handle=f"traveller{k}",
                community="travel",
                karma=1200 * k,
                up=3 * k,
            )
        )
    stuck = "Acme Air cancelled my flight and the app is down. Stuck in Denver with no help"
    found.append(
        _m(
            "acme-air",
            99,
            AT - 19 * H,
            -0.8,
            88,
            stuck,
            handle="frequentflyer",
            community="aviation",
            karma=508000,
            up=5400,
        )
    )
    for k in range(22):
        at = AT - 12 * H + k * 30 * MIN
        found.append(
            _m(
                "acme-air",
                200 + k,
                at,
                0.3,
                15,
                "acme air crew was kind",
                source="reddit" if k % 2 else "hackernews",
            )
        )
        found.append(_m("zeta-air", 200 + k, at, 0.3, 15, "zeta air on time"))
    return found


def _digest() -> str:
    store = InMemoryMentionStore()
    store.save(_day())
    log = MemoryAlertLog(
        [
            LoggedAlert(
                "a1",
                "acme-air",
                "negative_share",
                "critical",
                AT - 20 * H + 30 * MIN,
                "12 of 16 mentions negative in the last hour (usually 2): cancelled, app down",
                "alert",
                "ec4683",
            ),
            LoggedAlert(
                "a2",
                "acme-air",
                "reputation_drop",
                "critical",
                AT - 19 * H + 30 * MIN,
                "reputation down 24 to 36 (was 60): cancelled, app down",
                "update",
                "ec4683",
            ),
            LoggedAlert(
                "a3",
                "acme-air",
                "negative_share",
                "critical",
                AT - 9 * H,
                "resolved after 11 h 00 min, worst index 31",
                "resolved",
                "ec4683",
            ),
        ]
    )
    mutes = MemoryMuteStore([Mute("acme-air", "volume_spike", AT + 4 * H, AT - 2 * H, "ana")])
    publisher = MemoryNoticePublisher()
    deps = DigestDeps(store, MemoryNoticeLedger(FixedClock(AT)), publisher, mutes, log)
    send_digests([ACME, ZETA], AT, deps)
    notice = publisher.published[0]
    return f"{notice.subject}\n\n{notice.text}"


def test_the_readme_digest_example_is_rendered_verbatim():
    section = README.read_text(encoding="utf-8").split("A daily digest the morning after an outage", 1)[1]
    shown = section.split("```\n", 1)[1].split("```", 1)[0]
    assert shown == _digest()
