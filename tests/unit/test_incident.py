"""The incident lifecycle, pure: open, fold, worse, grouping interval, reminder, settle and resolve,
quiet hours; each step's email id stable; the stored form round-trips."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from repmon.domain.incident import (
    Evidence,
    Incident,
    claim,
    due_step,
    email_id,
    fold,
    from_json,
    hold,
    holds,
    kind_of,
    sent,
    stale,
    to_json,
)
from repmon.domain.incident_settings import IncidentSettings, QuietHours, parse_duration
from repmon.domain.models import Severity

AT = datetime(2026, 11, 3, 3, 30, tzinfo=UTC)  # a Tuesday
MIN = timedelta(minutes=1)
SETTINGS = IncidentSettings()
W, C = Severity.WARNING, Severity.CRITICAL


def ev(rule: str, severity: Severity = W, at: datetime = AT, *keys: str) -> Evidence:
    return Evidence(rule, severity, at, f"{rule} crossed", keys or (rule,))


def opened(*evidence: Evidence, firing: frozenset[str] = frozenset({"reputation_low"})) -> Incident:
    incident = fold(None, "acme", AT, evidence or (ev("reputation_low"),), firing, 40.0)
    assert incident is not None
    return sent(claim(incident, "open", AT), "open", AT)


def test_nothing_firing_opens_nothing_and_a_first_firing_opens_an_incident_with_a_stable_id():
    assert fold(None, "acme", AT, [], frozenset(), 60.0) is None
    first = fold(None, "acme", AT, [ev("negative_share", C)], frozenset({"negative_share"}), 47.1)
    again = fold(None, "acme", AT, [ev("negative_share", C)], frozenset({"negative_share"}), 47.1)
    assert first is not None and again is not None and first.incident_id == again.incident_id
    assert (first.severity, first.version, due_step(first, AT, SETTINGS, False)) == (C, 1, "open")
    assert kind_of(first, "open") == "alert" and email_id(first, "open") != email_id(first, "update-1")


def test_a_firing_folded_twice_changes_nothing():
    # An outage (the index under its floor) with one influencer's complaint
    incident = opened(ev("reputation_low"), ev("influencer_negative", W, AT, "influencer_negative#reddit#a"))
    once = fold(
        incident,
        "acme",
        AT + MIN,
        [ev("influencer_negative", W, AT, "influencer_negative#reddit#a")],
        incident.firing,
        40.0,
    )
    assert once is incident  # no write at all
    more = fold(
        incident,
        "acme",
        AT + MIN,
        [ev("influencer_negative", W, AT, "influencer_negative#reddit#b")],
        incident.firing,
        40.0,
    )
    # Another influencer's complaint is more of the kind the opening email told of: it rides along
    # with the next email (at the latest the resolved one) rather than sending one of its own (issue
    # 8: folded, not an update)
    assert more is not None and more.counts()["influencer_negative"] == 2 and not more.unannounced
    # A post spreading fast asks the same of the manager (answer it): more of the same kind
    viral = fold(more, "acme", AT + 2 * MIN, [ev("viral_negative", W, AT, "viral#x")], more.firing, 40.0)
    assert viral is not None and not viral.unannounced
    # A 1-star wave of ratings is a new kind of evidence: it calls for an update
    rating = fold(viral, "acme", AT + 3 * MIN, [ev("rating_drop", W)], viral.firing, 40.0)
    assert rating is not None and rating.unannounced


def test_an_incident_of_events_alone_hears_of_each_new_post_as_it_would_close_without_an_email():
    # Opened by one influencer's complaint: events alone, closed without an email once settled
    incident = opened(ev("influencer_negative", W, AT, "influencer_negative#reddit#a"), firing=frozenset())
    # The same post, now spreading fast: read twice, not news
    same = fold(
        incident,
        "acme",
        AT + 5 * MIN,
        [ev("viral_negative", W, AT, "viral_negative#reddit#a")],
        frozenset(),
        40.0,
    )
    assert same is not None and not same.unannounced
    # Another post goes viral (issue 16: it must reach the manager before it spreads further): there
    # is no next email for it to ride with, so it is an update after the group interval, not a
    # quiet close with the incident
    other = fold(
        same, "acme", AT + 10 * MIN, [ev("viral_negative", W, AT, "viral_negative#x#b")], frozenset(), 40.0
    )
    assert other is not None and other.unannounced
    assert due_step(other, AT + 60 * MIN, SETTINGS, False) == "update-1"
    told = sent(claim(other, "update-1", AT + 60 * MIN), "update-1", AT + 60 * MIN)
    assert not told.unannounced and due_step(told, AT + 61 * MIN, SETTINGS, False) is None
    # As is another influencer's complaint, whatever the severity already told
    critical = opened(ev("influencer_negative", C, AT, "influencer_negative#reddit#a"), firing=frozenset())
    more = fold(
        critical,
        "acme",
        AT + 10 * MIN,
        [ev("influencer_negative", W, AT, "influencer_negative#x#c")],
        frozenset(),
        40.0,
    )
    assert more is not None and due_step(more, AT + 60 * MIN, SETTINGS, False) == "update-1"


def test_an_incident_of_events_alone_settled_before_its_group_interval_tells_its_news_before_closing():
    fast = IncidentSettings(settle=parse_duration("10m"))  # settles sooner than the group interval
    incident = opened(ev("influencer_negative", W, AT, "influencer_negative#reddit#a"), firing=frozenset())
    other = fold(
        incident, "acme", AT + 5 * MIN, [ev("viral_negative", W, AT, "viral_negative#x#b")], frozenset(), 40.0
    )
    assert other is not None
    settled = fold(other, "acme", AT + 10 * MIN, [], frozenset(), 40.0)
    assert settled is not None and settled.clear_since == AT + 10 * MIN
    # Closing now would close it quietly, the post spreading never told: its last email tells it
    assert due_step(settled, AT + 20 * MIN, fast, False) == "update-1"
    told = sent(claim(settled, "update-1", AT + 20 * MIN), "update-1", AT + 20 * MIN)
    assert due_step(told, AT + 25 * MIN, fast, False) == "resolved"  # then closed (quietly)


def test_the_index_rules_are_one_kind_of_evidence_so_the_floor_after_the_share_is_no_update():
    incident = opened(ev("negative_share", C))
    # An hour later the index falls under its floor: the same news in another figure, no email
    low = fold(
        incident, "acme", AT + 60 * MIN, [ev("reputation_low", C)], frozenset({"reputation_low"}), 28.0
    )
    assert low is not None and not low.unannounced
    assert due_step(low, AT + 120 * MIN, SETTINGS, False) is None
    # A 1-star wave of ratings is not the index: a kind of its own
    rating = fold(low, "acme", AT + 70 * MIN, [ev("rating_drop", C)], low.firing | {"rating_drop"}, 28.0)
    assert rating is not None and rating.unannounced
    assert due_step(rating, AT + 120 * MIN, SETTINGS, False) == "update-1"


def test_a_rise_in_severity_is_an_update_at_once_and_new_evidence_waits_for_the_group_interval():
    incident = opened(ev("reputation_drop", W))
    # A new kind of evidence of the same severity ten minutes later: folded, emailed only after the
    # interval
    later = fold(incident, "acme", AT + 10 * MIN, [ev("rating_drop", W)], frozenset({"rating_drop"}), 36.0)
    assert later is not None and due_step(later, AT + 10 * MIN, SETTINGS, False) is None
    assert due_step(later, AT + 60 * MIN, SETTINGS, False) == "update-1"
    # A critical firing: the update goes now
    worse = fold(later, "acme", AT + 15 * MIN, [ev("negative_share", C)], later.firing, 30.0)
    assert worse is not None and due_step(worse, AT + 15 * MIN, SETTINGS, False) == "update-1"
    done = sent(claim(worse, "update-1", AT + 15 * MIN), "update-1", AT + 15 * MIN)
    assert (done.updates, done.emails_sent, done.told_severity) == (1, 2, C) and not done.unannounced
    assert kind_of(done, "update-1") == "update"
    # Nothing new: no more emails until the reminder, one only
    assert due_step(done, AT + 23 * 60 * MIN, SETTINGS, False) is None
    assert due_step(done, AT + 15 * MIN + timedelta(hours=24), SETTINGS, False) == "reminder"
    reminded = sent(done, "reminder", AT + timedelta(hours=25))
    assert due_step(reminded, AT + timedelta(hours=60), SETTINGS, False) is None


def test_resolved_once_every_rule_stayed_recovered_for_the_settle_time_then_closed():
    incident = opened()
    clear = fold(incident, "acme", AT + 60 * MIN, [], frozenset(), 45.0)
    assert clear is not None and clear.clear_since == AT + 60 * MIN
    assert due_step(clear, AT + 119 * MIN, SETTINGS, False) is None
    # A rule firing again before the settle time is over: not resolved, the clock restarts
    relapse = fold(clear, "acme", AT + 90 * MIN, [], frozenset({"reputation_low"}), 33.0)
    assert relapse is not None and relapse.clear_since is None and relapse.lowest_index == 33.0
    assert due_step(relapse, AT + 3 * 60 * MIN, SETTINGS, False) is None
    clear = fold(relapse, "acme", AT + 100 * MIN, [], frozenset(), 45.0)
    assert clear is not None and due_step(clear, AT + 160 * MIN, SETTINGS, False) == "resolved"
    done = sent(claim(clear, "resolved", AT + 160 * MIN), "resolved", AT + 160 * MIN)
    assert done.closed and kind_of(done, "resolved") == "resolved"
    # The next firing opens a new incident
    new = fold(done, "acme", AT + 5 * 60 * MIN, [ev("reputation_low")], frozenset({"reputation_low"}), 30.0)
    assert new is not None and new.incident_id != done.incident_id and new.version == done.version + 1


def test_a_claim_is_the_runs_until_the_lease_is_over():
    claimed = claim(opened(), "reminder", AT)
    assert claimed.outbox is not None and not stale(claimed.outbox, AT + 2 * MIN)
    assert stale(claimed.outbox, AT + 5 * MIN) and due_step(claimed, AT + 5 * MIN, SETTINGS, False) is None


def test_quiet_hours_hold_what_is_not_critical_and_summarise_it_when_they_end():
    incident = fold(None, "acme", AT, [ev("reputation_low", W)], frozenset({"reputation_low"}), 33.0)
    assert incident is not None and holds("open", incident, quiet=True)
    assert not holds("open", incident, quiet=False)
    held = hold(incident, "open", AT)
    # Nothing more is due inside them; the summary when they end, its kind the most urgent held
    assert due_step(held, AT + 10 * MIN, SETTINGS, True) is None
    step = due_step(held, AT + 4 * 60 * MIN, SETTINGS, False)
    assert step is not None and step.startswith("quiet-") and kind_of(held, step) == "alert"
    done = sent(claim(held, step, AT + 4 * 60 * MIN), step, AT + 4 * 60 * MIN)
    assert (
        done.held == ()
        and done.emails_sent == 1
        and due_step(done, AT + 5 * 60 * MIN, SETTINGS, False) is None
    )
    # Critical opens and updates always go out; a resolution never interrupts the night
    critical = fold(None, "acme", AT, [ev("negative_share", C)], frozenset({"negative_share"}), 30.0)
    assert critical is not None and not holds("open", critical, quiet=True)
    assert holds("resolved", critical, quiet=True)


def test_an_incident_resolved_in_quiet_hours_closes_with_its_summary():
    incident = hold(fold(None, "acme", AT, [ev("reputation_low")], frozenset(), 33.0) or opened(), "open", AT)
    resolved = hold(
        fold(incident, "acme", AT + MIN, [], frozenset(), 50.0) or incident, "resolved", AT + 70 * MIN
    )
    assert not resolved.closed and resolved.resolved_at is not None
    step = due_step(resolved, AT + 4 * 60 * MIN, SETTINGS, False)
    # Over: its kind says so (an `alert` would open a ticket nothing closes)
    assert step is not None and step.startswith("quiet-") and kind_of(resolved, step) == "resolved"
    assert sent(claim(resolved, step, AT + 4 * 60 * MIN), step, AT + 4 * 60 * MIN).closed


def test_the_stored_form_round_trips():
    incident = claim(
        hold(opened(ev("reputation_low"), ev("influencer_negative", C, AT, "i#a", "i#b")), "update-1", AT),
        "x",
        AT,
    )
    assert from_json(to_json(incident)) == incident


@pytest.mark.parametrize(
    ("at", "quiet"),
    [
        (datetime(2026, 11, 2, 21, 30, tzinfo=UTC), True),  # Mon 22:30 in Paris
        (datetime(2026, 11, 3, 5, 59, tzinfo=UTC), True),  # Tue 06:59: Monday's window, not over
        (datetime(2026, 11, 3, 6, 0, tzinfo=UTC), False),  # Tue 07:00
        (datetime(2026, 11, 7, 22, 0, tzinfo=UTC), False),  # Sat 23:00: no window starts on Saturday
        (datetime(2026, 11, 8, 5, 0, tzinfo=UTC), False),  # Sun 06:00: Saturday's, none
    ],
)
def test_quiet_hours_are_local_time_and_a_window_belongs_to_the_day_it_starts(at, quiet):
    hours = QuietHours(window="22:00-07:00", days=("monday", "tuesday", "wednesday", "thursday", "friday"))
    assert hours.covers(at, ZoneInfo("Europe/Paris")) is quiet


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"quiet_hours": {"window": "22:00-7:00"}}, "is not a window"),
        ({"quiet_hours": {"window": "22:00-22:00"}}, "same time"),
        ({"quiet_hours": {"window": "22:00-07:00", "days": ["funday"]}}, "monday"),
        ({"group_interval": "an hour"}, "is not a duration"),
        ({"settle": "-5m"}, "is not a duration"),
        ({"repeat_interval": "10m"}, "greater than or equal"),
    ],
)
def test_bad_incident_settings_are_refused_in_words(settings, message):
    with pytest.raises(ValidationError, match=message):
        IncidentSettings.model_validate(settings)


def test_settings_read_back_as_stored():
    # The watchlist is stored as model_dump_json writes it (durations in ISO 8601)
    settings = IncidentSettings.model_validate({"repeat_interval": "7d", "settle": "1h30m"})
    assert IncidentSettings.model_validate_json(settings.model_dump_json()) == settings
    assert parse_duration("P28D") == timedelta(days=28)


def test_durations_read_as_people_write_them():
    settings = IncidentSettings.model_validate(
        {"group_interval": "1h30m", "repeat_interval": "2d", "settle": 45}
    )
    assert (settings.group_interval, settings.repeat_interval, settings.settle) == (
        timedelta(minutes=90),
        timedelta(days=2),
        timedelta(minutes=45),
    )
