"""What ships is what is tested: the layer built by `shared/Makefile` (the target `sam build` runs),
and every handler run from it as Lambda runs it: a fresh interpreter whose sys.path holds only the
standard library, the function's folder, the built layer's python/ and the runtime's boto3, with
the deployed environment, against the stack from template.yaml, invoked with real events.

The layer is built for this machine's platform (LAYER_PLATFORM=host), since arm64 wheels cannot
load here, from the wheelhouse `make dev` fills: pip is told not to use the network.
"""

from __future__ import annotations

import io
import uuid
from collections.abc import Iterator
from contextlib import redirect_stdout
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from repmon.adapters.dynamo_state import DynamoWatchlist
from repmon.domain.brand import Brand
from repmon.localstack.artifact import BuiltArtifact, HandlerError, build_layer, runtime_sdk_dir
from repmon.localstack.fakes.server import FakeSources, SourceWorld
from repmon.localstack.runtime import AlertInbox, LocalRuntime, schedule_input
from repmon.localstack.server import MotoServer
from repmon.localstack.stack import LocalStack
from repmon.localstack.template_loader import REPO_ROOT

pytestmark = pytest.mark.slow

WHEELHOUSE = REPO_ROOT / ".venv" / "wheelhouse"
T0 = datetime(2026, 11, 3, 9, 0, tzinfo=UTC)
APP = "3456789012"
BRAND = Brand.model_validate(
    {
        "id": "artifactair",
        "name": "Artifact Air",
        "query": '"artifact air"',
        "sources": {"appstore": {"app_id": APP}},
        "thresholds": {"window_hours": 4, "baseline_hours": 24},
    }
)
FUNCTIONS = ("plan_polls", "collect_mentions", "evaluate_reputation", "export_for_bi")


@pytest.fixture(scope="module")
def artifact(tmp_path_factory: pytest.TempPathFactory) -> BuiltArtifact:
    assert WHEELHOUSE.is_dir(), "no .venv/wheelhouse: run `make dev`"
    root = tmp_path_factory.mktemp("artifact")
    layer = build_layer(root / "layer", wheelhouse=WHEELHOUSE)
    return BuiltArtifact(layer, runtime_sdk_dir(root / "runtime"))


@pytest.fixture(scope="module")
def stack(artifact: BuiltArtifact) -> Iterator[tuple[LocalStack, SourceWorld, LocalRuntime]]:
    world = SourceWorld(now=T0)
    server = MotoServer(isolated=True)
    with FakeSources(world) as sources:
        stack = LocalStack(
            endpoint_url=server.start(), stack_name=f"a{uuid.uuid4().hex[:10]}", artifact=artifact
        ).start()
        stack.create_secret(
            "repmon/reddit", {"client_id": "id", "client_secret": "s", "user_agent": "repmon-tests/1"}
        )
        DynamoWatchlist(stack.outputs["TableName"], client=stack.client("dynamodb")).replace([BRAND])
        yield stack, world, LocalRuntime(stack, env={"collect_mentions": sources.collector_env()})
    server.stop()


def test_the_built_layer_holds_the_package_its_dependencies_and_the_lexicon_and_no_dev_tools(
    artifact: BuiltArtifact,
):
    layer = artifact.layer_python
    for needed in ("repmon", "aws_lambda_powertools", "pydantic", "pydantic_core", "praw", "nltk", "yaml"):
        assert (layer / needed).is_dir(), needed
    assert (layer / "nltk_data" / "sentiment" / "vader_lexicon.zip").is_file()
    for absent in ("repmon/localstack", "moto", "boto3", "botocore", "pytest", "bin"):
        assert not (layer / absent).exists(), absent
    assert not list(layer.rglob("__pycache__"))


def _crisis(world: SourceWorld) -> None:
    world.add_reddit_user(
        "loud_flyer", link_karma=800_000, comment_karma=150_000, created=T0 - timedelta(days=2500)
    )
    world.add_subreddit("travel", 2_000_000)
    world.add_reddit_post(
        title="Artifact Air lost my bag and nobody answers, disgraceful",
        author="loud_flyer",
        subreddit="travel",
        score=7000,
        num_comments=1500,
        created=T0 - timedelta(minutes=40),
    )
    world.add_hn_item(
        kind="comment", text="Artifact Air's app is down again", created=T0 - timedelta(minutes=20)
    )
    world.add_appstore_review(
        app_id=APP,
        title="Broken",
        content="Crashes at checkout",
        rating=1,
        created=T0 - timedelta(minutes=10),
    )


def test_every_handler_runs_from_the_built_layer_alone_with_real_events(
    stack: tuple[LocalStack, SourceWorld, LocalRuntime],
):
    local, world, runtime = stack
    _crisis(world)
    inbox = AlertInbox(local, f"inbox-{uuid.uuid4().hex[:8]}")
    out = io.StringIO()
    with redirect_stdout(out):
        planned = runtime.run_schedule("plan_polls", T0)
        drained = [runtime.drain(q, "collect_mentions") for q in ("RedditPollJobQueueUrl", "PollJobQueueUrl")]
        evaluated = runtime.run_schedule("evaluate_reputation", T0 + timedelta(minutes=5))
        exported = runtime.run_schedule("export_for_bi", T0 + timedelta(hours=17))
    assert planned == {"brands": 1, "jobs": 3}
    assert sum(d.succeeded for d in drained) == 3 and sum(d.failed for d in drained) == 0
    assert evaluated["brands"] == 1
    assert exported["rows"]["mentions"] == 3
    # The influencer's complaint reached the topic from the artifact's evaluator
    rules = {e["MessageAttributes"]["rule"]["Value"] for e in inbox.receive()}
    assert "influencer_negative" in rules
    # Powertools logs and EMF metrics came out of the child processes, as Lambda would ship them
    assert '"MentionsStored"' in out.getvalue() and '"cold_start":true' in out.getvalue().replace(" ", "")


def test_a_handler_loads_only_what_it_uses_from_the_layer(
    stack: tuple[LocalStack, SourceWorld, LocalRuntime],
):
    local, _, _ = stack
    assert local.artifact is not None
    env = {**local.function_env("evaluate_reputation"), **local.aws_env()}
    context = {"function_name": "evaluate", "memory_limit_in_mb": 256, "timeout_seconds": 120}
    context["invoked_function_arn"] = "arn:aws:lambda:us-east-1:123456789012:function:evaluate"
    event = schedule_input("EvaluateReputationFunction", T0 + timedelta(minutes=10))
    with redirect_stdout(io.StringIO()):
        outcome = local.artifact.run(REPO_ROOT / "functions" / "evaluate_reputation", event, env, context)
    loaded = set(outcome["modules"])
    assert {"repmon", "aws_lambda_powertools", "boto3"} <= loaded
    assert loaded.isdisjoint({"praw", "nltk", "aws_xray_sdk", "moto", "requests"})


def test_a_handler_that_raises_in_the_artifact_is_a_lambda_error_not_a_silent_success(
    stack: tuple[LocalStack, SourceWorld, LocalRuntime], tmp_path: Path
):
    local, _, _ = stack
    assert local.artifact is not None
    (tmp_path / "app.py").write_text(
        "def handler(event, context):\n    raise ValueError('bad ' + event['x'])\n"
    )
    context = {
        "function_name": "f",
        "memory_limit_in_mb": 128,
        "timeout_seconds": 5,
        "invoked_function_arn": "a",
    }
    with pytest.raises(HandlerError, match="ValueError: bad news"), redirect_stdout(io.StringIO()):
        local.artifact.invoke(tmp_path, {"x": "news"}, {}, context)
