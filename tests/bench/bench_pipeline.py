"""The collector's hot path, end to end on the local stack, and what it costs in imports and DynamoDB units.

    .venv/bin/python -m tests.bench.bench_pipeline

1. mentions/s through normalise (the adapters' own parsers) + match + score (CxVaderScorer, influence)
   + store (DynamoMentionStore on the moto server deployed from template.yaml), per stage and overall;
2. bare nltk VADER on the same texts, and our overhead over it;
3. each function's cold import time (fresh interpreter, best of 3) and which heavy packages it pulls in;
4. DynamoDB item sizes and capacity units per stored mention, from the real items the store writes.

The store stage runs against moto, whose per-request cost is far above DynamoDB's: read it as a floor
for our code path, not a forecast of AWS latency. Capacity units are computed, so they are exact.
"""

from __future__ import annotations

import json
import logging
import math
import os
import random
import subprocess
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from nltk.sentiment.vader import SentimentIntensityAnalyzer

from repmon.adapters.appstore_source import entry_to_review
from repmon.adapters.dynamo import query_all, to_wire
from repmon.adapters.dynamo_items import mention_to_item
from repmon.adapters.dynamo_store import DynamoMentionStore
from repmon.adapters.hackernews_source import hit_to_mention
from repmon.adapters.reddit_source import to_mention
from repmon.adapters.vader_scorer import CxVaderScorer
from repmon.domain.brand import Brand
from repmon.domain.influence import influence
from repmon.domain.models import Mention, ScoredMention, Source
from repmon.localstack.stack import LocalStack
from tests.moto_speed import moto_copies_each_table_once

MENTIONS = 2000
#: What one collect job saves at once: a source page for one brand (Reddit's default max_items is 250).
PAGE = 200
NOW = datetime(2026, 11, 4, 12, 0, tzinfo=UTC)
REPO = Path(__file__).resolve().parents[2]
BRANDS = {
    "acme-air": Brand(id="acme-air", name="Acme Air", query='"acme air" OR @acmeair'),
    "globex": Brand(id="globex", name="Globex Bank", query="globex AND bank"),
}
_NAMES = {"acme-air": ["Acme Air", "@AcmeAir", "acme air"], "globex": ["Globex bank", "Globex Bank"]}

# ---------------------------------------------------------------- raw payloads, as each API sends them

_TITLES = [
    "{b} cancelled my flight and nobody will tell me why",
    "Is {b} worth it for a family of four?",
    "Shout-out to {b} support, sorted my issue in five minutes",
    "{b} app has been down all morning",
    "PSA: {b} changed their refund policy",
    "Honest review of {b} after a year",
]
_BODIES = [
    "Waited {n} minutes on hold, then the call dropped. Third time this week. Absolutely useless.",
    "Booked through the app, seats were fine, crew was friendly. Nothing to complain about really.",
    "They charged me twice for order {n} and the chat bot just loops. Anyone got a real email address?",
    "Great experience overall, quick refund, polite staff. Would use again!!",
    "",
    "Edit: they fixed it after I posted here. Thanks for nothing until then I guess.",
    "Not sure what to think. Prices went up {n}% but the service is the same.",
]
_HN_COMMENTS = [
    "<p>We moved off {b} last year. Their API rate limits were undocumented &amp; support took "
    "weeks.</p><p>Would not recommend.</p>",
    "<p>I&#x27;ve used {b} for {n} months without a single outage. Solid engineering.</p>",
    "<p>Anyone know if {b} publishes a status page? Seeing errors since this morning.</p>",
    '<p>The <a href="https://example.invalid/{n}">postmortem</a> from {b} is refreshingly honest.</p>',
]
_HN_STORIES = ["{b} outage post-mortem", "Show HN: I reverse-engineered the {b} app", "{b} raises fees again"]
_REVIEWS = [
    ("Crashes constantly", "App crashes every time I open my boarding pass. Fix it!", 1),
    ("Love it", "Fast, simple, and the notifications are actually useful.", 5),
    ("Meh", "Does the job but the login expires every day, very annoying.", 2),
    ("Much better", "The new version finally lets me change seats. Thank you", 4),
]


