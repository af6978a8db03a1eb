-- Originals uploaded before the storage template still have machine-made keys: queue their move once
-- (a worker whose storage is a bucket completes these jobs without moving anything).
INSERT INTO `jobs` (`queue`, `name`, `payload`, `status`, `priority`, `attempts`, `max_attempts`, `run_after`, `created_at`, `updated_at`)
SELECT 'backgroundTask', 'applyStorageTemplate', json_object('assetId', `id`), 'waiting', 0, 0, 3,
  CAST(unixepoch('subsec') * 1000 AS INTEGER), CAST(unixepoch('subsec') * 1000 AS INTEGER), CAST(unixepoch('subsec') * 1000 AS INTEGER)
FROM `assets`
WHERE `original_key` LIKE 'originals/%' AND `external_path` IS NULL;
