CREATE TABLE `asset_files` (
	`asset_id` text NOT NULL,
	`type` text NOT NULL,
	`key` text NOT NULL,
	`mime_type` text NOT NULL,
	PRIMARY KEY(`asset_id`, `type`),
	FOREIGN KEY (`asset_id`) REFERENCES `assets`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `assets` (
	`id` text PRIMARY KEY NOT NULL,
	`type` text NOT NULL,
	`original_file_name` text NOT NULL,
	`original_mime_type` text NOT NULL,
	`original_key` text NOT NULL,
	`checksum` text NOT NULL,
	`file_size_in_byte` integer NOT NULL,
	`file_created_at` integer NOT NULL,
	`file_modified_at` integer NOT NULL,
	`local_date_time` integer NOT NULL,
	`width` integer,
	`height` integer,
	`duration` text,
	`thumbhash` text,
	`is_favorite` integer DEFAULT false NOT NULL,
	`visibility` text DEFAULT 'timeline' NOT NULL,
	`deleted_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `assets_checksum_idx` ON `assets` (`checksum`);--> statement-breakpoint
CREATE INDEX `assets_timeline_idx` ON `assets` (`local_date_time`);--> statement-breakpoint
CREATE TABLE `exif` (
	`asset_id` text PRIMARY KEY NOT NULL,
	`make` text,
	`model` text,
	`lens_model` text,
	`f_number` real,
	`focal_length` real,
	`iso` integer,
	`exposure_time` text,
	`date_time_original` text,
	`time_zone` text,
	`latitude` real,
	`longitude` real,
	`orientation` text,
	`exif_image_width` integer,
	`exif_image_height` integer,
	`description` text,
	`rating` integer,
	FOREIGN KEY (`asset_id`) REFERENCES `assets`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `jobs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`queue` text NOT NULL,
	`name` text NOT NULL,
	`payload` text NOT NULL,
	`status` text DEFAULT 'waiting' NOT NULL,
	`priority` integer DEFAULT 0 NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`max_attempts` integer NOT NULL,
	`run_after` integer NOT NULL,
	`lease_owner` text,
	`lease_expires_at` integer,
	`last_error` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `jobs_claim_idx` ON `jobs` (`queue`,`status`,`priority`,`run_after`,`id`);--> statement-breakpoint
CREATE INDEX `jobs_lease_idx` ON `jobs` (`status`,`lease_expires_at`);--> statement-breakpoint
CREATE TABLE `queues` (
	`name` text PRIMARY KEY NOT NULL,
	`is_paused` integer DEFAULT false NOT NULL,
	`completed` integer DEFAULT 0 NOT NULL,
	`updated_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
