-- repmon flat export: `brand_hourly` (columns and types: infra/athena/README.md).
-- Replace EXPORT_BUCKET and EXPORT_PREFIX (the stack's ExportBucket and EXPORT_PREFIX) before running.
-- Partition projection: no MSCK REPAIR / ADD PARTITION ever; every dt from 2024-01-01 to today is known.
CREATE EXTERNAL TABLE IF NOT EXISTS repmon.brand_hourly (
  `brand_id` string,
  `hour` string,
  `mentions` bigint,
  `negative` bigint,
  `neutral` bigint,
  `positive` bigint,
  `unscored` bigint,
  `sentiment_sum` double,
  `weight_sum` double,
  `weighted_sentiment_sum` double,
  `mentions_reddit` bigint,
  `mentions_hackernews` bigint,
  `mentions_appstore` bigint,
  `mentions_feeds` bigint,
  `mentions_gdelt` bigint,
  `mentions_bluesky` bigint,
  `mentions_mastodon` bigint,
  `mentions_youtube` bigint,
  `mentions_x` bigint,
  `mentions_google_play` bigint,
  `mentions_appstore_connect` bigint,
  `mentions_tripadvisor` bigint,
  `mentions_trustpilot` bigint,
  `mentions_google` bigint,
  `mentions_yelp` bigint
)
PARTITIONED BY (`dt` string)
ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe'
WITH SERDEPROPERTIES ('ignore.malformed.json' = 'false')
LOCATION 's3://EXPORT_BUCKET/EXPORT_PREFIX/flat/brand_hourly/'
TBLPROPERTIES (
  'projection.enabled' = 'true',
  'projection.dt.type' = 'date',
  'projection.dt.format' = 'yyyy-MM-dd',
  'projection.dt.range' = '2024-01-01,NOW',
  'projection.dt.interval' = '1',
  'projection.dt.interval.unit' = 'DAYS',
  'storage.location.template' = 's3://EXPORT_BUCKET/EXPORT_PREFIX/flat/brand_hourly/dt=${dt}/'
);
