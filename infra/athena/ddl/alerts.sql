-- repmon flat export: `alerts` (columns and types: infra/athena/README.md).
-- Replace EXPORT_BUCKET and EXPORT_PREFIX (the stack's ExportBucket and EXPORT_PREFIX) before running.
-- Partition projection: no MSCK REPAIR / ADD PARTITION ever; every dt from 2024-01-01 to today is known.
CREATE EXTERNAL TABLE IF NOT EXISTS repmon.alerts (
  `alert_id` string,
  `brand_id` string,
  `brand_name` string,
  `rule` string,
  `severity` string,
  `fired_at` string,
  `summary` string,
  `reputation_index` double,
  `index_change` double,
  `top_mention_keys` array<string>,
  `incident_id` string,
  `kind` string
)
PARTITIONED BY (`dt` string)
ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe'
WITH SERDEPROPERTIES ('ignore.malformed.json' = 'false')
LOCATION 's3://EXPORT_BUCKET/EXPORT_PREFIX/flat/alerts/'
TBLPROPERTIES (
  'projection.enabled' = 'true',
  'projection.dt.type' = 'date',
  'projection.dt.format' = 'yyyy-MM-dd',
  'projection.dt.range' = '2024-01-01,NOW',
  'projection.dt.interval' = '1',
  'projection.dt.interval.unit' = 'DAYS',
  'storage.location.template' = 's3://EXPORT_BUCKET/EXPORT_PREFIX/flat/alerts/dt=${dt}/'
);
