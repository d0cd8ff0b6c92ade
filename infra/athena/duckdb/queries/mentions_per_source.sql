-- DuckDB form of infra/athena/queries/mentions_per_source.sql: the same text, its two ? read from
-- SET VARIABLE first_day / last_day (see ../views.sql); test_export_duckdb.py keeps them equal.
-- Mentions per brand and source over a period, with their sentiment mix ('unscored': another
-- language or no text). Parameters: first day, last day.
SELECT
  brand_id,
  source,
  COUNT(*) AS mentions,
  SUM(CASE WHEN sentiment_label = 'negative' THEN 1 ELSE 0 END) AS negative,
  SUM(CASE WHEN sentiment_label = 'neutral' THEN 1 ELSE 0 END) AS neutral,
  SUM(CASE WHEN sentiment_label = 'positive' THEN 1 ELSE 0 END) AS positive,
  SUM(CASE WHEN sentiment_label = 'unscored' THEN 1 ELSE 0 END) AS unscored
FROM mentions
WHERE dt BETWEEN repmon_day('first_day') AND repmon_day('last_day')
GROUP BY brand_id, source
ORDER BY brand_id, source
