"""The whole pipeline on the stack built from template.yaml: real handlers, real praw/requests against
the local source endpoints, the emulated scheduler and SQS poller. Retries and redeliveries never
duplicate a mention, a count or an email; one bad item or one failing source stops nothing else."""

from __future__ import annotations

import gzip
import io
import json
import uuid
from collections.abc import Iterator
from contextlib import redirect_stdout
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest

from repmon.adapters.dynamo_items import iso
from repmon.adapters.dynamo_state import DynamoCursorStore, DynamoWatchlist
from repmon.adapters.dynamo_store import DynamoMentionStore
from repmon.domain.brand import Brand
from repmon.domain.models import Author, Mention, ScoredMention, Sentiment
from repmon.localstack.fakes.server import FakeSources, SourceWorld
from repmon.localstack.runtime import AlertInbox, DrainResult, LocalRuntime
from repmon.localstack.server import MotoServer
from repmon.localstack.stack import LocalStack
from tests.fakes import FixedClock

T0 = datetime(2026, 11, 2, 12, 0, tzinfo=UTC)
APP = "1234567890"
WINDOWS = {"window_hours": 4, "baseline_hours": 24}
BRANDS = [
    Brand.model_validate(
        {
            "id": "acme",
            "name": "Acme Air",
            "query": '"acme air" OR @acmeair',
            "thresholds": WINDOWS,
            "sources": {"appstore": {"app_id": APP}},
            "notifications": {"min_severity": "info"},
        }
    ),
    Brand.model_validate({"id": "globex", "name": "Globex", "query": "globex", "thresholds": WINDOWS}),
]
pytestmark = pytest.mark.slow


@dataclass
class Pipeline:
    stack: LocalStack
    world: SourceWorld
    runtime: LocalRuntime
    inbox: AlertInbox
    store: DynamoMentionStore
    #: What the handlers printed: their EMF metric lines.
    stdout: io.StringIO = field(default_factory=io.StringIO)

    def metric(self, name: str) -> float:
        lines = [json.loads(line) for line in self.stdout.getvalue().splitlines() if '"_aws"' in line]
        return sum(sum(m.get(name, [])) for m in lines)

    def cycle(self, at: datetime) -> dict[str, DrainResult]:
        self.world.now = at
        with redirect_stdout(self.stdout):
            self.runtime.run_schedule("plan_polls", at)
            drained = {
                q: self.runtime.drain(q, "collect_mentions")
                for q in ("RedditPollJobQueueUrl", "PollJobQueueUrl")
            }
            self.runtime.run_schedule("evaluate_reputation", at)
        return drained

    def count(self, brand_id: str) -> int:
        return sum(
            a.mentions for a in self.store.hourly(brand_id, T0 - timedelta(days=3), T0 + timedelta(days=1))
        )


@pytest.fixture(scope="module")
def moto_endpoint() -> Iterator[str]:
    server = MotoServer(isolated=True)
    yield server.start()
    server.stop()


@pytest.fixture
def pipeline(moto_endpoint: str) -> Iterator[Pipeline]:
    world = SourceWorld(now=T0)
    with FakeSources(world) as sources:
        stack = LocalStack(endpoint_url=moto_endpoint, stack_name=f"t{uuid.uuid4().hex[:10]}").start()
        stack.create_secret(
            "repmon/reddit", {"client_id": "id", "client_secret": "s", "user_agent": "repmon-tests/1"}
        )
        table = stack.outputs["TableName"]
        DynamoWatchlist(table, client=stack.client("dynamodb")).replace(BRANDS)
        runtime = LocalRuntime(stack, env={"collect_mentions": sources.collector_env()})
        store = DynamoMentionStore(table, FixedClock(T0), client=stack.client("dynamodb"))
        yield Pipeline(stack, world, runtime, AlertInbox(stack, f"inbox-{uuid.uuid4().hex[:8]}"), store)


def _populate(world: SourceWorld) -> None:
    world.add_reddit_user("pat", link_karma=5000, comment_karma=900)
    for n in range(3):
        world.add_reddit_post(
            title=f"Acme Air flight {n} was fine",
            subreddit="travel",
            author="pat",
            created=T0 - timedelta(minutes=50 - n),
        )
    world.add_reddit_post(title="Globex card arrived", subreddit="money", created=T0 - timedelta(minutes=30))
    world.add_reddit_post(
        title="Unrelated post about anvils", subreddit="travel", created=T0 - timedelta(minutes=20)
    )
    world.add_hn_item(
        kind="comment", text="Acme Air&#x27;s <i>booking</i> site is down", created=T0 - timedelta(minutes=10)
    )
    world.add_appstore_review(
        app_id=APP, title="Crashes", content="Crashes at login", rating=1, created=T0 - timedelta(minutes=5)
    )


