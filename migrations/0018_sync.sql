CREATE TABLE `sync_audit` (
	`update_id` integer PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`user_id` text,
	`entity_id` text NOT NULL,
	`other_id` text,
	`removed_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `sync_audit_kind_idx` ON `sync_audit` (`kind`,`user_id`,`update_id`);--> statement-breakpoint
CREATE TABLE `sync_checkpoints` (
	`session_id` text NOT NULL,
	`type` text NOT NULL,
	`ack` text NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`session_id`, `type`),
	FOREIGN KEY (`session_id`) REFERENCES `sessions`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `sync_clock` (
	`id` integer PRIMARY KEY NOT NULL,
	`value` integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE `album_assets` ADD `update_id` integer;--> statement-breakpoint
ALTER TABLE `album_users` ADD `update_id` integer;--> statement-breakpoint
ALTER TABLE `album_users` ADD `create_id` integer;--> statement-breakpoint
ALTER TABLE `albums` ADD `update_id` integer;--> statement-breakpoint
ALTER TABLE `albums` ADD `create_id` integer;--> statement-breakpoint
ALTER TABLE `assets` ADD `update_id` integer;--> statement-breakpoint
CREATE INDEX `assets_owner_sync_idx` ON `assets` (`owner_id`,`update_id`);--> statement-breakpoint
ALTER TABLE `exif` ADD `update_id` integer;--> statement-breakpoint
CREATE INDEX `exif_sync_idx` ON `exif` (`update_id`);--> statement-breakpoint
ALTER TABLE `faces` ADD `update_id` integer;--> statement-breakpoint
CREATE INDEX `faces_sync_idx` ON `faces` (`update_id`);--> statement-breakpoint
ALTER TABLE `partners` ADD `update_id` integer;--> statement-breakpoint
ALTER TABLE `partners` ADD `create_id` integer;--> statement-breakpoint
ALTER TABLE `people` ADD `update_id` integer;--> statement-breakpoint
ALTER TABLE `users` ADD `update_id` integer;--> statement-breakpoint

-- The sync clock starts after every existing row, each of which takes a value of its own (by rowid,
-- table after table) so that a first sync can page through them; triggers made afterwards bump it
-- on every change and log every removal in sync_audit.
INSERT INTO `sync_clock` (`id`, `value`) VALUES (1, 0);--> statement-breakpoint
UPDATE `users` SET `update_id` = rowid + (SELECT value FROM sync_clock WHERE id = 1);--> statement-breakpoint
UPDATE `sync_clock` SET `value` = `value` + (SELECT IFNULL(MAX(rowid), 0) FROM `users`) WHERE id = 1;--> statement-breakpoint
UPDATE `partners` SET `update_id` = rowid + (SELECT value FROM sync_clock WHERE id = 1), `create_id` = rowid + (SELECT value FROM sync_clock WHERE id = 1);--> statement-breakpoint
UPDATE `sync_clock` SET `value` = `value` + (SELECT IFNULL(MAX(rowid), 0) FROM `partners`) WHERE id = 1;--> statement-breakpoint
UPDATE `assets` SET `update_id` = rowid + (SELECT value FROM sync_clock WHERE id = 1);--> statement-breakpoint
UPDATE `sync_clock` SET `value` = `value` + (SELECT IFNULL(MAX(rowid), 0) FROM `assets`) WHERE id = 1;--> statement-breakpoint
UPDATE `exif` SET `update_id` = rowid + (SELECT value FROM sync_clock WHERE id = 1);--> statement-breakpoint
UPDATE `sync_clock` SET `value` = `value` + (SELECT IFNULL(MAX(rowid), 0) FROM `exif`) WHERE id = 1;--> statement-breakpoint
UPDATE `albums` SET `update_id` = rowid + (SELECT value FROM sync_clock WHERE id = 1), `create_id` = rowid + (SELECT value FROM sync_clock WHERE id = 1);--> statement-breakpoint
UPDATE `sync_clock` SET `value` = `value` + (SELECT IFNULL(MAX(rowid), 0) FROM `albums`) WHERE id = 1;--> statement-breakpoint
UPDATE `album_users` SET `update_id` = rowid + (SELECT value FROM sync_clock WHERE id = 1), `create_id` = rowid + (SELECT value FROM sync_clock WHERE id = 1);--> statement-breakpoint
UPDATE `sync_clock` SET `value` = `value` + (SELECT IFNULL(MAX(rowid), 0) FROM `album_users`) WHERE id = 1;--> statement-breakpoint
UPDATE `album_assets` SET `update_id` = rowid + (SELECT value FROM sync_clock WHERE id = 1);--> statement-breakpoint
UPDATE `sync_clock` SET `value` = `value` + (SELECT IFNULL(MAX(rowid), 0) FROM `album_assets`) WHERE id = 1;--> statement-breakpoint
UPDATE `people` SET `update_id` = rowid + (SELECT value FROM sync_clock WHERE id = 1);--> statement-breakpoint
UPDATE `sync_clock` SET `value` = `value` + (SELECT IFNULL(MAX(rowid), 0) FROM `people`) WHERE id = 1;--> statement-breakpoint
UPDATE `faces` SET `update_id` = rowid + (SELECT value FROM sync_clock WHERE id = 1);--> statement-breakpoint
UPDATE `sync_clock` SET `value` = `value` + (SELECT IFNULL(MAX(rowid), 0) FROM `faces`) WHERE id = 1;--> statement-breakpoint
CREATE TRIGGER users_sync_insert AFTER INSERT ON users BEGIN
  UPDATE sync_clock SET value = value + 1 WHERE id = 1;
  UPDATE users SET update_id = (SELECT value FROM sync_clock WHERE id = 1) WHERE rowid = NEW.rowid;
END;--> statement-breakpoint
CREATE TRIGGER users_sync_update AFTER UPDATE ON users WHEN NEW.update_id IS OLD.update_id BEGIN
  UPDATE sync_clock SET value = value + 1 WHERE id = 1;
  UPDATE users SET update_id = (SELECT value FROM sync_clock WHERE id = 1) WHERE rowid = NEW.rowid;
END;--> statement-breakpoint
CREATE TRIGGER partners_sync_insert AFTER INSERT ON partners BEGIN
  UPDATE sync_clock SET value = value + 1 WHERE id = 1;
  UPDATE partners SET update_id = (SELECT value FROM sync_clock WHERE id = 1), create_id = (SELECT value FROM sync_clock WHERE id = 1) WHERE rowid = NEW.rowid;
END;--> statement-breakpoint
CREATE TRIGGER partners_sync_update AFTER UPDATE ON partners WHEN NEW.update_id IS OLD.update_id BEGIN
  UPDATE sync_clock SET value = value + 1 WHERE id = 1;
  UPDATE partners SET update_id = (SELECT value FROM sync_clock WHERE id = 1) WHERE rowid = NEW.rowid;
END;--> statement-breakpoint
CREATE TRIGGER assets_sync_insert AFTER INSERT ON assets BEGIN
  UPDATE sync_clock SET value = value + 1 WHERE id = 1;
  UPDATE assets SET update_id = (SELECT value FROM sync_clock WHERE id = 1) WHERE rowid = NEW.rowid;
END;--> statement-breakpoint
CREATE TRIGGER assets_sync_update AFTER UPDATE ON assets WHEN NEW.update_id IS OLD.update_id BEGIN
  UPDATE sync_clock SET value = value + 1 WHERE id = 1;
  UPDATE assets SET update_id = (SELECT value FROM sync_clock WHERE id = 1) WHERE rowid = NEW.rowid;
END;--> statement-breakpoint
CREATE TRIGGER exif_sync_insert AFTER INSERT ON exif BEGIN
  UPDATE sync_clock SET value = value + 1 WHERE id = 1;
  UPDATE exif SET update_id = (SELECT value FROM sync_clock WHERE id = 1) WHERE rowid = NEW.rowid;
END;--> statement-breakpoint
CREATE TRIGGER exif_sync_update AFTER UPDATE ON exif WHEN NEW.update_id IS OLD.update_id BEGIN
  UPDATE sync_clock SET value = value + 1 WHERE id = 1;
  UPDATE exif SET update_id = (SELECT value FROM sync_clock WHERE id = 1) WHERE rowid = NEW.rowid;
END;--> statement-breakpoint
CREATE TRIGGER albums_sync_insert AFTER INSERT ON albums BEGIN
  UPDATE sync_clock SET value = value + 1 WHERE id = 1;
  UPDATE albums SET update_id = (SELECT value FROM sync_clock WHERE id = 1), create_id = (SELECT value FROM sync_clock WHERE id = 1) WHERE rowid = NEW.rowid;
END;--> statement-breakpoint
CREATE TRIGGER albums_sync_update AFTER UPDATE ON albums WHEN NEW.update_id IS OLD.update_id BEGIN
  UPDATE sync_clock SET value = value + 1 WHERE id = 1;
  UPDATE albums SET update_id = (SELECT value FROM sync_clock WHERE id = 1) WHERE rowid = NEW.rowid;
END;--> statement-breakpoint
CREATE TRIGGER album_users_sync_insert AFTER INSERT ON album_users BEGIN
  UPDATE sync_clock SET value = value + 1 WHERE id = 1;
  UPDATE album_users SET update_id = (SELECT value FROM sync_clock WHERE id = 1), create_id = (SELECT value FROM sync_clock WHERE id = 1) WHERE rowid = NEW.rowid;
END;--> statement-breakpoint
CREATE TRIGGER album_users_sync_update AFTER UPDATE ON album_users WHEN NEW.update_id IS OLD.update_id BEGIN
  UPDATE sync_clock SET value = value + 1 WHERE id = 1;
  UPDATE album_users SET update_id = (SELECT value FROM sync_clock WHERE id = 1) WHERE rowid = NEW.rowid;
END;--> statement-breakpoint
CREATE TRIGGER album_assets_sync_insert AFTER INSERT ON album_assets BEGIN
  UPDATE sync_clock SET value = value + 1 WHERE id = 1;
  UPDATE album_assets SET update_id = (SELECT value FROM sync_clock WHERE id = 1) WHERE rowid = NEW.rowid;
END;--> statement-breakpoint
CREATE TRIGGER album_assets_sync_update AFTER UPDATE ON album_assets WHEN NEW.update_id IS OLD.update_id BEGIN
  UPDATE sync_clock SET value = value + 1 WHERE id = 1;
  UPDATE album_assets SET update_id = (SELECT value FROM sync_clock WHERE id = 1) WHERE rowid = NEW.rowid;
END;--> statement-breakpoint
CREATE TRIGGER people_sync_insert AFTER INSERT ON people BEGIN
  UPDATE sync_clock SET value = value + 1 WHERE id = 1;
  UPDATE people SET update_id = (SELECT value FROM sync_clock WHERE id = 1) WHERE rowid = NEW.rowid;
END;--> statement-breakpoint
CREATE TRIGGER people_sync_update AFTER UPDATE ON people WHEN NEW.update_id IS OLD.update_id BEGIN
  UPDATE sync_clock SET value = value + 1 WHERE id = 1;
  UPDATE people SET update_id = (SELECT value FROM sync_clock WHERE id = 1) WHERE rowid = NEW.rowid;
END;--> statement-breakpoint
CREATE TRIGGER faces_sync_insert AFTER INSERT ON faces BEGIN
  UPDATE sync_clock SET value = value + 1 WHERE id = 1;
  UPDATE faces SET update_id = (SELECT value FROM sync_clock WHERE id = 1) WHERE rowid = NEW.rowid;
END;--> statement-breakpoint
CREATE TRIGGER faces_sync_update AFTER UPDATE ON faces WHEN NEW.update_id IS OLD.update_id BEGIN
  UPDATE sync_clock SET value = value + 1 WHERE id = 1;
  UPDATE faces SET update_id = (SELECT value FROM sync_clock WHERE id = 1) WHERE rowid = NEW.rowid;
END;--> statement-breakpoint
CREATE TRIGGER users_sync_delete AFTER DELETE ON users BEGIN
  UPDATE sync_clock SET value = value + 1 WHERE id = 1;
  INSERT INTO sync_audit (update_id, kind, user_id, entity_id, other_id, removed_at) VALUES ((SELECT value FROM sync_clock WHERE id = 1), 'user', NULL, OLD.id, NULL, CAST(unixepoch('subsec') * 1000 AS INTEGER));
END;--> statement-breakpoint
CREATE TRIGGER partners_sync_delete AFTER DELETE ON partners BEGIN
  UPDATE sync_clock SET value = value + 1 WHERE id = 1;
  INSERT INTO sync_audit (update_id, kind, user_id, entity_id, other_id, removed_at) VALUES ((SELECT value FROM sync_clock WHERE id = 1), 'partner', OLD.shared_by_id, OLD.shared_by_id, OLD.shared_with_id, CAST(unixepoch('subsec') * 1000 AS INTEGER));
END;--> statement-breakpoint
CREATE TRIGGER assets_sync_delete AFTER DELETE ON assets BEGIN
  UPDATE sync_clock SET value = value + 1 WHERE id = 1;
  INSERT INTO sync_audit (update_id, kind, user_id, entity_id, other_id, removed_at) VALUES ((SELECT value FROM sync_clock WHERE id = 1), 'asset', OLD.owner_id, OLD.id, NULL, CAST(unixepoch('subsec') * 1000 AS INTEGER));
END;--> statement-breakpoint
CREATE TRIGGER albums_sync_delete AFTER DELETE ON albums BEGIN
  UPDATE sync_clock SET value = value + 1 WHERE id = 1;
  INSERT INTO sync_audit (update_id, kind, user_id, entity_id, other_id, removed_at) VALUES ((SELECT value FROM sync_clock WHERE id = 1), 'album', OLD.owner_id, OLD.id, NULL, CAST(unixepoch('subsec') * 1000 AS INTEGER));
END;--> statement-breakpoint
CREATE TRIGGER album_users_sync_delete AFTER DELETE ON album_users BEGIN
  UPDATE sync_clock SET value = value + 1 WHERE id = 1;
  INSERT INTO sync_audit (update_id, kind, user_id, entity_id, other_id, removed_at) VALUES ((SELECT value FROM sync_clock WHERE id = 1), 'album', OLD.user_id, OLD.album_id, NULL, CAST(unixepoch('subsec') * 1000 AS INTEGER));
  UPDATE sync_clock SET value = value + 1 WHERE id = 1;
  INSERT INTO sync_audit (update_id, kind, user_id, entity_id, other_id, removed_at) VALUES ((SELECT value FROM sync_clock WHERE id = 1), 'album_user', NULL, OLD.album_id, OLD.user_id, CAST(unixepoch('subsec') * 1000 AS INTEGER));
END;--> statement-breakpoint
CREATE TRIGGER album_assets_sync_delete AFTER DELETE ON album_assets BEGIN
  UPDATE sync_clock SET value = value + 1 WHERE id = 1;
  INSERT INTO sync_audit (update_id, kind, user_id, entity_id, other_id, removed_at) VALUES ((SELECT value FROM sync_clock WHERE id = 1), 'album_asset', NULL, OLD.album_id, OLD.asset_id, CAST(unixepoch('subsec') * 1000 AS INTEGER));
END;--> statement-breakpoint
CREATE TRIGGER people_sync_delete AFTER DELETE ON people BEGIN
  UPDATE sync_clock SET value = value + 1 WHERE id = 1;
  INSERT INTO sync_audit (update_id, kind, user_id, entity_id, other_id, removed_at) VALUES ((SELECT value FROM sync_clock WHERE id = 1), 'person', OLD.owner_id, OLD.id, NULL, CAST(unixepoch('subsec') * 1000 AS INTEGER));
END;--> statement-breakpoint
-- A face removed with its asset needs no line of its own: the asset's removal takes its faces along.
CREATE TRIGGER faces_sync_delete AFTER DELETE ON faces BEGIN
  UPDATE sync_clock SET value = value + 1 WHERE id = 1;
  INSERT INTO sync_audit (update_id, kind, user_id, entity_id, other_id, removed_at)
  SELECT (SELECT value FROM sync_clock WHERE id = 1), 'face', owner_id, OLD.id, NULL, CAST(unixepoch('subsec') * 1000 AS INTEGER) FROM assets WHERE id = OLD.asset_id;
END;
