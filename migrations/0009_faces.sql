CREATE TABLE `faces` (
	`id` text PRIMARY KEY NOT NULL,
	`asset_id` text NOT NULL,
	`person_id` text,
	`image_width` integer NOT NULL,
	`image_height` integer NOT NULL,
	`bounding_box_x1` integer NOT NULL,
	`bounding_box_y1` integer NOT NULL,
	`bounding_box_x2` integer NOT NULL,
	`bounding_box_y2` integer NOT NULL,
	`landmarks` text NOT NULL,
	`score` real NOT NULL,
	`embedding` F32_BLOB(1024) NOT NULL,
	`source_type` text DEFAULT 'machine-learning' NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`asset_id`) REFERENCES `assets`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`person_id`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `faces_asset_idx` ON `faces` (`asset_id`);--> statement-breakpoint
CREATE INDEX `faces_person_idx` ON `faces` (`person_id`);--> statement-breakpoint
CREATE TABLE `people` (
	`id` text PRIMARY KEY NOT NULL,
	`owner_id` text NOT NULL,
	`name` text DEFAULT '' NOT NULL,
	`is_hidden` integer DEFAULT false NOT NULL,
	`face_asset_id` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`owner_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`face_asset_id`) REFERENCES `faces`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `people_owner_idx` ON `people` (`owner_id`,`is_hidden`);--> statement-breakpoint
-- Face embeddings are searched by cosine distance through libSQL's own vector index (DiskANN).
CREATE INDEX faces_embedding_idx ON faces (libsql_vector_idx(embedding, 'metric=cosine'));
