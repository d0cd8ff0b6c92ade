-- DuckDB views over a flat export (a LocalDirSink folder, or a synced copy of the S3 prefix).
-- Run from the export folder (the one holding flat/):  duckdb -init <repo>/infra/athena/duckdb/views.sql
-- Same table names and column types as the Athena tables, so infra/athena/queries/*.sql run unchanged.
-- Explicit columns: an empty day (an empty gzip file) then reads as zero rows, never a type guess.
CREATE OR REPLACE VIEW mentions AS
SELECT * FROM read_json(
  'flat/mentions/dt=*/part-*.json.gz',
  format = 'newline_delimited', hive_partitioning = true, hive_types = {'dt': 'VARCHAR'},
  columns = {'brand_id': 'VARCHAR', 'mention_key': 'VARCHAR', 'source': 'VARCHAR', 'native_id': 'VARCHAR', 'created_at': 'VARCHAR', 'polled_at': 'VARCHAR', 'url': 'VARCHAR', 'title': 'VARCHAR', 'text': 'VARCHAR', 'community': 'VARCHAR', 'community_size': 'BIGINT', 'rating': 'BIGINT', 'author_id': 'VARCHAR', 'author_handle': 'VARCHAR', 'author_followers': 'BIGINT', 'author_karma': 'BIGINT', 'author_created_at': 'VARCHAR', 'author_verified': 'BOOLEAN', 'score': 'BIGINT', 'comments': 'BIGINT', 'shares': 'BIGINT', 'votes': 'BIGINT', 'sentiment_label': 'VARCHAR', 'sentiment_score': 'DOUBLE', 'language': 'VARCHAR', 'reasons': 'VARCHAR[]', 'influence': 'DOUBLE', 'expires_at': 'VARCHAR'}
);
CREATE OR REPLACE VIEW brand_hourly AS
SELECT * FROM read_json(
  'flat/brand_hourly/dt=*/part-*.json.gz',
  format = 'newline_delimited', hive_partitioning = true, hive_types = {'dt': 'VARCHAR'},
  columns = {'brand_id': 'VARCHAR', 'hour': 'VARCHAR', 'mentions': 'BIGINT', 'negative': 'BIGINT', 'neutral': 'BIGINT', 'positive': 'BIGINT', 'unscored': 'BIGINT', 'sentiment_sum': 'DOUBLE', 'weight_sum': 'DOUBLE', 'weighted_sentiment_sum': 'DOUBLE', 'mentions_reddit': 'BIGINT', 'mentions_hackernews': 'BIGINT', 'mentions_appstore': 'BIGINT'}
);
CREATE OR REPLACE VIEW alerts AS
SELECT * FROM read_json(
  'flat/alerts/dt=*/part-*.json.gz',
  format = 'newline_delimited', hive_partitioning = true, hive_types = {'dt': 'VARCHAR'},
  columns = {'alert_id': 'VARCHAR', 'brand_id': 'VARCHAR', 'brand_name': 'VARCHAR', 'rule': 'VARCHAR', 'severity': 'VARCHAR', 'fired_at': 'VARCHAR', 'summary': 'VARCHAR', 'reputation_index': 'DOUBLE', 'index_change': 'DOUBLE', 'top_mention_keys': 'VARCHAR[]'}
);
