ALTER TABLE `assets` ADD `perceptual_hash` text;--> statement-breakpoint
ALTER TABLE `assets` ADD `duplicate_id` text;--> statement-breakpoint
ALTER TABLE `assets` ADD `duplicates_detected_at` integer;--> statement-breakpoint
CREATE INDEX `assets_owner_duplicate_idx` ON `assets` (`owner_id`,`duplicate_id`);--> statement-breakpoint
-- Assets whose thumbnail was made before perceptual hashes: hash the thumbnail once, in a job each
-- (new thumbnails get theirs as they are made). Each job then queues its owner's duplicate detection.
INSERT INTO `jobs` (`queue`, `name`, `payload`, `status`, `priority`, `attempts`, `max_attempts`, `run_after`, `created_at`, `updated_at`)
SELECT 'thumbnailGeneration', 'computePerceptualHash', json_object('assetId', `asset_id`), 'waiting', -1, 0, 3,
  CAST(unixepoch('subsec') * 1000 AS INTEGER), CAST(unixepoch('subsec') * 1000 AS INTEGER), CAST(unixepoch('subsec') * 1000 AS INTEGER)
FROM `asset_files`
WHERE `type` = 'thumbnail';
