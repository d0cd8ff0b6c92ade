"""Adapters: the only code that imports boto3, praw, nltk or an HTTP client. Each takes its client."""
