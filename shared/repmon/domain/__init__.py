"""The pure domain: models, query language, scoring rules, reputation index, alert rules.

Nothing here imports boto3, botocore, praw, nltk or Powertools (tests/unit/test_architecture.py checks).
"""