def raw_items(count: int, seed: int = 11) -> list[tuple[str, str, Any]]:
    """(brand id, kind, payload) for `count` items: 45% Reddit, 35% HN, 20% App Store, over 24 hours."""
    rng = random.Random(seed)
    makers: list[tuple[float, str, Callable[[random.Random, int, str], Any]]] = [
        (0.25, "reddit_post", _reddit_post),
        (0.45, "reddit_comment", _reddit_comment),
        (0.80, "hn_hit", _hn_hit),
        (1.00, "appstore_entry", _appstore_entry),
    ]
    out = []
    for n in range(count):
        brand = rng.choice(list(BRANDS))
        name = rng.choice(_NAMES[brand])
        draw = rng.random()
        _, kind, make = next(maker for maker in makers if draw <= maker[0])
        out.append((brand, kind, make(rng, n, name)))
    return out


def _created(rng: random.Random) -> float:
    return float(int((NOW - timedelta(seconds=rng.randint(0, 86_399))).timestamp()))


def _reddit_post(rng: random.Random, n: int, name: str) -> dict[str, Any]:
    """What `vars(submission)` holds after praw parsed a search listing (author/subreddit are objects)."""
    sub = rng.choice(["travel", "personalfinance", "sysadmin", "flights"])
    created = _created(rng)
    return {
        "id": f"p{n:05x}",
        "name": f"t3_p{n:05x}",
        "title": rng.choice(_TITLES).format(b=name),
        "selftext": rng.choice(_BODIES).format(n=n % 90 + 5),
        "author": SimpleNamespace(name=f"user_{rng.randint(1, 400)}"),
        "author_fullname": f"t2_{rng.randint(10**6, 10**7):x}",
        "subreddit": SimpleNamespace(display_name=sub),
        "subreddit_subscribers": rng.choice([12_000, 450_000, 2_300_000]),
        "created": created,
        "created_utc": created,
        "permalink": f"/r/{sub}/comments/p{n:05x}/post/",
        "score": rng.randint(0, 3000),
        "num_comments": rng.randint(0, 400),
        "is_self": True,
        "over_18": False,
    }


def _reddit_comment(rng: random.Random, n: int, name: str) -> dict[str, Any]:
    sub = rng.choice(["travel", "personalfinance", "sysadmin"])
    created = _created(rng)
    body = f"{rng.choice(_BODIES).format(n=n % 90 + 5)} ({name})"
    author = None if rng.random() < 0.03 else SimpleNamespace(name=f"user_{rng.randint(1, 400)}")
    return {
        "id": f"c{n:05x}",
        "name": f"t1_c{n:05x}",
        "body": body,
        "author": author,
        "subreddit": SimpleNamespace(display_name=sub),
        "created_utc": created,
        "permalink": f"/r/{sub}/comments/abc/_/c{n:05x}/",
        "score": rng.randint(-5, 500),
        "link_id": "t3_abc",
        "parent_id": "t3_abc",
    }


