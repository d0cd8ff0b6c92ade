-- DuckDB form of infra/athena/queries/unanswered_low_star_reviews.sql: the same text, its two ? read from
-- SET VARIABLE first_day / last_day (see ../views.sql); test_export_duckdb.py keeps them equal.
-- Low-rated reviews (1-2 stars) the brand has not answered, oldest first: a reputation manager's work
-- list. Only sites that show the brand's answers count: reply_status 'unknown' is left out.
-- Parameters: first day, last day.
SELECT brand_id, mention_key, source, location_name, rating, created_at, url, title, text
FROM mentions
WHERE dt BETWEEN repmon_day('first_day') AND repmon_day('last_day') AND rating <= 2 AND reply_status = 'unanswered'
ORDER BY created_at, mention_key
