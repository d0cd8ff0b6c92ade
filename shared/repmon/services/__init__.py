"""Use cases written against the ports: plan polls, collect mentions, evaluate reputation, export."""
