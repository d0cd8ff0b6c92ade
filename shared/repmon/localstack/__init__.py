"""The embedded local stack: moto server, the stack from template.yaml, local source endpoints.

Used by `repmon demo`, `repmon backtest` and the integration tests; never imported by a Lambda handler.
"""
