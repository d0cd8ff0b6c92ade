"""The demo's scripted stream: varied texts, each phase reading as it should."""

from __future__ import annotations

from datetime import datetime

from repmon.adapters.vader_scorer import CxVaderScorer
from repmon.localstack.fakes.server import SourceWorld
from repmon.localstack.scenario import CRISIS, RECOVERY, Scenario


def _stream() -> list[tuple[bool, str, int | None]]:
    """(in the crisis, the text as scored, the rating) of every Acme Air mention the demo serves."""
    world = SourceWorld()
    scenario = Scenario.create(world)
    for hour in scenario.hours():
        scenario.fill_hour(hour)
    items: list[tuple[datetime, str, int | None]] = [
        (p.created, f"{p.title}\n{p.selftext}".strip(), None) for p in world.posts.values()
    ]
    items += [(h.created, h.text, None) for h in world.hn_items.values()]
    items += [(r.created, f"{r.title}\n{r.content}", r.rating) for r in world.reviews]
    return [(CRISIS <= at.replace(minute=0, second=0) < RECOVERY, text, rating) for at, text, rating in items]


def test_no_two_mentions_of_the_scripted_stream_are_the_same():
    texts = [text for _, text, _ in _stream()]
    assert len(texts) > 200 and len(set(texts)) == len(texts)


def test_crisis_mentions_read_negative_and_the_others_do_not():
    scorer = CxVaderScorer()
    wrong = [
        text
        for crisis, text, rating in _stream()
        if (scorer.score(text, rating).label == "negative") != (crisis and "Globex" not in text)
    ]
    assert wrong == []
