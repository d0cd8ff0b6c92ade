"""The evaluate use case against in-memory fakes: once per crossing, retries, failures, grouping."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from repmon.domain.brand import Brand, Notifications
from repmon.domain.models import Alert, HourlyAggregate, Severity
from repmon.domain.reputation import baseline_span, index
from repmon.domain.rules import INFLUENCER_NEGATIVE, REPUTATION_DROP, REPUTATION_LOW, VOLUME_SPIKE
from repmon.services.evaluate import (
    EvaluationResult,
    EvaluationRun,
    Timing,
    evaluate_all,
    evaluate_brand,
    influencer_key,
)
from tests.fakes import InMemoryAlertLedger, InMemoryMentionStore, RecordingPublisher, scored_mention

AT = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
H = timedelta(hours=1)
MIN5 = timedelta(minutes=5)


def _brand(brand_id: str = "acme", **notifications: object) -> Brand:
    settings = Notifications.model_validate(notifications)
    return Brand(id=brand_id, name="Acme Air", query='"acme air"', notifications=settings)


class World:
    """A brand with a calm positive week behind it, and the fakes the evaluator talks to."""

    def __init__(self, brand: Brand | None = None, baseline: bool = True) -> None:
        self.brand = brand or _brand()
        self.store = InMemoryMentionStore()
        self.ledger = InMemoryAlertLedger()
        self.publisher = RecordingPublisher()
        if baseline:
            for hours in range(24, 24 + 7 * 24 + 48):  # index ~63 before every window used below
                self.bucket(AT - hours * H, mentions=2, mean=0.3)

    def bucket(self, hour: datetime, mentions: int, mean: float) -> None:
        """One hour of `mentions` unknown authors (weight 1) scoring `mean` on average."""
        negative, positive = (mentions, 0) if mean < 0 else (0, mentions)
        self.store.aggregates[(self.brand.id, hour)] = HourlyAggregate(
            self.brand.id,
            hour,
            mentions=mentions,
            negative=negative,
            positive=positive,
            weight_sum=mentions,
            weighted_sentiment_sum=mentions * mean,
        )

    def set_index(self, at: datetime, value: float) -> None:
        """Make the 24-hour window before `at` hold one bucket (6 h back) whose index is `value`."""
        for hour in [at - h * H for h in range(1, 25)]:
            self.store.aggregates.pop((self.brand.id, hour), None)
        span = baseline_span(at, self.brand.thresholds)
        prior = (index(self.store.hourly(self.brand.id, span.since, span.until)) or 50.0) - 50
        # 60 mentions averaging m, K = 40 phantom ones at the prior: 50 + 50*(60m + 40p/50)/100
        self.bucket(at - 6 * H, mentions=60, mean=(value - 50 - 0.4 * prior) / 30)

    def run(self, at: datetime) -> EvaluationResult:
        return evaluate_brand(self.brand, at, self.store, self.ledger, self.publisher)

    def rules_published(self) -> list[str]:
        return [a.rule for a in self.publisher.published]


def fired(*results: EvaluationResult) -> list[str]:
    """The rules that fired in these runs, in order (each folded into the brand's incident)."""
    return [f.rule for r in results for f in r.firings]


def test_a_crisis_fires_each_crossed_rule_once():
    # Given a calm week, then a day whose index is 30 (under 35, 33 under the baseline)
    world = World()
    world.set_index(AT, 30.0)
    # When the evaluator runs, and again every five minutes while nothing changes
    first = world.run(AT)
    later = [world.run(AT + n * MIN5) for n in range(1, 6)]
    # Then the low and the drop rules fired once each, and never again while firing
    assert sorted(fired(first, *later)) == [REPUTATION_DROP, REPUTATION_LOW]
    # And one email opened the brand's incident, none followed while nothing changed
    [email] = world.publisher.published
    assert email.kind == "alert" and email.incident is not None and email.incident.status == "OPEN"
    assert len(first.published) == 1 and all(not r.published for r in later)
    # The worst of the two: the drop, 33 points (10+ past its 15)
    assert email.severity is Severity.CRITICAL and email.index == pytest.approx(30.0)
    baseline = 50 + 50 * (336 * 0.3) / (336 + 40)  # a week of 2 mentions an hour at +0.3
    assert first.change == pytest.approx(30.0 - baseline) and email.change == first.change


def test_rearms_only_after_recovery_past_the_margin():
    # Given reputation_low fired at 30
    world = World()
    world.set_index(AT, 30.0)
    results = [world.run(AT)]
    first_id = world.ledger.state("acme", REPUTATION_LOW).alert_id
    # When the index hovers between the threshold and the recovery level, dipping under again
    for n, value in enumerate([37.0, 33.0, 39.0, 34.0], start=1):
        world.set_index(AT + n * H, value)
        results.append(world.run(AT + n * H))
    # Then nothing re-fires
    assert fired(*results).count(REPUTATION_LOW) == 1
    # When it recovers past 40, then falls again
    world.set_index(AT + 5 * H, 41.0)
    recovered = world.run(AT + 5 * H)
    world.set_index(AT + 6 * H, 30.0)
    again = world.run(AT + 6 * H)
    # Then it re-armed and fired for the new crossing under a new id
    assert recovered.rearmed >= 1
    assert fired(recovered, again).count(REPUTATION_LOW) == 1
    assert world.ledger.state("acme", REPUTATION_LOW).alert_id != first_id


def test_a_retried_run_publishes_nothing_new():
    # Given a run at AT that published its alerts
    world = World()
    world.set_index(AT, 30.0)
    world.run(AT)
    # When the scheduler retries the same run (same scheduled time)
    retry = world.run(AT)
    # Then nothing is published twice
    assert retry.published == () and len(world.publisher.published) == 1


def test_publish_failure_is_sent_by_the_next_run_exactly_once_under_the_same_id():
    # Given SNS fails for the incident's opening email
    world = World()
    world.set_index(AT, 30.0)
    world.publisher.fail_next = 1
    failed = world.run(AT)
    incident = world.ledger.incident("acme")
    assert incident is not None and incident.outbox is not None
    claimed = incident.outbox.email_id
    # When the next runs find the rules still past their thresholds
    nxt = world.run(AT + MIN5)
    world.run(AT + 2 * MIN5)
    # Then the email went out exactly once, with the id claimed by the failed run
    assert len(failed.errors) == 1 and failed.published == ()
    assert [a.alert_id for a in world.publisher.published] == [claimed] and len(nxt.published) == 1


def test_a_retry_of_a_failed_run_leaves_its_claim_to_the_next_run():
    world = World()
    world.set_index(AT, 30.0)
    world.publisher.fail_next = 1
    world.run(AT)
    # When the very same run is retried (its claim is within the lease) / Then it sends nothing,
    # the next scheduled run sends it, and a later one nothing
    assert world.run(AT).published == ()
    assert len(world.run(AT + MIN5).published) == 1
    assert world.run(AT + 2 * MIN5).published == ()


def test_an_unsent_alert_is_still_sent_while_the_rule_holds():
    # Given a claimed-but-unsent low alert, then an index inside the hysteresis band
    world = World(baseline=False)
    world.set_index(AT, 30.0)
    world.publisher.fail_next = 1
    world.run(AT)
    world.set_index(AT + H, 37.0)
    # When the next run holds / Then the crossing is still announced (never silence)
    assert [(a.rule, a.kind) for a in world.run(AT + H).published] == [(REPUTATION_LOW, "alert")]


class BrokenForOneBrand(InMemoryMentionStore):
    def hourly(self, brand_id, since, until):
        if brand_id == "broken":
            raise RuntimeError("injected store failure")
        return super().hourly(brand_id, since, until)


def test_one_failing_brand_does_not_stop_the_others():
    # Given three brands, the middle one's data unreadable, the others in crisis
    store, ledger, publisher = BrokenForOneBrand(), InMemoryAlertLedger(), RecordingPublisher()
    brands = [_brand("alpha"), _brand("broken"), _brand("zulu")]
    for brand in brands:
        world = World(brand)
        world.set_index(AT, 30.0)
        store.aggregates.update(world.store.aggregates)
    # When all are evaluated
    run = evaluate_all(brands, AT, store, ledger, publisher)
    # Then the failure is recorded and both healthy brands alerted
    assert set(run.failed) == {"broken"} and "injected store failure" in run.failed["broken"]
    assert {a.brand_id for a in publisher.published} == {"alpha", "zulu"}
    assert (run.published, run.errors) == (2, 1) and run.problems == run.failed


def test_publish_failures_are_reported_by_brand():
    world = World()
    world.set_index(AT, 30.0)
    world.publisher.fail_next = 1
    run = evaluate_all([world.brand], AT, world.store, world.ledger, world.publisher)
    assert run.errors == 1 and run.failed == {} and "publish failed" in run.problems["acme"]


def test_influencer_negatives_are_grouped_in_one_alert_and_never_resent():
    # Given three influential negative mentions and one ordinary one in the window
    world = World(baseline=False)
    loud = [scored_mention("acme", AT - (i + 1) * H, -0.7, 80 + i, native_id=f"loud{i}") for i in range(3)]
    world.store.save([*loud, scored_mention("acme", AT - H, -0.9, 10, native_id="quiet")])
    # When two runs evaluate them
    first = world.run(AT)
    second = world.run(AT + MIN5)
    # Then one alert lists the three, most influential first, and none is sent again
    [alert] = [a for a in first.published if a.rule == INFLUENCER_NEGATIVE]
    assert [m.key for m in alert.top_mentions] == ["reddit#loud2", "reddit#loud1", "reddit#loud0"]
    assert alert.details["mentions"] == 3 and second.published == ()
    # When a fourth arrives / Then the next alert holds only the new one
    world.store.save([scored_mention("acme", AT, -0.8, 90, native_id="loud3")])
    [new] = world.run(AT + 2 * H).published
    assert [m.key for m in new.top_mentions] == ["reddit#loud3"] and new.alert_id != alert.alert_id
    assert world.ledger.state("acme", influencer_key(loud[0])).sent


def test_below_min_severity_nothing_is_published_but_an_escalation_is():
    # Given a brand that only wants critical alerts and no baseline (only reputation_low can fire)
    world = World(_brand(min_severity=Severity.CRITICAL), baseline=False)
    world.set_index(AT, 30.0)
    # When the index crosses 35 (warning) / Then it is suppressed and counted
    quiet = world.run(AT)
    assert quiet.published == () and quiet.suppressed == 1
    # When it falls 10+ points under the threshold / Then the critical alert goes out, once
    world.set_index(AT + H, 22.0)
    loud = world.run(AT + H)
    world.run(AT + H + MIN5)
    assert [(a.rule, a.severity) for a in loud.published] == [(REPUTATION_LOW, Severity.CRITICAL)]
    assert len(world.publisher.published) == 1


def test_notifications_off_publish_nothing():
    world = World(_brand(enabled=False))
    world.set_index(AT, 30.0)
    result = world.run(AT)
    assert result.published == () and result.suppressed == 2 and world.publisher.published == []


def test_three_mentions_cannot_swing_the_index_into_an_alert():
    # Given a calm week, then a day with only three very negative mentions (influential, not influencers)
    world = World()
    for hour in [AT - h * H for h in range(1, 25)]:
        world.store.aggregates.pop(("acme", hour), None)
    world.store.save([scored_mention("acme", AT - 3 * H, -1.0, 65, native_id=f"m{i}") for i in range(3)])
    # When evaluated / Then no alert fires
    result = world.run(AT)
    assert result.published == () and result.index is not None and result.index > 36


def test_volume_spike_lists_the_most_influential_mentions_of_the_last_hour():
    # Given 40 mentions in the last hour against ~2 an hour, one author far more influential
    world = World()
    spike = [
        scored_mention("acme", AT - timedelta(minutes=i + 1), -0.2, 5, native_id=f"v{i}") for i in range(39)
    ]
    world.store.save([*spike, scored_mention("acme", AT - MIN5, 0.3, 60, native_id="star")])
    # When evaluated
    [alert] = [a for a in world.run(AT).published if a.rule == VOLUME_SPIKE]
    # Then the spike alert leads with the influential author and carries the ratio
    assert alert.top_mentions[0].key == "reddit#star" and len(alert.top_mentions) == 5
    assert alert.details["value"] == 40 and alert.details["ratio"] == 20.0


def test_index_alerts_carry_the_most_negative_mentions_of_the_window():
    world = World()
    world.set_index(AT, 30.0)
    world.store.save([scored_mention("acme", AT - 2 * H, s, native_id=f"n{s}") for s in (-0.2, -0.9, -0.5)])
    [alert] = world.run(AT).published
    assert alert.rule in (REPUTATION_LOW, REPUTATION_DROP)
    assert [m.sentiment.score for m in alert.top_mentions] == [-0.9, -0.5, -0.2]
    assert alert.details["window_hours"] == 24 and alert.details["baseline_hours"] == 168
    # The index thresholds travel with every alert, so its email shows the index as the rule did
    assert (alert.details["reputation_low"], alert.details["reputation_drop"]) == (35.0, 15.0)


class ReentrantPublisher(RecordingPublisher):
    """While publishing, a second delivery of the same scheduled run evaluates the brand."""

    def __init__(self, world: World, at: datetime) -> None:
        super().__init__()
        self.world, self.at, self.nested = world, at, False

    def publish(self, alert: Alert, within: float | None = None) -> str:
        if not self.nested:
            self.nested = True
            self.world.run(self.at)  # the overlapping delivery, mid-publish
        return super().publish(alert, within)


def test_two_overlapping_deliveries_of_one_run_send_each_alert_once():
    # Given a crisis, and a ledger whose claims hold a lease, as DynamoAlertLedger's do
    world = World()
    world.ledger = InMemoryAlertLedger(lease=timedelta(minutes=2))
    world.set_index(AT, 30.0)
    world.publisher = ReentrantPublisher(world, AT)
    # When the scheduler delivers the run twice and the second starts while the first publishes
    world.run(AT)
    # Then the incident's opening email went out once
    assert len(world.publisher.published) == 1 and world.publisher.published[0].kind == "alert"


def test_a_run_out_of_time_defers_the_rest_and_no_brand_is_always_last():
    # Given ten brands and a run that has time for three
    brands = [_brand(f"b{n}") for n in range(10)]
    store, ledger, publisher = InMemoryMentionStore(), InMemoryAlertLedger(), RecordingPublisher()

    def run(at: datetime) -> EvaluationRun:
        budget = iter([60.0, 60.0, 60.0, 1.0])
        return evaluate_all(brands, at, store, ledger, publisher, Timing(lambda: next(budget, 1.0)))

    first = run(AT)
    # Then three are evaluated and the other seven are named as deferred, not silently dropped
    assert len(first.results) == 3 and len(first.deferred) == 7
    assert {r.brand_id for r in first.results} | set(first.deferred) == {b.id for b in brands}
    # And a retry of the same run takes the same ones, while later runs reach every brand
    assert [r.brand_id for r in run(AT).results] == [r.brand_id for r in first.results]
    reached = {r.brand_id for n in range(40) for r in run(AT + n * MIN5).results}
    assert reached == {b.id for b in brands}


def test_a_vip_complaint_under_influencer_min_but_over_the_vip_bar_fires(monkeypatch):
    # Given influencer_min 70, by_tier.vip.influencer_min 20, and a window already holding more
    # complaints over the VIP's influence (under the brand's bar) than the evaluator scans for it
    from dataclasses import replace

    from repmon.domain.brand import Thresholds
    from repmon.services import alerting

    monkeypatch.setattr(alerting, "INFLUENCER_SCAN", 2)
    thresholds = Thresholds.model_validate({"by_tier": {"vip": {"influencer_min": 20}}})
    brand = Brand(id="acme", name="Acme Air", query='"acme air"', thresholds=thresholds)
    world = World(brand, baseline=False)
    crowd = [scored_mention("acme", AT - 3 * H, -0.7, 50, native_id=f"c{i}") for i in range(2)]
    world.store.save(crowd)
    vip = scored_mention("acme", AT - H, -0.6, 30, native_id="vip", source="bluesky")
    plain = scored_mention("acme", AT - H, -0.6, 30, native_id="plain", source="bluesky")
    world.store.save([replace(vip, mention=replace(vip.mention, customer_tier="vip")), plain])
    # When the evaluator runs
    result = world.run(AT)
    # Then the VIP's complaint fires influencer_negative, the unknown author's does not
    [alert] = [a for a in result.published if a.rule == INFLUENCER_NEGATIVE]
    assert [m.key for m in alert.top_mentions] == ["bluesky#vip"]
