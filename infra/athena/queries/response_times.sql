-- How often and how fast the brand answers: reply rate, median and 90th-percentile minutes to the
-- first reply, per brand, source and week (Monday, UTC), for every answerable mention (scope 'all')
-- and for complaints (negative), and for all sources together (source 'all'). Answerable: the reply
-- status is 'replied' or 'unanswered'; 'unknown' (the source cannot show replies) and 'own' are left
-- out. Percentiles are nearest-rank, as repmon.domain.response_metrics computes them for digests.
-- Parameters: first day, last day.
WITH answerable AS (
  SELECT
    brand_id,
    source,
    CAST(date_trunc('week', from_iso8601_timestamp(created_at)) AS DATE) AS week,
    sentiment_label = 'negative' AS complaint,
    CASE WHEN reply_status = 'replied' THEN GREATEST(0, date_diff(
      'second', from_iso8601_timestamp(created_at), from_iso8601_timestamp(replied_at)
    )) / 60.0 END AS minutes
  FROM mentions
  WHERE dt BETWEEN ? AND ? AND reply_status IN ('replied', 'unanswered')
),
scoped AS (
  SELECT brand_id, source, week, 'all' AS scope, minutes FROM answerable
  UNION ALL SELECT brand_id, source, week, 'complaints', minutes FROM answerable WHERE complaint
  UNION ALL SELECT brand_id, 'all', week, 'all', minutes FROM answerable
  UNION ALL SELECT brand_id, 'all', week, 'complaints', minutes FROM answerable WHERE complaint
),
ranked AS (
  SELECT
    scoped.*,
    ROW_NUMBER() OVER (PARTITION BY brand_id, source, week, scope ORDER BY minutes NULLS LAST) AS rn,
    COUNT(minutes) OVER (PARTITION BY brand_id, source, week, scope) AS replies
  FROM scoped
)
SELECT
  brand_id,
  source,
  week,
  scope,
  COUNT(*) AS mentions,
  COUNT(minutes) AS replied,
  ROUND(CAST(COUNT(minutes) AS DOUBLE) / COUNT(*), 4) AS reply_rate,
  MIN(CASE WHEN minutes IS NOT NULL AND rn >= 0.5 * replies THEN minutes END) AS median_minutes,
  MIN(CASE WHEN minutes IS NOT NULL AND rn >= 0.9 * replies THEN minutes END) AS p90_minutes
FROM ranked
GROUP BY brand_id, source, week, scope
ORDER BY brand_id, source, week, scope