def _hn_hit(rng: random.Random, n: int, name: str) -> dict[str, Any]:
    """An Algolia search_by_date hit, current shape (null fields dropped); one in four is a story."""
    created = int(_created(rng))
    author = f"hn_{rng.randint(1, 300)}"
    base = {"objectID": str(40_000_000 + n), "created_at_i": created, "author": author}
    base["created_at"] = datetime.fromtimestamp(created, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if rng.random() < 0.25:
        tags = ["story", f"author_{author}", f"story_{base['objectID']}"]
        story = {"title": rng.choice(_HN_STORIES).format(b=name), "points": rng.randint(1, 900)}
        return {**base, **story, "num_comments": rng.randint(0, 300), "_tags": tags}
    text = rng.choice(_HN_COMMENTS).format(b=name, n=n)
    tags = ["comment", f"author_{author}", "story_39999999"]
    return {**base, "comment_text": text, "story_title": f"Ask HN: {name}?", "_tags": tags, "story_id": 1}


def _appstore_entry(rng: random.Random, n: int, name: str) -> dict[str, Any]:
    """One label-wrapped RSS JSON entry of the brand's app."""
    title, content, rating = rng.choice(_REVIEWS)
    created = datetime.fromtimestamp(_created(rng), tz=UTC)
    return {
        "author": {"uri": {"label": f"https://itunes.apple.com/us/reviews/id{n}"}, "name": {"label": "a"}},
        "im:version": {"label": "4.2"},
        "im:rating": {"label": str(rating)},
        "id": {"label": str(9_000_000_000 + n)},
        "title": {"label": title},
        "content": {"label": content, "attributes": {"type": "text"}},
        "im:voteSum": {"label": str(rng.randint(0, 40))},
        "im:voteCount": {"label": str(rng.randint(0, 60))},
        "updated": {"label": created.isoformat()},
    }


# ---------------------------------------------------------------- the pipeline stages


def normalise(raw: Sequence[tuple[str, str, Any]]) -> list[tuple[str, Mention]]:
    """The adapters' own parsers, as their fetch loops call them."""
    out: list[tuple[str, Mention]] = []
    for brand, kind, payload in raw:
        if kind == "reddit_post":
            mention = to_mention(payload, comment=False)
        elif kind == "reddit_comment":
            mention = to_mention(payload, comment=True)
        elif kind == "hn_hit":
            mention = hit_to_mention(payload)
        else:
            mention = entry_to_review(payload, "us", "123456789", NOW)[1]
        out.append((brand, mention))
    return out


def match(mentions: Sequence[tuple[str, Mention]]) -> list[tuple[str, Mention]]:
    """The brand query, as `services.collect` applies it (App Store items are the brand's own app)."""
    return [
        (brand, m)
        for brand, m in mentions
        if m.source == Source.APPSTORE.value or BRANDS[brand].compiled.matches(m.full_text)
    ]


def score(mentions: Sequence[tuple[str, Mention]], scorer: CxVaderScorer) -> list[ScoredMention]:
    """`Collector.score`: sentiment of title + text (with the rating) and the author's influence."""
    return [
        ScoredMention(brand, m, scorer.score(m.full_text, m.rating), influence(m, NOW))
        for brand, m in mentions
    ]


def pages(scored: Sequence[ScoredMention]) -> list[list[ScoredMention]]:
    """What collect jobs would save: one (brand, source) page of at most PAGE mentions per call."""
    by_job: dict[tuple[str, str], list[ScoredMention]] = defaultdict(list)
    for sm in scored:
        by_job[(sm.brand_id, sm.mention.source)].append(sm)
    return [group[i : i + PAGE] for group in by_job.values() for i in range(0, len(group), PAGE)]


@contextmanager
def deployed_quietly() -> Iterator[LocalStack]:
    """The local stack, deployed without moto's warning for each template resource it cannot create."""
    moto_log = logging.getLogger("moto")
    level = moto_log.level
    moto_log.setLevel(logging.ERROR)  # only while deploying: later warnings may matter
    stack = LocalStack()
    try:
        stack.start()  # stops the server itself if the deploy fails
    finally:
        moto_log.setLevel(level)
    try:
        yield stack
    finally:
        stack.stop()


class _Clock:
    def now(self) -> datetime:
        return NOW


class CountingClient:
    """Wraps the DynamoDB client to count what the store really sends: puts, updates, keys read."""

    def __init__(self, client: Any) -> None:
        self._client = client
        self.counts: Counter[str] = Counter()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)

    def transact_write_items(self, **kwargs: Any) -> Any:
        self.counts["transactions"] += 1
        for entry in kwargs["TransactItems"]:
            self.counts.update(entry.keys())  # one key per entry: "Put" or "Update"
        return self._client.transact_write_items(**kwargs)

    def batch_get_item(self, **kwargs: Any) -> Any:
        self.counts["batch_gets"] += 1
        self.counts["keys_read"] += sum(len(r["Keys"]) for r in kwargs["RequestItems"].values())
        return self._client.batch_get_item(**kwargs)


@dataclass
class Timings:
    seconds: dict[str, float] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)

    def run(self, stage: str, work: Callable[[], Any], count: int, rounds: int = 1) -> Any:
        """Time `work`; pure stages take the best of `rounds` passes, the least disturbed by other work."""
        best, result = float("inf"), None
        for _ in range(rounds):
            start = time.perf_counter()
            result = work()
            best = min(best, time.perf_counter() - start)
        self.seconds[stage] = best
        self.counts[stage] = count
        return result

    def rate(self, stage: str) -> tuple[str, ...]:
        seconds, count = self.seconds[stage], self.counts[stage]
        return stage, str(count), f"{seconds:.3f}", f"{count / seconds:,.0f}", f"{seconds / count * 1000:.3f}"


