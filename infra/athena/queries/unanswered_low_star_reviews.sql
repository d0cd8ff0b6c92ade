-- Low-rated reviews (1-2 stars) the brand has not answered, oldest first: a reputation manager's work
-- list. Only sites that show the brand's answers count: reply_status 'unknown' is left out.
-- Parameters: first day, last day.
SELECT brand_id, mention_key, source, location_name, rating, created_at, url, title, text
FROM mentions
WHERE dt BETWEEN ? AND ? AND rating <= 2 AND reply_status = 'unanswered'
ORDER BY created_at, mention_key
