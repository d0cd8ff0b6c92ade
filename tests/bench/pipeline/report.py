"""The printed report: one section per measure, in aligned tables."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from repmon.adapters.dynamo_items import mention_to_item
from repmon.domain.models import ScoredMention
from repmon.localstack.stack import LocalStack
from tests.bench.pipeline.capacity import aggregate_items, item_size, read_units, write_units
from tests.bench.pipeline.imports import HEAVY, ImportCost
from tests.bench.pipeline.items import NOW
from tests.bench.pipeline.stages import MENTIONS, PAGE, Timings


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
    """Section 2, from the timing `stages.time_bare_vader` took."""
    texts = [sm.mention.full_text for sm in scored]
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


def report_imports(costs: list[ImportCost]) -> None:
    print(
        "\n3. Cold start of each function: import app.py, then build its deps"
        " (fresh interpreter, best of 3)\n"
    )
    header = ("function", "import ms", "deps ms", *(label for _, label in HEAVY))
    rows = [
        (
            c.function,
            f"{c.import_ms:.0f}",
            "n/a" if c.deps_ms is None else f"{c.deps_ms:.0f}",
            *(c.loads(package) for package, _ in HEAVY),
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
