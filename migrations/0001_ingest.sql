CREATE TABLE `album_assets` (
	`album_id` text NOT NULL,
	`asset_id` text NOT NULL,
	`added_at` integer NOT NULL,
	PRIMARY KEY(`album_id`, `asset_id`),
	FOREIGN KEY (`album_id`) REFERENCES `albums`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`asset_id`) REFERENCES `assets`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `album_assets_asset_idx` ON `album_assets` (`asset_id`);--> statement-breakpoint
CREATE TABLE `albums` (
	`id` text PRIMARY KEY NOT NULL,
	`album_name` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`album_thumbnail_asset_id` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`album_thumbnail_asset_id`) REFERENCES `assets`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE TABLE `uploads_in_progress` (
	`key` text PRIMARY KEY NOT NULL,
	`started_at` integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE `assets` ADD `sidecar_key` text;--> statement-breakpoint
ALTER TABLE `assets` ADD `encoded_video_key` text;--> statement-breakpoint
ALTER TABLE `assets` ADD `live_photo_video_id` text;--> statement-breakpoint
ALTER TABLE `assets` ADD `content_identifier` text;--> statement-breakpoint
ALTER TABLE `assets` ADD `processing_error` text;--> statement-breakpoint
CREATE INDEX `assets_content_identifier_idx` ON `assets` (`content_identifier`);--> statement-breakpoint
ALTER TABLE `exif` ADD `city` text;--> statement-breakpoint
ALTER TABLE `exif` ADD `state` text;--> statement-breakpoint
ALTER TABLE `exif` ADD `country` text;