def test_a_cycle_collects_every_source_and_a_retried_or_repeated_cycle_adds_nothing(pipeline: Pipeline):
    # Given mentions on all three sources and one post that does not match any brand
    _populate(pipeline.world)
    # When the schedule fires
    drained = pipeline.cycle(T0)
    # Then each matching mention is stored and counted once, per source, and cursors are kept
    assert sum(d.failed for d in drained.values()) == 0
    assert (pipeline.count("acme"), pipeline.count("globex")) == (5, 1)
    acme = {m.mention.source: m for m in pipeline.store.mentions_between("acme", T0 - timedelta(hours=1), T0)}
    assert set(acme) == {"reddit", "hackernews", "appstore"}
    assert acme["hackernews"].mention.text == "Acme Air's booking site is down"
    assert acme["appstore"].sentiment.label == "negative" and acme["appstore"].mention.rating == 1
    assert acme["reddit"].mention.author.karma == 5900
    cursors = DynamoCursorStore(pipeline.stack.outputs["TableName"], pipeline.stack.client("dynamodb"))
    assert all(cursors.get("acme", s) for s in ("reddit", "hackernews", "appstore"))
    # When the scheduler retries the same run, and the next run finds nothing new
    pipeline.cycle(T0)
    pipeline.cycle(T0 + timedelta(minutes=15))
    # Then nothing is stored or counted twice
    assert (pipeline.count("acme"), pipeline.count("globex")) == (5, 1)


def test_a_redelivered_poll_job_stores_and_counts_nothing_twice(pipeline: Pipeline):
    _populate(pipeline.world)
    pipeline.cycle(T0)
    # SQS delivers at least once: the same job arrives again (a new message, as after a lost delete)
    sqs, url = pipeline.stack.client("sqs"), pipeline.stack.outputs["RedditPollJobQueueUrl"]
    body = json.dumps({"brand_id": "acme", "source": "reddit", "scheduled_at": iso(T0)})
    for n in range(2):
        sqs.send_message(
            QueueUrl=url, MessageBody=body, MessageGroupId="acme#reddit", MessageDeduplicationId=f"again-{n}"
        )
    with redirect_stdout(io.StringIO()):
        result = pipeline.runtime.drain("RedditPollJobQueueUrl", "collect_mentions")
    assert (result.succeeded, result.failed) == (2, 0)
    assert pipeline.count("acme") == 5


def test_a_malformed_item_is_skipped_and_counted_and_the_rest_are_stored(pipeline: Pipeline, capsys):
    _populate(pipeline.world)
    pipeline.world.malform_next("/search")
    pipeline.world.now = T0
    pipeline.runtime.run_schedule("plan_polls", T0)
    pipeline.runtime.drain("RedditPollJobQueueUrl", "collect_mentions")
    metrics = [json.loads(line) for line in capsys.readouterr().out.splitlines() if '"_aws"' in line]
    assert sum(sum(m.get("MalformedItemsSkipped", [])) for m in metrics) == 1
    assert sum(sum(m.get("MentionsStored", [])) for m in metrics) == 4  # 3 acme + 1 globex reddit posts


def test_a_source_that_refuses_one_brand_fails_only_that_job(pipeline: Pipeline):
    _populate(pipeline.world)
    pipeline.world.fail_next(1, status=403, path="/r/all/search")  # the first reddit search (acme)
    drained = pipeline.cycle(T0)
    assert (drained["RedditPollJobQueueUrl"].failed, drained["RedditPollJobQueueUrl"].succeeded) == (1, 1)
    assert pipeline.count("globex") == 1  # the other brand's reddit job went on
    assert pipeline.count("acme") == 2  # acme's HN and App Store jobs too; its reddit job waits for a retry
    assert pipeline.metric("PollJobsFailed") == 1


def _history(store: DynamoMentionStore, brand_id: str, start: datetime, hours: int, score: float) -> None:
    mentions = [
        ScoredMention(
            brand_id,
            Mention(
                "reddit",
                f"t3_h{brand_id}{h}{k}",
                start + timedelta(hours=h, minutes=10 * k),
                "calm day",
                author=Author("u", "u"),
            ),
            Sentiment("positive" if score > 0 else "negative", score),
            20.0,
        )
        for h in range(hours)
        for k in range(3)
    ]
    store.save(mentions)


