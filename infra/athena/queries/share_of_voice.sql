-- Share of voice: each brand's share of all mentions of the watched brands, per UTC day.
-- From brand_hourly (aggregates are kept forever; raw mentions may expire with RETENTION_DAYS).
-- Parameters: first day, last day.
SELECT
  dt,
  brand_id,
  SUM(mentions) AS mentions,
  CAST(SUM(mentions) AS DOUBLE) / SUM(SUM(mentions)) OVER (PARTITION BY dt) AS share_of_voice
FROM brand_hourly
WHERE dt BETWEEN ? AND ?
GROUP BY dt, brand_id
ORDER BY dt, brand_id
