"""repmon: serverless reputation monitoring. The package is the Lambda layer's content."""

__version__ = "0.1.0"
