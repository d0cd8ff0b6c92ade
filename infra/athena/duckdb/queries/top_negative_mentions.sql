-- DuckDB form of infra/athena/queries/top_negative_mentions.sql: the same text, its two ? read from
-- SET VARIABLE first_day / last_day (see ../views.sql); test_export_duckdb.py keeps them equal.
-- The most influential negative mentions per brand over a period (e.g. last week: today-7 .. today-1):
-- what a reputation manager reads first. Same order as the alerts' "top mentions": influence, then worst score.
-- Parameters: first day, last day.
SELECT brand_id, mention_rank, dt, mention_key, source, created_at, influence, sentiment_score, author_handle, community, url, title, text
FROM (
  SELECT
    m.*,
    ROW_NUMBER() OVER (PARTITION BY brand_id ORDER BY influence DESC, sentiment_score ASC, mention_key) AS mention_rank
  FROM mentions m
  WHERE dt BETWEEN repmon_day('first_day') AND repmon_day('last_day') AND sentiment_label = 'negative'
) ranked
WHERE mention_rank <= 10
ORDER BY brand_id, mention_rank
