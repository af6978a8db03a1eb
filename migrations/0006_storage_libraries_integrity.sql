CREATE TABLE `direct_uploads` (
	`id` text PRIMARY KEY NOT NULL,
	`owner_id` text NOT NULL,
	`key` text NOT NULL,
	`file_name` text NOT NULL,
	`size` integer NOT NULL,
	`checksum` text,
	`content_type` text,
	`expires_at` integer NOT NULL,
	`completed_at` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`owner_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `direct_uploads_key_idx` ON `direct_uploads` (`key`);--> statement-breakpoint
CREATE INDEX `direct_uploads_expiry_idx` ON `direct_uploads` (`completed_at`,`expires_at`);--> statement-breakpoint
CREATE TABLE `integrity_findings` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`kind` text NOT NULL,
	`key` text NOT NULL,
	`asset_id` text,
	`detail` text,
	`found_at` integer NOT NULL,
	FOREIGN KEY (`asset_id`) REFERENCES `assets`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `integrity_findings_kind_idx` ON `integrity_findings` (`kind`,`key`);--> statement-breakpoint
CREATE TABLE `libraries` (
	`id` text PRIMARY KEY NOT NULL,
	`owner_id` text NOT NULL,
	`name` text NOT NULL,
	`import_paths` text NOT NULL,
	`exclusion_patterns` text NOT NULL,
	`watch` integer DEFAULT false NOT NULL,
	`scan_total` integer DEFAULT 0 NOT NULL,
	`scan_done` integer DEFAULT 0 NOT NULL,
	`scan_started_at` integer,
	`refreshed_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`owner_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `libraries_owner_idx` ON `libraries` (`owner_id`);--> statement-breakpoint
ALTER TABLE `assets` ADD `library_id` text REFERENCES libraries(id) ON DELETE cascade;--> statement-breakpoint
ALTER TABLE `assets` ADD `external_path` text;--> statement-breakpoint
ALTER TABLE `assets` ADD `is_offline` integer DEFAULT false NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX `assets_library_path_idx` ON `assets` (`library_id`,`external_path`);--> statement-breakpoint
ALTER TABLE `users` ADD `storage_label` text;