-- DuckDB form of infra/athena/queries/share_of_voice.sql: the same text, its two ? read from
-- SET VARIABLE first_day / last_day (see ../views.sql); test_export_duckdb.py keeps them equal.
-- Share of voice: each brand's share of all mentions of the watched brands, per UTC day.
-- From brand_hourly (aggregates are kept forever; raw mentions may expire with RETENTION_DAYS).
-- Parameters: first day, last day.
SELECT
  dt,
  brand_id,
  SUM(mentions) AS mentions,
  CAST(SUM(mentions) AS DOUBLE) / SUM(SUM(mentions)) OVER (PARTITION BY dt) AS share_of_voice
FROM brand_hourly
WHERE dt BETWEEN repmon_day('first_day') AND repmon_day('last_day')
GROUP BY dt, brand_id
ORDER BY dt, brand_id
