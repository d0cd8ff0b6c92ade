-- Average stars per brand, review site and location per week (Monday, UTC): the number of reviews,
-- their average and how many were low-rated (1-2 stars). Mentions without stars (posts) and the
-- brand's own are left out; a site with no locations has location_id ''.
-- Parameters: first day, last day.
SELECT
  brand_id,
  source,
  COALESCE(location_id, '') AS location_id,
  MAX(location_name) AS location_name,
  CAST(date_trunc('week', from_iso8601_timestamp(created_at)) AS DATE) AS week,
  COUNT(*) AS reviews,
  ROUND(AVG(rating), 2) AS average_stars,
  COUNT_IF(rating <= 2) AS low_rated
FROM mentions
WHERE dt BETWEEN ? AND ? AND rating IS NOT NULL AND NOT COALESCE(own, false)
GROUP BY brand_id, source, COALESCE(location_id, ''), CAST(date_trunc('week', from_iso8601_timestamp(created_at)) AS DATE)
ORDER BY brand_id, source, location_id, week
