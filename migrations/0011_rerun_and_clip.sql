CREATE TABLE `smart_search` (
	`asset_id` text PRIMARY KEY NOT NULL,
	`embedding` F32_BLOB(512) NOT NULL,
	FOREIGN KEY (`asset_id`) REFERENCES `assets`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
ALTER TABLE `assets` ADD `faces_detected_at` integer;--> statement-breakpoint
ALTER TABLE `assets` ADD `objects_tagged_at` integer;--> statement-breakpoint
CREATE INDEX smart_search_embedding_idx ON smart_search (libsql_vector_idx(embedding, 'metric=cosine'));--> statement-breakpoint
-- Assets with faces or tags have been through their models; the rest (those from before migrations
-- 0009 and 0010, and those in which the models found nothing) get a "missing" run of both queues once.
UPDATE `assets` SET `faces_detected_at` = `updated_at` WHERE EXISTS (SELECT 1 FROM `faces` WHERE `faces`.`asset_id` = `assets`.`id`);--> statement-breakpoint
UPDATE `assets` SET `objects_tagged_at` = `updated_at` WHERE EXISTS (SELECT 1 FROM `asset_tags` WHERE `asset_tags`.`asset_id` = `assets`.`id`);--> statement-breakpoint
INSERT INTO `jobs` (`queue`, `name`, `payload`, `status`, `priority`, `attempts`, `max_attempts`, `run_after`, `created_at`, `updated_at`)
SELECT 'backgroundTask', 'queueAssetJobs', json_object('queue', `queue`, 'force', json('false')), 'waiting', 0, 0, 3,
  CAST(unixepoch('subsec') * 1000 AS INTEGER), CAST(unixepoch('subsec') * 1000 AS INTEGER), CAST(unixepoch('subsec') * 1000 AS INTEGER)
FROM (SELECT 'faceDetection' AS `queue` UNION ALL SELECT 'smartSearch')
WHERE EXISTS (SELECT 1 FROM `assets`);
