"""The collector's hot path benchmark (tests/bench/bench_pipeline.py) in parts.

items: raw API payloads; stages: normalise/match/score/store, timed; imports: cold-import timing;
capacity: DynamoDB item sizes and WCU/RCU; report: the printed sections.
"""
