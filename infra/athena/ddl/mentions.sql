-- repmon flat export: `mentions` (columns and types: infra/athena/README.md).
-- Replace EXPORT_BUCKET and EXPORT_PREFIX (the stack's ExportBucket and EXPORT_PREFIX) before running.
-- Partition projection: no MSCK REPAIR / ADD PARTITION ever; every dt from 2024-01-01 to today is known.
CREATE EXTERNAL TABLE IF NOT EXISTS repmon.mentions (
  `brand_id` string,
  `mention_key` string,
  `source` string,
  `native_id` string,
  `created_at` string,
  `polled_at` string,
  `url` string,
  `title` string,
  `text` string,
  `community` string,
  `community_size` bigint,
  `rating` bigint,
  `author_id` string,
  `author_handle` string,
  `author_followers` bigint,
  `author_karma` bigint,
  `author_created_at` string,
  `author_verified` boolean,
  `score` bigint,
  `comments` bigint,
  `shares` bigint,
  `votes` bigint,
  `views` bigint,
  `location_id` string,
  `location_name` string,
  `app_version` string,
  `device` string,
  `parent_id` string,
  `own` boolean,
  `replied_at` string,
  `reply_url` string,
  `reply_status` string,
  `customer_tier` string,
  `sentiment_label` string,
  `sentiment_score` double,
  `language` string,
  `reasons` array<string>,
  `influence` double,
  `expires_at` string
)
PARTITIONED BY (`dt` string)
ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe'
WITH SERDEPROPERTIES ('ignore.malformed.json' = 'false')
LOCATION 's3://EXPORT_BUCKET/EXPORT_PREFIX/flat/mentions/'
TBLPROPERTIES (
  'projection.enabled' = 'true',
  'projection.dt.type' = 'date',
  'projection.dt.format' = 'yyyy-MM-dd',
  'projection.dt.range' = '2024-01-01,NOW',
  'projection.dt.interval' = '1',
  'projection.dt.interval.unit' = 'DAYS',
  'storage.location.template' = 's3://EXPORT_BUCKET/EXPORT_PREFIX/flat/mentions/dt=${dt}/'
);
