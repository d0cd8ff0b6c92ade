"""The collector's hot path, end to end on the local stack, and what it costs in imports and DynamoDB units.

    .venv/bin/python -m tests.bench.bench_pipeline

1. mentions/s through normalise (the adapters' own parsers) + match + score (CxVaderScorer, influence)
   + store (DynamoMentionStore on the moto server deployed from template.yaml), per stage and overall;
2. bare nltk VADER on the same texts, and our overhead over it;
3. each function's cold import time (fresh interpreter, best of 3) and which heavy packages it pulls in;
4. DynamoDB item sizes and capacity units per stored mention, from the real items the store writes.

The store stage runs against moto, whose per-request cost is far above DynamoDB's: read it as a floor
for our code path, not a forecast of AWS latency. Capacity units are computed, so they are exact.
The parts live in tests/bench/pipeline/: items, stages, imports, capacity, report.
"""

from __future__ import annotations

from tests.bench.pipeline.imports import measure_imports
from tests.bench.pipeline.report import report_bare_vader, report_capacity, report_imports, report_pipeline
from tests.bench.pipeline.stages import Timings, deployed_quietly, run_pipeline, time_bare_vader
from tests.moto_speed import moto_copies_each_table_once


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
        time_bare_vader(timings, scored)
        report_bare_vader(timings, scored, pipeline_ms)
        report_imports(costs)
        report_capacity(stack, scored, client.counts)


if __name__ == "__main__":
    main()