# ---------------------------------------------------------------- cold imports

#: Runs in a fresh interpreter: import app.py by path, then build its dependencies as the first
#: invocation does (wiring is lazy: clients, scorer and lexicon are a cold-start cost too).
_PROBE = """
import importlib, importlib.util, json, sys, time
start = time.perf_counter()
spec = importlib.util.spec_from_file_location("app", sys.argv[1])
module = importlib.util.module_from_spec(spec)
sys.modules["app"] = module
spec.loader.exec_module(module)
imported = time.perf_counter()
at_import = sorted({m.split(".")[0] for m in sys.modules})
deps_s, error = None, None
if len(sys.argv) > 2:
    path, _, name = sys.argv[2].partition(":")
    try:
        getattr(importlib.import_module(path), name)()
        deps_s = time.perf_counter() - imported
    except Exception as exc:
        error = repr(exc)
after = sorted({m.split(".")[0] for m in sys.modules})
print(json.dumps({"import_s": imported - start, "deps_s": deps_s, "at_import": at_import,
                  "after_deps": after, "error": error}))
"""
#: (package, column label): what makes a cold start slow, and what a function has no business loading.
_HEAVY = (
    ("boto3", "boto3"),
    ("botocore", "botocore"),
    ("pydantic", "pydantic"),
    ("aws_lambda_powertools", "powertools"),
    ("aws_xray_sdk", "xray"),
    ("requests", "requests"),
    ("praw", "praw"),
    ("nltk", "nltk"),
)
#: What each handler calls first: the wiring that builds its clients and adapters.
_DEPS = {
    "plan_polls": "repmon.runtime.wiring:plan_deps",
    "collect_mentions": "repmon.runtime.wiring:collector",
    "evaluate_reputation": "repmon.runtime.wiring:evaluate_deps",
    "export_for_bi": "repmon.runtime.export_wiring:export_deps",
}
#: Dummy values: settings are validated and clients built in the handler, never at import; building
#: a boto3 client makes no request, and the endpoint is a closed local port all the same.
_FUNCTION_ENV = {
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_REGION": "us-east-1",
    "AWS_ENDPOINT_URL": "http://127.0.0.1:9",
    "POWERTOOLS_METRICS_NAMESPACE": "Repmon",
    "TABLE_NAME": "bench-table",
    "TABLE_ARN": "arn:aws:dynamodb:us-east-1:123456789012:table/bench-table",
    "POLL_QUEUE_URL": "https://sqs.us-east-1.amazonaws.com/123456789012/poll.fifo",
    "REDDIT_POLL_QUEUE_URL": "https://sqs.us-east-1.amazonaws.com/123456789012/reddit.fifo",
    "ALERT_TOPIC_ARN": "arn:aws:sns:us-east-1:123456789012:alerts",
    "EXPORT_BUCKET": "bench-bucket",
}


@dataclass(frozen=True)
class ImportCost:
    function: str
    import_ms: float
    deps_ms: float | None
    at_import: frozenset[str]
    after_deps: frozenset[str]
    top: list[tuple[str, float]]
    error: str | None = None

    def loads(self, package: str) -> str:
        """ "import" when app.py pulls it in, "deps" when only the first invocation does, else "-"."""
        if package in self.at_import:
            return "import"
        return "deps" if package in self.after_deps else "-"


def import_cost(function: str, rounds: int = 3) -> ImportCost:
    """Best of `rounds` fresh interpreters importing the function's app.py, plus one -X importtime run."""
    app = REPO / "functions" / function / "app.py"
    env = {**os.environ, **_FUNCTION_ENV, "POWERTOOLS_SERVICE_NAME": function}
    args = [str(app), *([_DEPS[function]] if function in _DEPS else [])]
    runs = [_probe(args, env) for _ in range(rounds)]
    traced = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", _PROBE, str(app)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    deps = [r["deps_s"] for r in runs if r["deps_s"] is not None]
    return ImportCost(
        function,
        import_ms=min(r["import_s"] for r in runs) * 1000,
        deps_ms=min(deps) * 1000 if deps else None,
        at_import=frozenset(runs[0]["at_import"]),
        after_deps=frozenset(runs[0]["after_deps"]),
        top=_top_packages(traced.stderr),
        error=runs[0]["error"],
    )


