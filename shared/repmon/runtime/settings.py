"""Typed settings, one model per function, read from the environment.

Validation is cheap and runs on each invocation; what is expensive (clients, the scorer) is built
from the settings once per container and cached by `runtime.wiring`.

The template (template.yaml) sets these variables; `repmon.localstack` reads them back from the
deployed stack so local runs use exactly what AWS would. All validation errors are reported at once.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Annotated, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError


class SettingsError(RuntimeError):
    """The environment does not describe a runnable function; the message lists every problem."""


class _Settings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    #: The single DynamoDB table (README, "Data model").
    table_name: Annotated[str, Field(alias="TABLE_NAME", min_length=3)]
    #: AWS SDK retry settings: botocore's standard mode with explicit attempts (never the legacy default).
    aws_max_attempts: Annotated[int, Field(alias="AWS_MAX_ATTEMPTS", ge=1, le=20)] = 8


class PlanPollsSettings(_Settings):
    poll_queue_url: Annotated[str, Field(alias="POLL_QUEUE_URL")]
    #: Reddit jobs go to their own queue, whose consumer concurrency is capped per client id.
    reddit_poll_queue_url: Annotated[str, Field(alias="REDDIT_POLL_QUEUE_URL")]


class CollectSettings(_Settings):
    #: Secrets Manager secret holding {"client_id", "client_secret", "user_agent"} for Reddit.
    reddit_secret_name: Annotated[str, Field(alias="REDDIT_SECRET_NAME")] = "repmon/reddit"
    reddit_oauth_url: Annotated[str, Field(alias="REDDIT_OAUTH_URL")] = "https://oauth.reddit.com"
    reddit_url: Annotated[str, Field(alias="REDDIT_URL")] = "https://www.reddit.com"
    hackernews_api_url: Annotated[str, Field(alias="HACKERNEWS_API_URL")] = "https://hn.algolia.com/api/v1"
    appstore_rss_url: Annotated[str, Field(alias="APPSTORE_RSS_URL")] = "https://itunes.apple.com"
    #: One secret for every Mastodon instance: {"instances": {"mastodon.social": "TOKEN", ...}} (README).
    mastodon_secret_name: Annotated[str, Field(alias="MASTODON_SECRET_NAME")] = "repmon/mastodon"
    #: Bluesky's account: {"identifier": handle, "app_password": ...}, optionally "service" (README).
    bluesky_secret_name: Annotated[str, Field(alias="BLUESKY_SECRET_NAME")] = "repmon/bluesky"
    #: Review sites (README, "Review sites"): Trustpilot {"api_key"}; Google {"client_id",
    #: "client_secret", "refresh_token"} and/or {"places_api_key"}; Yelp {"api_key"}.
    trustpilot_secret_name: Annotated[str, Field(alias="TRUSTPILOT_SECRET_NAME")] = "repmon/trustpilot"
    trustpilot_api_url: Annotated[str, Field(alias="TRUSTPILOT_API_URL")] = "https://api.trustpilot.com"
    google_secret_name: Annotated[str, Field(alias="GOOGLE_SECRET_NAME")] = "repmon/google"
    google_oauth_url: Annotated[str, Field(alias="GOOGLE_OAUTH_URL")] = "https://oauth2.googleapis.com"
    google_business_url: Annotated[str, Field(alias="GOOGLE_BUSINESS_URL")] = (
        "https://mybusiness.googleapis.com"
    )
    google_places_url: Annotated[str, Field(alias="GOOGLE_PLACES_URL")] = "https://places.googleapis.com"
    yelp_secret_name: Annotated[str, Field(alias="YELP_SECRET_NAME")] = "repmon/yelp"
    yelp_api_url: Annotated[str, Field(alias="YELP_API_URL")] = "https://api.yelp.com"
    #: The PDS the session is made on and searched through (never the public AppView: it refuses search).
    bluesky_service_url: Annotated[str, Field(alias="BLUESKY_SERVICE_URL")] = "https://bsky.social"
    #: Google Play: a service account's JSON key, as Google Cloud downloads it (README).
    google_play_secret_name: Annotated[str, Field(alias="GOOGLE_PLAY_SECRET_NAME")] = "repmon/google-play"
    google_play_api_url: Annotated[str, Field(alias="GOOGLE_PLAY_API_URL")] = (
        "https://androidpublisher.googleapis.com"
    )
    google_play_token_url: Annotated[str, Field(alias="GOOGLE_PLAY_TOKEN_URL")] = (
        "https://oauth2.googleapis.com/token"
    )
    #: App Store Connect: {"issuer_id", "key_id", "private_key"} (the .p8 key's text) (README).
    appstore_connect_secret_name: Annotated[str, Field(alias="APPSTORE_CONNECT_SECRET_NAME")] = (
        "repmon/appstore-connect"
    )
    appstore_connect_url: Annotated[str, Field(alias="APPSTORE_CONNECT_URL")] = (
        "https://api.appstoreconnect.apple.com"
    )
    #: YouTube's Data API key: {"api_key": ...} (README, "YouTube").
    youtube_secret_name: Annotated[str, Field(alias="YOUTUBE_SECRET_NAME")] = "repmon/youtube"
    youtube_api_url: Annotated[str, Field(alias="YOUTUBE_API_URL")] = "https://www.googleapis.com/youtube/v3"
    #: The project's daily YouTube quota (Google's defaults) and the share repmon may spend of it.
    youtube_units_per_day: Annotated[int, Field(alias="YOUTUBE_UNITS_PER_DAY", ge=0)] = 10_000
    youtube_searches_per_day: Annotated[int, Field(alias="YOUTUBE_SEARCHES_PER_DAY", ge=0)] = 100
    youtube_search_units: Annotated[int, Field(alias="YOUTUBE_SEARCH_UNITS", ge=0)] = 0
    youtube_quota_share: Annotated[float, Field(alias="YOUTUBE_QUOTA_SHARE", gt=0, le=1)] = 0.8
    #: The planner's interval (PollIntervalMinutes): how many polls a day share the quota.
    #: ... and Google Play lists only the last 7 days of reviews: a day is the most that stays well
    #: inside the week (a missed poll or two, a day of outage, and still nothing lost).
    poll_interval_minutes: Annotated[float, Field(alias="POLL_INTERVAL_MINUTES", ge=1, le=1440)] = 15.0
    #: The pseudonym key's secret: known customers are looked up by their keyed hash (none: no lookup).
    pseudonym_key_name: Annotated[str, Field(alias="PSEUDONYM_KEY_NAME")] = ""
    #: X's app-only bearer token: {"bearer_token": ...} (README, "X").
    x_secret_name: Annotated[str, Field(alias="X_SECRET_NAME")] = "repmon/x"
    x_api_url: Annotated[str, Field(alias="X_API_URL")] = "https://api.x.com"
    #: US dollars a calendar month (UTC) for every brand's X reads together; 0 turns X's reads off.
    x_monthly_budget_usd: Annotated[float, Field(alias="X_MONTHLY_BUDGET_USD", ge=0)] = 100.0
    #: X's pay-per-use prices (developer console), per resource read, deduplicated per UTC day.
    x_post_read_usd: Annotated[float, Field(alias="X_POST_READ_USD", gt=0)] = 0.005
    x_user_read_usd: Annotated[float, Field(alias="X_USER_READ_USD", gt=0)] = 0.010
    gdelt_api_url: Annotated[str, Field(alias="GDELT_API_URL")] = "https://api.gdeltproject.org"
    #: GDELT's pace for the whole stack (its 429 asks one request per 5 s); the demo's clock runs at 0.
    gdelt_spacing_seconds: Annotated[float, Field(alias="GDELT_SPACING_SECONDS", ge=0, le=60)] = 5.0
    #: Per socket read; each request also ends by its job's deadline (`runtime.job_budget`).
    http_timeout_seconds: Annotated[float, Field(alias="HTTP_TIMEOUT_SECONDS", gt=0, le=60)] = 10.0
    #: A page larger than this fails the poll as a source error (`adapters.http_limits.MAX_PAGE_BYTES`).
    http_max_page_bytes: Annotated[int, Field(alias="HTTP_MAX_PAGE_BYTES", ge=1024)] = 8 * 1024 * 1024
    #: A poll job starts only with this much of the invocation left; otherwise SQS retries it later.
    job_min_seconds: Annotated[float, Field(alias="JOB_MIN_SECONDS", gt=0, le=900)] = 30.0
    #: Of each job's time, kept after its last request to score, store and move the cursor.
    job_store_seconds: Annotated[float, Field(alias="JOB_STORE_SECONDS", ge=0, le=300)] = 10.0
    #: Raw mentions expire after this many days (DynamoDB TTL); aggregates stay. 0 keeps them forever.
    retention_days: Annotated[int, Field(alias="RETENTION_DAYS", ge=0)] = 0


class EvaluateSettings(_Settings):
    alert_topic_arn: Annotated[str, Field(alias="ALERT_TOPIC_ARN")]


class SendDigestSettings(_Settings):
    #: Digests go out on the alert topic with the message attribute kind=digest.
    alert_topic_arn: Annotated[str, Field(alias="ALERT_TOPIC_ARN")]


class CheckIngestionSettings(_Settings):
    #: Ops alerts go out on the alert topic with the message attribute kind=ops.
    alert_topic_arn: Annotated[str, Field(alias="ALERT_TOPIC_ARN")]
    poll_dead_letter_queue_url: Annotated[str, Field(alias="POLL_DEAD_LETTER_QUEUE_URL")]
    reddit_poll_dead_letter_queue_url: Annotated[str, Field(alias="REDDIT_POLL_DEAD_LETTER_QUEUE_URL")]


class ExportSettings(_Settings):
    export_bucket: Annotated[str, Field(alias="EXPORT_BUCKET")]
    export_prefix: Annotated[str, Field(alias="EXPORT_PREFIX")] = "repmon"
    #: Secrets Manager secret (or SSM SecureString) with the key that pseudonymises author ids.
    pseudonym_key_name: Annotated[str, Field(alias="PSEUDONYM_KEY_NAME")] = "repmon/pseudonym-key"
    pseudonymise_authors: Annotated[bool, Field(alias="PSEUDONYMISE_AUTHORS")] = True
    include_text: Annotated[bool, Field(alias="EXPORT_INCLUDE_TEXT")] = True
    table_arn: Annotated[str, Field(alias="TABLE_ARN")] = ""
    #: Start a DynamoDB point-in-time export each run (needs PITR); off for stacks without PITR.
    native_export: Annotated[bool, Field(alias="NATIVE_EXPORT")] = True
    #: Export up to this many minutes before the run: PITR's latest restorable time trails the clock.
    native_lag_minutes: Annotated[int, Field(alias="NATIVE_EXPORT_LAG_MINUTES", ge=5, le=600)] = 15
    #: Mentions polled since the last run but created up to this many days earlier are re-exported.
    late_lookback_days: Annotated[int, Field(alias="EXPORT_LATE_LOOKBACK_DAYS", ge=1, le=90)] = 7
    #: Days written by the first run; the first (full) native export backfills the rest a run later.
    first_run_days: Annotated[int, Field(alias="EXPORT_FIRST_RUN_DAYS", ge=1, le=90)] = 7


S = TypeVar("S", bound=_Settings)


def load_settings(model: type[S], environ: Mapping[str, str] | None = None) -> S:
    """Build `model` from the environment; raise SettingsError listing every missing or bad variable."""
    env = dict(os.environ if environ is None else environ)
    try:
        return model.model_validate(env)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors(include_url=False)
        )
        raise SettingsError(f"{model.__name__}: {problems}") from None
