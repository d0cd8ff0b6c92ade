-- DuckDB form of infra/athena/queries/reputation_index_daily.sql: the same text, its two ? read from
-- SET VARIABLE first_day / last_day (see ../views.sql); test_export_duckdb.py keeps them equal.
-- Reputation index per brand per UTC day, the product's own formula (shared/repmon/domain/reputation.py):
--   index = 50 + 50 * sum(weighted_sentiment_sum) / (sum(weight_sum) + 40), clamped to 0..100;
--   40 is the prior K (phantom neutral mentions); NULL when the day has no scored mention.
-- Parameters: first day, last day ('YYYY-MM-DD'); the console prompts for them (or EXECUTE ... USING).
SELECT
  brand_id,
  dt,
  SUM(mentions) AS mentions,
  SUM(negative + neutral + positive) AS scored_mentions,
  CASE
    WHEN SUM(negative + neutral + positive) = 0 THEN NULL
    ELSE LEAST(100.0, GREATEST(0.0, 50.0 + 50.0 * SUM(weighted_sentiment_sum) / (SUM(weight_sum) + 40.0)))
  END AS reputation_index
FROM brand_hourly
WHERE dt BETWEEN repmon_day('first_day') AND repmon_day('last_day')
GROUP BY brand_id, dt
ORDER BY brand_id, dt