def _probe(args: list[str], env: dict[str, str]) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, *args], env=env, capture_output=True, text=True, check=True
    )
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def _top_packages(importtime: str, count: int = 3) -> list[tuple[str, float]]:
    """The packages whose own module bodies cost the most (summed `self` µs of -X importtime)."""
    spent: Counter[str] = Counter()
    for line in importtime.splitlines():
        parts = line.removeprefix("import time:").split("|")
        if len(parts) == 3 and parts[0].strip().isdigit():
            spent[parts[2].strip().split(".")[0]] += int(parts[0])
    return [(name, us / 1000) for name, us in spent.most_common(count)]


# ---------------------------------------------------------------- DynamoDB item size and capacity units


def attribute_size(value: Any) -> int:
    """Bytes of one attribute value by DynamoDB's sizing rules (names are added by `item_size`)."""
    if isinstance(value, str):
        return len(value.encode())
    if isinstance(value, bool) or value is None:
        return 1
    if isinstance(value, int | float | Decimal):
        # Numbers: 1 byte per two significant digits, plus 1; normalize() trims the zeros that don't count.
        digits = len(Decimal(str(value)).normalize().as_tuple().digits)
        return math.ceil(digits / 2) + 1
    if isinstance(value, list):
        return 3 + sum(1 + attribute_size(v) for v in value)
    if isinstance(value, dict):
        return 3 + sum(1 + len(k.encode()) + attribute_size(v) for k, v in value.items())
    raise TypeError(f"no size rule for {type(value).__name__}")


def item_size(item: dict[str, Any]) -> int:
    return sum(len(name.encode()) + attribute_size(value) for name, value in item.items())


def write_units(size: int, *, transactional: bool) -> int:
    """WCU for one item write: 1 per KB started, doubled inside a transaction (prepare + commit)."""
    return math.ceil(size / 1024) * (2 if transactional else 1)


def read_units(size: int) -> float:
    """RCU for one eventually consistent read (BatchGetItem's default): 0.5 per 4 KB started, min 0.5."""
    return max(1, math.ceil(size / 4096)) * 0.5


