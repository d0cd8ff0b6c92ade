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
WHERE dt BETWEEN ? AND ?
GROUP BY brand_id, source
ORDER BY brand_id, source
