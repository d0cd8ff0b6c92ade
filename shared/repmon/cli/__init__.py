"""The `repmon` command."""