def aggregate_items(client: Any, table: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for brand in BRANDS:
        found += query_all(
            client,
            TableName=table,
            KeyConditionExpression="pk = :pk AND begins_with(sk, :hour)",
            ExpressionAttributeValues=to_wire({":pk": f"BRAND#{brand}", ":hour": "HOUR#"}),
        )
    return found


# ---------------------------------------------------------------- report


def _table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    cells = [[str(c) for c in row] for row in rows]
    widths = [max(len(str(header[i])), *(len(row[i]) for row in cells)) for i in range(len(header))]
    # Numbers right-aligned so their digits line up; names and words left-aligned.
    right = [all(_numeric(row[i]) for row in cells) for i in range(len(header))]
    for n, row in enumerate([[str(h) for h in header], *cells]):
        line = (c.rjust(w) if r else c.ljust(w) for c, w, r in zip(row, widths, right, strict=True))
        print("  " + "  ".join(line).rstrip())
        if n == 0:
            print("  " + "  ".join("-" * w for w in widths))


def _numeric(cell: str) -> bool:
    return cell.replace(",", "").replace(".", "").removesuffix("x").lstrip("-").isdigit() or cell == "n/a"


_STAGES = ("normalise", "match", "score", "store")


def run_pipeline(stack: LocalStack, timings: Timings) -> tuple[list[ScoredMention], CountingClient]:
    """Raw payloads -> stored mentions, stage by stage; then the same pages again, as a re-poll."""
    raw = raw_items(MENTIONS)
    scorer = timings.run("build scorer", CxVaderScorer, 1)
    scorer.score("warm up the lexicon and regexes once, as a warm Lambda has")
    normalised = timings.run("normalise", lambda: normalise(raw), len(raw), rounds=3)
    matched = timings.run("match", lambda: match(normalised), len(normalised), rounds=3)
    scored: list[ScoredMention] = timings.run("score", lambda: score(matched, scorer), len(matched), rounds=3)
    client = CountingClient(stack.client("dynamodb"))
    table = stack.outputs["TableName"]
    client.describe_table(TableName=table)  # boto3 loads its service model on first use: not our cost
    retention = int(stack.function_env("collect_mentions").get("RETENTION_DAYS", "0"))
    store = DynamoMentionStore(table, _Clock(), client, retention_days=retention)
    saved = timings.run("store", lambda: [store.save(p) for p in pages(scored)], len(scored))
    first = Counter(client.counts)
    again = timings.run("re-poll (all known)", lambda: [store.save(p) for p in pages(scored)], len(scored))
    if sum(r.stored for r in saved) != len(scored) or any(r.stored for r in again):
        raise AssertionError("the store did not store each mention exactly once")
    client.counts = first  # section 4 costs the first, writing pass
    return scored, client


def report_pipeline(timings: Timings, scored: list[ScoredMention]) -> float:
    """Section 1; returns the end-to-end ms per mention."""
    sources = Counter(sm.mention.source for sm in scored)
    print(f"1. Pipeline on the local stack: {MENTIONS} raw items -> {len(scored)} matched mentions")
    print(f"   ({', '.join(f'{n} {s}' for s, n in sources.items())}); store in pages of <= {PAGE}\n")
    total = sum(timings.seconds[s] for s in _STAGES)
    timings.seconds["end to end"], timings.counts["end to end"] = total, len(scored)
    header = ("stage", "mentions", "seconds", "mentions/s", "ms/mention")
    _table(header, [timings.rate(s) for s in (*_STAGES, "end to end", "re-poll (all known)")])
    print(f"\n   CxVaderScorer construction (once per cold start): {timings.seconds['build scorer']:.3f} s")
    print("   store and re-poll run against moto over HTTP: a floor for our code, not DynamoDB's speed")
    return total / len(scored) * 1000


def report_bare_vader(timings: Timings, scored: list[ScoredMention], pipeline_ms: float) -> None:
    texts = [sm.mention.full_text for sm in scored]
    bare = SentimentIntensityAnalyzer()
    timings.run("bare nltk VADER", lambda: [bare.polarity_scores(t) for t in texts], len(texts), rounds=3)
    bare_ms = timings.seconds["bare nltk VADER"] / len(texts) * 1000
    score_ms = timings.seconds["score"] / len(texts) * 1000
    no_store = sum(timings.seconds[s] for s in _STAGES[:-1]) / len(texts) * 1000
    print(f"\n2. Bare nltk VADER on the same {len(texts)} texts (best of 3)\n")
    rows = [
        ("bare SentimentIntensityAnalyzer", f"{bare_ms:.3f}", "1.0x"),
        ("score stage (CxVaderScorer + influence)", f"{score_ms:.3f}", f"{score_ms / bare_ms:.1f}x"),
        ("normalise + match + score", f"{no_store:.3f}", f"{no_store / bare_ms:.1f}x"),
        ("end to end incl. store (moto)", f"{pipeline_ms:.3f}", f"{pipeline_ms / bare_ms:.1f}x"),
    ]
    _table(("per text", "ms", "vs bare"), rows)


def measure_imports() -> list[ImportCost]:
    return [import_cost(p.parent.name) for p in sorted((REPO / "functions").glob("*/app.py"))]


def report_imports(costs: list[ImportCost]) -> None:
    print(
        "\n3. Cold start of each function: import app.py, then build its deps"
        " (fresh interpreter, best of 3)\n"
    )
    header = ("function", "import ms", "deps ms", *(label for _, label in _HEAVY))
    rows = [
        (
            c.function,
            f"{c.import_ms:.0f}",
            "n/a" if c.deps_ms is None else f"{c.deps_ms:.0f}",
            *(c.loads(package) for package, _ in _HEAVY),
        )
        for c in costs
    ]
    _table(header, rows)
    print("   (import = loaded by app.py itself; deps = loaded only when the first invocation wires it up)\n")
    _table(
        ("function", "costliest packages at import (own ms, -X importtime)"),
        [(c.function, ", ".join(f"{name} {ms:.0f}" for name, ms in c.top)) for c in costs],
    )
    for c in costs:
        if c.error:
            print(f"   {c.function}: building deps failed: {c.error}")
    evaluator = next((c for c in costs if c.function == "evaluate_reputation"), None)
    if evaluator is not None:
        clean = "yes" if not evaluator.after_deps & {"praw", "prawcore", "nltk"} else "NO"
        print(f"\n   evaluate_reputation imports neither praw nor nltk (import + deps): {clean}")


def report_capacity(stack: LocalStack, scored: list[ScoredMention], counts: Counter[str]) -> None:
    sizes = [item_size(mention_to_item(sm, NOW)) for sm in scored]
    negative = [s for s, sm in zip(sizes, scored, strict=True) if sm.sentiment.label == "negative"]
    aggregates = [item_size(i) for i in aggregate_items(stack.client("dynamodb"), stack.outputs["TableName"])]
    agg_size = max(aggregates)  # an update costs the larger of the item before and after: bound it above
    stored = len(scored)
    wcu = {
        "mention Put (transactional)": sum(write_units(s, transactional=True) for s in sizes),
        "aggregate Update share": counts["Update"] * write_units(agg_size, transactional=True),
        "GSI ByTime (ALL projection)": sum(write_units(s, transactional=False) for s in sizes),
        "GSI NegativeByInfluence": sum(write_units(s, transactional=False) for s in negative),
    }
    print("\n4. DynamoDB capacity per stored mention (item sizes by DynamoDB's rules)\n")
    print(
        f"   mention item: avg {sum(sizes) / stored:.0f} B (min {min(sizes)}, max {max(sizes)}); "
        f"{len(negative)} of {stored} negative (also in NegativeByInfluence)"
    )
    print(
        f"   aggregate item: avg {sum(aggregates) / len(aggregates):.0f} B, max {agg_size} B; "
        f"{counts['transactions']} transactions, {counts['Update']} aggregate updates for {stored} mentions\n"
    )
    _report_writes(wcu, stored, round(sum(sizes) / stored), agg_size)
    _report_reads(sizes, counts)


def _report_writes(wcu: dict[str, int], stored: int, average: int, agg_size: int) -> None:
    rows = [(name, f"{units / stored:.2f}") for name, units in wcu.items()]
    rows.append(("total WCU per new mention", f"{sum(wcu.values()) / stored:.2f}"))
    _table(("write, this run (pages <= 200)", "WCU/mention"), rows)
    gsi = write_units(average, transactional=False)
    single = write_units(average, transactional=True) + write_units(agg_size, transactional=True) + gsi
    print(
        f"   worst case, one new mention per poll (GSIs included): {single} WCU, {single + gsi} if negative\n"
    )


def _report_reads(sizes: list[int], counts: Counter[str]) -> None:
    repoll = sum(map(read_units, sizes)) / len(sizes)
    reads = [
        ("dedup check of a new mention (BatchGetItem)", f"{read_units(0):.1f}"),
        ("re-poll of a known mention (BatchGetItem, no write)", f"{repoll:.1f}"),
    ]
    _table(("read", "RCU/mention"), reads)
    print(f"   the writing pass read {counts['keys_read']} keys in {counts['batch_gets']} BatchGetItem calls")
    print("   (BatchGetItem reads eventually consistent, 0.5 RCU per 4 KB started, a missing key included;")
    print("    the ProjectionExpression does not lower the cost. GSI propagation billed as standard writes.)")


def main() -> None:
    # Cold starts first, on a quiet machine: no moto server thread yet.
    costs = measure_imports()
    timings = Timings()
    with deployed_quietly() as stack, moto_copies_each_table_once() as patched:
        print(f"local stack deployed in {stack.deploy_seconds:.1f}s at {stack.endpoint_url}")
        print(
            f"moto TransactWriteItems snapshot once per table (see moto_copies_each_table_once): {patched}\n"
        )
        scored, client = run_pipeline(stack, timings)
        pipeline_ms = report_pipeline(timings, scored)
        report_bare_vader(timings, scored, pipeline_ms)
        report_imports(costs)
        report_capacity(stack, scored, client.counts)


if __name__ == "__main__":
    main()
