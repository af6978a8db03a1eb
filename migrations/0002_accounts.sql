CREATE TABLE `album_users` (
	`album_id` text NOT NULL,
	`user_id` text NOT NULL,
	`role` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`album_id`, `user_id`),
	FOREIGN KEY (`album_id`) REFERENCES `albums`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `album_users_user_idx` ON `album_users` (`user_id`);--> statement-breakpoint
CREATE TABLE `api_keys` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`name` text NOT NULL,
	`key_hash` text NOT NULL,
	`permissions` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_keys_key_idx` ON `api_keys` (`key_hash`);--> statement-breakpoint
CREATE INDEX `api_keys_user_idx` ON `api_keys` (`user_id`);--> statement-breakpoint
CREATE TABLE `login_failures` (
	`key` text PRIMARY KEY NOT NULL,
	`count` integer NOT NULL,
	`window_started_at` integer NOT NULL,
	`blocked_until` integer
);
--> statement-breakpoint
CREATE TABLE `partners` (
	`shared_by_id` text NOT NULL,
	`shared_with_id` text NOT NULL,
	`in_timeline` integer DEFAULT false NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`shared_by_id`, `shared_with_id`),
	FOREIGN KEY (`shared_by_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`shared_with_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `partners_shared_with_idx` ON `partners` (`shared_with_id`);--> statement-breakpoint
CREATE TABLE `sessions` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`token_hash` text NOT NULL,
	`device_type` text DEFAULT '' NOT NULL,
	`device_os` text DEFAULT '' NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `sessions_token_idx` ON `sessions` (`token_hash`);--> statement-breakpoint
CREATE INDEX `sessions_user_idx` ON `sessions` (`user_id`);--> statement-breakpoint
CREATE TABLE `shared_link_assets` (
	`link_id` text NOT NULL,
	`asset_id` text NOT NULL,
	PRIMARY KEY(`link_id`, `asset_id`),
	FOREIGN KEY (`link_id`) REFERENCES `shared_links`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`asset_id`) REFERENCES `assets`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `shared_link_assets_asset_idx` ON `shared_link_assets` (`asset_id`);--> statement-breakpoint
CREATE TABLE `shared_links` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`key` text NOT NULL,
	`type` text NOT NULL,
	`album_id` text,
	`description` text,
	`password_hash` text,
	`expires_at` integer,
	`allow_download` integer NOT NULL,
	`allow_upload` integer NOT NULL,
	`show_metadata` integer NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`album_id`) REFERENCES `albums`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `shared_links_key_idx` ON `shared_links` (`key`);--> statement-breakpoint
CREATE INDEX `shared_links_user_idx` ON `shared_links` (`user_id`);--> statement-breakpoint
CREATE INDEX `shared_links_album_idx` ON `shared_links` (`album_id`);--> statement-breakpoint
CREATE TABLE `users` (
	`id` text PRIMARY KEY NOT NULL,
	`email` text NOT NULL,
	`name` text NOT NULL,
	`password_hash` text NOT NULL,
	`is_admin` integer DEFAULT false NOT NULL,
	`should_change_password` integer DEFAULT false NOT NULL,
	`quota_size_in_bytes` integer,
	`quota_usage_in_bytes` integer DEFAULT 0 NOT NULL,
	`deleted_at` integer,
	`status` text DEFAULT 'active' NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `users_email_idx` ON `users` (`email`);--> statement-breakpoint
-- A library from before accounts belongs to a placeholder owner that cannot sign in; the first
-- admin to sign up takes it over (common/users.ts, createFirstAdmin).
INSERT INTO `users` (`id`, `email`, `name`, `password_hash`, `is_admin`, `created_at`, `updated_at`)
SELECT '00000000-0000-4000-8000-000000000000', 'owner@shoebox.invalid', 'Owner', '', 1, CAST(unixepoch('subsec') * 1000 AS integer), CAST(unixepoch('subsec') * 1000 AS integer)
WHERE EXISTS (SELECT 1 FROM `assets`) OR EXISTS (SELECT 1 FROM `albums`);--> statement-breakpoint
CREATE TABLE `__new_assets` (
	`id` text PRIMARY KEY NOT NULL,
	`owner_id` text NOT NULL,
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
	`sidecar_key` text,
	`encoded_video_key` text,
	`live_photo_video_id` text,
	`content_identifier` text,
	`processing_error` text,
	`is_favorite` integer DEFAULT false NOT NULL,
	`visibility` text DEFAULT 'timeline' NOT NULL,
	`deleted_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`owner_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
INSERT INTO `__new_assets` (`owner_id`, `id`, `type`, `original_file_name`, `original_mime_type`, `original_key`, `checksum`, `file_size_in_byte`, `file_created_at`, `file_modified_at`, `local_date_time`, `width`, `height`, `duration`, `thumbhash`, `sidecar_key`, `encoded_video_key`, `live_photo_video_id`, `content_identifier`, `processing_error`, `is_favorite`, `visibility`, `deleted_at`, `created_at`, `updated_at`) SELECT '00000000-0000-4000-8000-000000000000', `id`, `type`, `original_file_name`, `original_mime_type`, `original_key`, `checksum`, `file_size_in_byte`, `file_created_at`, `file_modified_at`, `local_date_time`, `width`, `height`, `duration`, `thumbhash`, `sidecar_key`, `encoded_video_key`, `live_photo_video_id`, `content_identifier`, `processing_error`, `is_favorite`, `visibility`, `deleted_at`, `created_at`, `updated_at` FROM `assets`;--> statement-breakpoint
DROP TABLE `assets`;--> statement-breakpoint
ALTER TABLE `__new_assets` RENAME TO `assets`;--> statement-breakpoint
CREATE UNIQUE INDEX `assets_owner_checksum_idx` ON `assets` (`owner_id`,`checksum`);--> statement-breakpoint
CREATE INDEX `assets_owner_timeline_idx` ON `assets` (`owner_id`,`local_date_time`);--> statement-breakpoint
CREATE INDEX `assets_content_identifier_idx` ON `assets` (`content_identifier`);--> statement-breakpoint
CREATE TABLE `__new_albums` (
	`id` text PRIMARY KEY NOT NULL,
	`owner_id` text NOT NULL,
	`album_name` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`album_thumbnail_asset_id` text,
	`order` text DEFAULT 'desc' NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`owner_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`album_thumbnail_asset_id`) REFERENCES `assets`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
INSERT INTO `__new_albums` (`owner_id`, `id`, `album_name`, `description`, `album_thumbnail_asset_id`, `created_at`, `updated_at`) SELECT '00000000-0000-4000-8000-000000000000', `id`, `album_name`, `description`, `album_thumbnail_asset_id`, `created_at`, `updated_at` FROM `albums`;--> statement-breakpoint
DROP TABLE `albums`;--> statement-breakpoint
ALTER TABLE `__new_albums` RENAME TO `albums`;--> statement-breakpoint
CREATE INDEX `albums_owner_idx` ON `albums` (`owner_id`);
