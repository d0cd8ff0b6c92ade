"""`repmon alerts mute`: a muted rule's firing is not claimed (no email) until the mute ends; then,
if the rule still fires, it is announced as any new crossing is."""

from __future__ import annotations

from datetime import timedelta

from repmon.adapters.memory_notices import MemoryMuteStore
from repmon.domain.mutes import ALL_RULES, Mute
from repmon.domain.rules import REPUTATION_DROP, REPUTATION_LOW
from repmon.services.evaluate import evaluate_all
from tests.unit.test_evaluate import AT, MIN5, World


def _run(world: World, mutes: MemoryMuteStore, at=AT):  # type: ignore[no-untyped-def]
    return evaluate_all([world.brand], at, world.store, world.ledger, world.publisher, mutes=mutes)


def test_a_brand_muted_for_an_hour_sends_nothing_then_announces_what_still_fires():
    world = World()
    world.set_index(AT, 30.0)  # reputation_low and reputation_drop cross
    mutes = MemoryMuteStore([Mute("acme", ALL_RULES, AT + timedelta(hours=1), AT - MIN5, "ana")])
    muted = [_run(world, mutes, AT + n * MIN5) for n in range(12)]
    assert world.publisher.published == [] and all(r.suppressed >= 2 for r in muted)
    assert world.ledger.state("acme", REPUTATION_LOW).firing is False  # not claimed: re-fires later
    after = _run(world, mutes, AT + timedelta(hours=1))
    assert after.published == 1 and len(world.publisher.published) == 1


def test_muting_one_rule_leaves_the_others():
    world = World()
    world.set_index(AT, 30.0)
    mutes = MemoryMuteStore([Mute("acme", REPUTATION_DROP, AT + timedelta(hours=6), AT)])
    run = _run(world, mutes)
    assert [f.rule for r in run.results for f in r.firings] == [REPUTATION_LOW]
    assert len(world.publisher.published) == 1


def test_a_rule_muted_while_its_incident_is_open_does_not_email_its_escalation_until_the_mute_ends():
    # Given an incident opened by reputation_low (warning: index 30, no baseline)
    world = World(baseline=False)
    world.set_index(AT, 30.0)
    none = MemoryMuteStore([])
    _run(world, none, AT)
    # When the manager mutes that rule for an hour and it turns critical (index 22) meanwhile
    mutes = MemoryMuteStore([Mute("acme", REPUTATION_LOW, AT + timedelta(hours=1), AT + MIN5, "ana")])
    world.set_index(AT + MIN5, 22.0)
    for n in range(1, 12):
        _run(world, mutes, AT + n * MIN5)
    # Then nothing more is emailed while it is muted (the incident does not grow), and the
    # escalation is announced once the mute ends
    assert [e.kind for e in world.publisher.published] == ["alert"]
    _run(world, mutes, AT + timedelta(hours=1))
    assert [e.kind for e in world.publisher.published] == ["alert", "update"]


def test_a_brand_muted_while_its_incident_is_open_hears_its_end_once_when_the_mute_ends():
    # Given an open incident (reputation_low, index 30) and the brand muted for three hours
    world = World(baseline=False)
    world.set_index(AT, 30.0)
    _run(world, MemoryMuteStore([]), AT)
    mutes = MemoryMuteStore([Mute("acme", ALL_RULES, AT + timedelta(hours=3), AT + MIN5, "ana")])
    # When it recovers at once (index 60) and stays so past the settle time, inside the mute
    world.set_index(AT + MIN5, 60.0)
    for n in range(1, 36):
        _run(world, mutes, AT + n * MIN5)
    # Then the all-clear waits for the mute to end, and goes once then
    assert [e.kind for e in world.publisher.published] == ["alert"]
    for n in range(36, 40):
        _run(world, mutes, AT + n * MIN5)
    assert [e.kind for e in world.publisher.published] == ["alert", "resolved"]


def test_an_all_clear_claimed_before_a_brand_mute_and_not_sent_waits_for_the_mute_to_end():
    # Given an incident that recovered, whose all-clear was claimed but failed to publish
    world = World(baseline=False)
    world.set_index(AT, 30.0)
    none = MemoryMuteStore([])
    _run(world, none, AT)
    world.set_index(AT + MIN5, 60.0)
    world.publisher.fail_next = 100
    n = 1
    while world.publisher.fail_next == 100 and n < 30:  # until a publish is tried (and fails)
        _run(world, none, AT + n * MIN5)
        n += 1
    world.publisher.fail_next = 0
    assert [e.kind for e in world.publisher.published] == ["alert"]
    assert (incident := world.ledger.incident("acme")) is not None and incident.outbox is not None
    assert incident.outbox.step == "resolved"
    # When the brand is muted for two hours before the claim's lease runs out
    start = AT + n * MIN5
    mutes = MemoryMuteStore([Mute("acme", ALL_RULES, start + timedelta(hours=2), start, "ana")])
    for k in range(0, 24):
        _run(world, mutes, start + k * MIN5)
    # Then it is not sent under the mute, and goes once when the mute ends
    assert [e.kind for e in world.publisher.published] == ["alert"]
    for k in range(24, 28):
        _run(world, mutes, start + k * MIN5)
    assert [e.kind for e in world.publisher.published] == ["alert", "resolved"]