def test_a_crisis_is_one_incident_emailed_once_however_often_the_evaluator_runs(pipeline: Pipeline):
    # Given a calm day of history, then a burst of angry posts including one by a big account
    _history(pipeline.store, "acme", T0 - timedelta(hours=30), 30, 0.5)
    pipeline.world.add_reddit_user(
        "big_voice", link_karma=900_000, comment_karma=200_000, created=T0 - timedelta(days=3000)
    )
    for n in range(30):
        pipeline.world.add_reddit_post(
            title=f"Acme Air cancelled my flight, awful, no refund #{n}",
            subreddit="travel",
            created=T0 + timedelta(minutes=n),
        )
    pipeline.world.add_reddit_post(
        title="Acme Air stranded hundreds overnight, disgraceful",
        author="big_voice",
        subreddit="travel",
        score=9000,
        num_comments=2000,
        created=T0 + timedelta(minutes=31),
    )
    pipeline.world.add_subreddit("travel", 3_000_000)
    # When the pipeline runs, and the evaluator is retried, and runs again later in the crisis
    at = T0 + timedelta(minutes=45)
    pipeline.cycle(at)
    with redirect_stdout(io.StringIO()):
        pipeline.runtime.run_schedule("evaluate_reputation", at)
    pipeline.cycle(at + timedelta(minutes=15))
    # Then one incident: each of its emails arrived once (the retry sent nothing), the first its
    # opening, between them every rule that fired, with attributes for filter policies
    envelopes = pipeline.inbox.receive()
    documents = [json.loads(e["Message"]) for e in envelopes]
    assert documents and documents[0]["incident_status"] == "OPEN" and documents[0]["kind"] == "alert"
    assert len({d["alert_id"] for d in documents}) == len(documents)
    assert len({d["incident_id"] for d in documents}) == 1 and len({e["Subject"] for e in envelopes}) == 1
    listed = "\n".join(d["text"] for d in documents)
    for rule in ("volume spike", "negative mention by an influential author", "reputation drop"):
        assert f"- {rule}: " in listed
    for envelope, document in zip(envelopes, documents, strict=True):
        assert len(envelope["Subject"]) <= 100 and envelope["Subject"].isascii()
        assert envelope["MessageAttributes"]["kind"]["Value"] == document["kind"]
        assert document["brand"] == "acme" and document["top_mentions"][0]["url"].startswith("https://")
    assert "big_voice" in listed


def test_the_daily_export_runs_on_the_deployed_stack_and_writes_the_flat_tables(pipeline: Pipeline):
    _populate(pipeline.world)
    pipeline.cycle(T0)
    with redirect_stdout(pipeline.stdout):
        summary = pipeline.runtime.run_schedule("export_for_bi", T0 + timedelta(hours=13))
    assert summary["rows"]["mentions"] == 6 and summary["partitions"] > 0
    s3, bucket = pipeline.stack.client("s3"), pipeline.stack.outputs["ExportBucketName"]
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket).get("Contents", [])]
    day = T0.date().isoformat()
    assert any(k.endswith(f"/flat/mentions/dt={day}/part-00000.json.gz") for k in keys)
    part = next(k for k in keys if k.endswith(f"/flat/mentions/dt={day}/part-00000.json.gz"))
    rows = [
        json.loads(line)
        for line in gzip.decompress(s3.get_object(Bucket=bucket, Key=part)["Body"].read()).splitlines()
    ]
    assert {r["author_handle"] for r in rows}.isdisjoint({"pat", "someone"})  # pseudonymised by default


def test_without_the_reddit_secret_reddit_is_off_not_failing_and_starts_once_it_exists(
    moto_endpoint: str, caplog: pytest.LogCaptureFixture
):
    # Reddit's API access waits for Reddit's approval: a stack deployed before it has no secret yet
    world = SourceWorld(now=T0)
    _populate(world)
    with FakeSources(world) as sources:
        stack = LocalStack(
            endpoint_url=moto_endpoint,
            stack_name=f"t{uuid.uuid4().hex[:10]}",
            parameters={"RedditSecretName": f"repmon/pending-{uuid.uuid4().hex[:6]}"},
        ).start()
        DynamoWatchlist(stack.outputs["TableName"], client=stack.client("dynamodb")).replace(BRANDS)
        runtime = LocalRuntime(stack, env={"collect_mentions": sources.collector_env()})
        out = io.StringIO()
        with redirect_stdout(out):
            runtime.run_schedule("plan_polls", T0)
            reddit = runtime.drain("RedditPollJobQueueUrl", "collect_mentions")
            others = runtime.drain("PollJobQueueUrl", "collect_mentions")
        # Then the Reddit jobs succeed empty (nothing retried or dead-lettered), saying why in the log
        assert (reddit.succeeded, reddit.failed, others.failed) == (2, 0, 0)
        # The Powertools logger writes to stdout, or to pytest's log capture once another test set it up
        logged = out.getvalue() + "".join(str(vars(r)) for r in caplog.records)
        assert "reddit is off until its credentials exist" in logged
        store = DynamoMentionStore(
            stack.outputs["TableName"], FixedClock(T0), client=stack.client("dynamodb")
        )
        sources_seen = {m.mention.source for m in store.mentions_between("acme", T0 - timedelta(hours=2), T0)}
        assert sources_seen == {"hackernews", "appstore"}
        # When the secret is created, the next poll reads Reddit from where it would have started
        stack.create_secret(
            stack.function_env("collect_mentions")["REDDIT_SECRET_NAME"],
            {"client_id": "id", "client_secret": "s", "user_agent": "repmon-tests/1"},
        )
        with redirect_stdout(out):
            runtime.run_schedule("plan_polls", T0 + timedelta(minutes=15))
            runtime.drain("RedditPollJobQueueUrl", "collect_mentions")
        mentions = store.mentions_between("acme", T0 - timedelta(hours=2), T0)
        assert sum(m.mention.source == "reddit" for m in mentions) == 3
