-- DuckDB views over a flat export (a LocalDirSink folder, or a synced copy of the S3 prefix), from any
-- working directory: the export is the folder named by the variable repmon_root (the one holding flat/).
--   duckdb -cmd "SET VARIABLE repmon_root = '/path/to/export'" -cmd ".read /path/to/repmon/infra/athena/duckdb/views.sql"
-- Python: con.execute("SET VARIABLE repmon_root = ?", [folder]); con.execute(<this file's text>).
-- Same table names and column types as the Athena tables; infra/athena/duckdb/queries/*.sql are the
-- Athena queries with their two ? read from SET VARIABLE first_day / last_day (strings or DATEs).
-- Explicit columns: an empty day (an empty gzip file) then reads as zero rows, never a type guess.
-- Views are bound again at each query, so SET VARIABLE repmon_root later points them elsewhere.

-- Unset, the views would fail with "read_json cannot take NULL list": say what to do instead.
SET VARIABLE repmon_root = COALESCE(
  getvariable('repmon_root'),
  error('first SET VARIABLE repmon_root = ''/path/to/export'' (the folder holding flat/)')
);
-- A query's day: a string or DATE variable, as the 'YYYY-MM-DD' of dt. Raised per row, not folded:
-- unset would otherwise compare with NULL and return no rows, silently.
CREATE OR REPLACE MACRO repmon_day(name) AS CAST(CAST(
  COALESCE(getvariable(name), error('first SET VARIABLE ' || name || ' = ''YYYY-MM-DD''')) AS DATE
) AS VARCHAR);
-- Athena's (Trino's) from_iso8601_timestamp, so a query's text runs in both: the UTC time, with no
-- zone left for the session's TimeZone setting to shift (date_trunc('week', ...) is the UTC Monday).
CREATE OR REPLACE MACRO from_iso8601_timestamp(text) AS timezone('UTC', CAST(text AS TIMESTAMPTZ));
CREATE OR REPLACE VIEW mentions AS
SELECT * FROM read_json(
  rtrim(getvariable('repmon_root'), '/') || '/flat/mentions/dt=*/part-*.json.gz',
  format = 'newline_delimited', hive_partitioning = true, hive_types = {'dt': 'VARCHAR'},
  columns = {'brand_id': 'VARCHAR', 'mention_key': 'VARCHAR', 'source': 'VARCHAR', 'native_id': 'VARCHAR', 'created_at': 'VARCHAR', 'polled_at': 'VARCHAR', 'url': 'VARCHAR', 'title': 'VARCHAR', 'text': 'VARCHAR', 'community': 'VARCHAR', 'community_size': 'BIGINT', 'rating': 'BIGINT', 'author_id': 'VARCHAR', 'author_handle': 'VARCHAR', 'author_followers': 'BIGINT', 'author_karma': 'BIGINT', 'author_created_at': 'VARCHAR', 'author_verified': 'BOOLEAN', 'score': 'BIGINT', 'comments': 'BIGINT', 'shares': 'BIGINT', 'votes': 'BIGINT', 'views': 'BIGINT', 'location_id': 'VARCHAR', 'location_name': 'VARCHAR', 'app_version': 'VARCHAR', 'device': 'VARCHAR', 'parent_id': 'VARCHAR', 'own': 'BOOLEAN', 'replied_at': 'VARCHAR', 'reply_url': 'VARCHAR', 'reply_status': 'VARCHAR', 'customer_tier': 'VARCHAR', 'sentiment_label': 'VARCHAR', 'sentiment_score': 'DOUBLE', 'language': 'VARCHAR', 'reasons': 'VARCHAR[]', 'influence': 'DOUBLE', 'expires_at': 'VARCHAR'}
);
CREATE OR REPLACE VIEW brand_hourly AS
SELECT * FROM read_json(
  rtrim(getvariable('repmon_root'), '/') || '/flat/brand_hourly/dt=*/part-*.json.gz',
  format = 'newline_delimited', hive_partitioning = true, hive_types = {'dt': 'VARCHAR'},
  columns = {'brand_id': 'VARCHAR', 'hour': 'VARCHAR', 'mentions': 'BIGINT', 'negative': 'BIGINT', 'neutral': 'BIGINT', 'positive': 'BIGINT', 'unscored': 'BIGINT', 'sentiment_sum': 'DOUBLE', 'weight_sum': 'DOUBLE', 'weighted_sentiment_sum': 'DOUBLE', 'mentions_reddit': 'BIGINT', 'mentions_hackernews': 'BIGINT', 'mentions_appstore': 'BIGINT', 'mentions_feeds': 'BIGINT', 'mentions_gdelt': 'BIGINT', 'mentions_bluesky': 'BIGINT', 'mentions_mastodon': 'BIGINT', 'mentions_youtube': 'BIGINT', 'mentions_x': 'BIGINT', 'mentions_google_play': 'BIGINT', 'mentions_appstore_connect': 'BIGINT', 'mentions_tripadvisor': 'BIGINT', 'mentions_trustpilot': 'BIGINT', 'mentions_google': 'BIGINT', 'mentions_yelp': 'BIGINT'}
);
CREATE OR REPLACE VIEW alerts AS
SELECT * FROM read_json(
  rtrim(getvariable('repmon_root'), '/') || '/flat/alerts/dt=*/part-*.json.gz',
  format = 'newline_delimited', hive_partitioning = true, hive_types = {'dt': 'VARCHAR'},
  columns = {'alert_id': 'VARCHAR', 'brand_id': 'VARCHAR', 'brand_name': 'VARCHAR', 'rule': 'VARCHAR', 'severity': 'VARCHAR', 'fired_at': 'VARCHAR', 'summary': 'VARCHAR', 'reputation_index': 'DOUBLE', 'index_change': 'DOUBLE', 'top_mention_keys': 'VARCHAR[]', 'incident_id': 'VARCHAR', 'kind': 'VARCHAR'}
);
