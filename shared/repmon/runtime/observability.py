"""Powertools Logger, Tracer and Metrics, configured by the POWERTOOLS_* variables the template sets."""

from __future__ import annotations

from aws_lambda_powertools import Logger, Metrics, Tracer

logger = Logger()
tracer = Tracer()
metrics = Metrics()
