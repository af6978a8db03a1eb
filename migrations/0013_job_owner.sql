ALTER TABLE `jobs` ADD `owner_id` text;--> statement-breakpoint
UPDATE `jobs` SET `owner_id` = (SELECT `owner_id` FROM `assets` WHERE `assets`.`id` = json_extract(`jobs`.`payload`, '$.assetId'));--> statement-breakpoint
-- Every way of queueing a job (the web handlers and the worker alike) names the asset in its payload;
-- the trigger reads its owner from there, so that no caller has to.
CREATE TRIGGER `jobs_owner` AFTER INSERT ON `jobs`
WHEN NEW.`owner_id` IS NULL AND json_extract(NEW.`payload`, '$.assetId') IS NOT NULL
BEGIN
  UPDATE `jobs` SET `owner_id` = (SELECT `owner_id` FROM `assets` WHERE `assets`.`id` = json_extract(NEW.`payload`, '$.assetId')) WHERE `id` = NEW.`id`;
END;
