-- DuckDB form of infra/athena/queries/replies_per_location.sql: the same text, its two ? read from
-- SET VARIABLE first_day / last_day (see ../views.sql); test_export_duckdb.py keeps them equal.
-- How often and how fast the brand answers its reviews, per brand, review site, location and week
-- (Monday, UTC): the reviews (mentions with stars, not the brand's own), how many could be answered
-- (reply status 'replied' or 'unanswered'), how many were, the reply rate among those and the median
-- and 90th-percentile minutes to the first reply, for all reviews (scope 'all') and for 1-2 star ones
-- (scope 'low_star'). A site that cannot show the brand's answers (reply status 'unknown') has its
-- reviews counted, none answerable and a null rate, never 0. A site without locations (an app store)
-- has location_id '', as in ratings_per_location.sql. Percentiles are nearest-rank, as
-- response_times.sql and repmon.domain.response_metrics compute them.
-- Parameters: first day, last day.
WITH reviews AS (
  SELECT
    brand_id,
    source,
    COALESCE(location_id, '') AS location_id,
    location_name,
    CAST(date_trunc('week', from_iso8601_timestamp(created_at)) AS DATE) AS week,
    rating <= 2 AS low_star,
    reply_status IN ('replied', 'unanswered') AS answerable,
    CASE WHEN reply_status = 'replied' THEN GREATEST(0, date_diff(
      'second', from_iso8601_timestamp(created_at), from_iso8601_timestamp(replied_at)
    )) / 60.0 END AS minutes
  FROM mentions
  WHERE dt BETWEEN repmon_day('first_day') AND repmon_day('last_day') AND rating IS NOT NULL AND NOT COALESCE(own, false)
),
scoped AS (
  SELECT brand_id, source, location_id, location_name, week, 'all' AS scope, answerable, minutes
  FROM reviews
  UNION ALL
  SELECT brand_id, source, location_id, location_name, week, 'low_star', answerable, minutes
  FROM reviews WHERE low_star
),
ranked AS (
  SELECT
    scoped.*,
    ROW_NUMBER() OVER (
      PARTITION BY brand_id, source, location_id, week, scope ORDER BY minutes NULLS LAST
    ) AS rn,
    COUNT(minutes) OVER (PARTITION BY brand_id, source, location_id, week, scope) AS replies
  FROM scoped
)
SELECT
  brand_id,
  source,
  location_id,
  MAX(location_name) AS location_name,
  week,
  scope,
  COUNT(*) AS reviews,
  COUNT_IF(answerable) AS answerable,
  COUNT(minutes) AS replied,
  ROUND(CAST(COUNT(minutes) AS DOUBLE) / NULLIF(COUNT_IF(answerable), 0), 4) AS reply_rate,
  MIN(CASE WHEN minutes IS NOT NULL AND rn >= 0.5 * replies THEN minutes END) AS median_minutes,
  MIN(CASE WHEN minutes IS NOT NULL AND rn >= 0.9 * replies THEN minutes END) AS p90_minutes
FROM ranked
GROUP BY brand_id, source, location_id, week, scope
ORDER BY brand_id, source, location_id, week, scope
