"""Domain exceptions: adapters translate SDK, praw and HTTP errors into these; handlers map them once."""

from __future__ import annotations


class RepmonError(Exception):
    """Base of every error repmon raises on purpose."""


class SourceUnavailable(RepmonError):
    """A source could not be read this run (after retries); the poll is retried later."""

    def __init__(self, source: str, detail: str) -> None:
        super().__init__(f"{source} unavailable: {detail}")
        self.source = source
        self.detail = detail


class InvalidConfig(RepmonError):
    """Configuration or credentials that no retry will fix; a person has to act."""


class SourceNotConfigured(InvalidConfig):
    """A source's credentials do not exist (yet): the source is off, which is not a failure to retry.

    Reddit's API access now waits for Reddit's approval; until its secret is created, Reddit jobs
    say so and succeed empty instead of filling the dead-letter queue every poll.
    """


class UnknownSource(RepmonError):
    """A poll job names a source this deployment has no adapter for."""

    def __init__(self, source: str) -> None:
        super().__init__(f"no adapter for source {source!r}")
        self.source = source


class WatchlistInvalid(InvalidConfig):
    """The watchlist file has problems; each names the file, the brand and the field."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


class WritesRefused(RepmonError):
    """DynamoDB refused every new mention of a save: more likely our request than the mentions.

    Raised instead of skipping them, so the job fails (SQS retries it, then its DLQ) and its cursor
    stays put: a loud failure rather than a page lost in silence.
    """


class PublishFailed(RepmonError):
    """An alert could not be delivered; it stays claimed-but-unsent and the next evaluation sends it."""

    def __init__(self, alert_id: str, detail: str) -> None:
        super().__init__(f"alert {alert_id} not published: {detail}")
        self.alert_id = alert_id
        self.detail = detail


class EvaluationIncomplete(RepmonError):
    """Some brands could not be evaluated this run (the others were)."""

    def __init__(self, failed: dict[str, str]) -> None:
        super().__init__("; ".join(f"{brand}: {error}" for brand, error in sorted(failed.items())))
        self.failed = failed


class JobUnfinished(RepmonError):
    """A poll job ran out of time while scoring its page: what was scored is stored, the cursor did
    not move, and SQS retries the job (the store drops what it already has)."""

    def __init__(self, brand_id: str, source: str, stored: int, left: int) -> None:
        super().__init__(f"{brand_id} {source}: out of time, {stored} stored, {left} left for the retry")
        self.stored = stored
        self.left = left
