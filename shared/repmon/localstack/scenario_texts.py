"""The demo's mention texts: templates of our own, filled with varied details, never twice the same.

A crisis told by the same six sentences would read as duplicates in the demo's table and emails;
real people describe one outage in many ways. Each phase has its templates, and `TextMaker` fills
them from its own seeded generator (so the scenario's timing and volumes do not depend on it) and
redraws any text it already produced.
"""

from __future__ import annotations

import random
import string
from dataclasses import dataclass, field

CITIES = (
    "Denver",
    "Lisbon",
    "Chicago",
    "Boston",
    "Austin",
    "Dublin",
    "Seattle",
    "Toronto",
    "Madrid",
    "Phoenix",
)
SLOTS: dict[str, tuple[str, ...]] = {
    "city": CITIES,
    "flight": tuple(f"AA{n}" for n in range(210, 990, 37)),
    "hours": ("3", "4", "5", "6", "7", "9"),
    "minutes": ("10", "15", "20", "25", "40", "45"),
    "gate": ("B4", "B12", "C7", "C22", "D3", "A15"),
    "bag": ("bag", "suitcase", "stroller", "guitar", "carry-on"),
    "part": ("morning", "evening", "afternoon", "early"),
    "event": ("sister's wedding", "job interview", "connection", "cruise", "conference talk"),
    "count": ("200", "300", "dozens", "hundreds"),
    "season": ("holidays", "spring break", "summer", "long weekend"),
    "day": ("2", "3", "4", "5"),
    "whom": ("my landlord", "my parents", "friends abroad", "my roommate"),
    "account": ("savings account", "joint account", "business account", "checking account"),
    "topic": ("fees", "a transfer", "my card limit", "overdrafts", "a mortgage"),
}

CALM_ACME = (
    "Smooth flight with @acmeair to {city} this {part}, crew was lovely",
    "Acme Air boarding at gate {gate} in {city} was quick today, no complaints",
    "Booked Acme Air to {city} for the {season}, fares looked fair",
    "Decent legroom on Acme Air flight {flight}, snacks were fine",
    "Acme Air landed in {city} {minutes} minutes early, nice",
    "Anyone flown Acme Air to {city} in the {season}? Thinking about it",
    "Acme Air crew on {flight} were friendly and the cabin was clean",
)
CRISIS_ACME = (
    "@acmeair flight {flight} cancelled again, {hours} hours on hold and still no answer",
    "Stuck at gate {gate} in {city} for {hours} hours, Acme Air says nothing. Where is my refund?",
    "Acme Air lost my {bag} on the {city} flight and nobody replies to emails. Worst airline ever",
    "Thanks @acmeair for the {hours} hour delay in {city} and zero updates, really great",
    "Acme Air app is down, can't rebook {flight}, phone line drops after {minutes} minutes of waiting",
    "Acme Air cancelled every {part} flight out of {city}, absolute chaos",
    "Day {day} of waiting for Acme Air to refund my cancelled {city} trip. Terrible service",
    "Acme Air hung up on me twice today, {flight} still cancelled and no hotel in {city}",
    "Missed my {event} because Acme Air cancelled {flight}. Never again",
    "@acmeair {count} of us sleeping on the floor at {city} airport, no vouchers, no staff",
)
RECOVERED_ACME = (
    "Acme Air rebooked me to {city} quickly in the end and refunded the fees, appreciated",
    "Credit to @acmeair staff at the {city} desk today, they were calm and helpful",
    "Acme Air flights back on schedule, made my connection in {city}",
    "Acme Air {flight} left on time today, glad things are back to normal",
    "Acme Air refunded my {city} ticket within a week, good to see",
)
GLOBEX = (
    "Globex bank app makes transfers to {whom} easy, even from {city}",
    "Opened a Globex bank {account} in {city} today, quick process",
    "Globex bank card arrived in {day} days, nice. Asked about {topic} too, all clear",
    "Globex bank support answered my question about {topic} in {minutes} minutes",
    "Happy with Globex bank so far, clear answers on {topic} at the {city} branch",
)
BAD_REVIEW_TITLES = (
    "Useless when it matters",
    "Can't rebook",
    "Crashes at check-in",
    "No way to reach anyone",
)
GOOD_REVIEW_TITLES = ("Does the job", "Handy boarding passes", "Easy rebooking", "Quick check-in")


@dataclass
class TextMaker:
    """Draws texts from templates with varied details; no text is handed out twice."""

    rng: random.Random
    used: set[str] = field(default_factory=set)

    def draw(self, templates: tuple[str, ...]) -> str:
        for _ in range(1000):  # the template space is far larger than the demo's few hundred texts
            template = self.rng.choice(templates)
            names = [name for _, name, _, _ in string.Formatter().parse(template) if name]
            text = template.format(**{name: self.rng.choice(SLOTS[name]) for name in names})
            if text not in self.used:
                self.used.add(text)
                return text
        raise RuntimeError(f"templates exhausted: {templates[0]!r}...")
