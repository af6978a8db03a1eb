-- Summary tables kept current by triggers: counts per month for the timeline, and per grid cell
-- and zoom level for the map. The triggers below are written by hand (drizzle-kit does not manage
-- triggers) and must change with the columns they read.
CREATE TABLE `map_cells` (
	`owner_id` text NOT NULL,
	`level` integer NOT NULL,
	`cell_x` integer NOT NULL,
	`cell_y` integer NOT NULL,
	`year` integer NOT NULL,
	`is_favorite` integer NOT NULL,
	`count` integer NOT NULL,
	`latitude_sum` real NOT NULL,
	`longitude_sum` real NOT NULL,
	PRIMARY KEY(`owner_id`, `level`, `cell_x`, `cell_y`, `year`, `is_favorite`)
);
--> statement-breakpoint
CREATE TABLE `map_levels` (
	`level` integer PRIMARY KEY NOT NULL,
	`cells_around` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `timeline_months` (
	`owner_id` text NOT NULL,
	`month` text NOT NULL,
	`visibility` text NOT NULL,
	`is_favorite` integer NOT NULL,
	`is_trashed` integer NOT NULL,
	`count` integer NOT NULL,
	PRIMARY KEY(`owner_id`, `month`, `visibility`, `is_favorite`, `is_trashed`)
);
--> statement-breakpoint
CREATE INDEX `assets_trash_idx` ON `assets` (`owner_id`,`deleted_at`);--> statement-breakpoint
CREATE INDEX `exif_location_idx` ON `exif` (`latitude`,`longitude`);--> statement-breakpoint
INSERT INTO map_levels (level, cells_around) VALUES (0, 8), (1, 16), (2, 32), (3, 64), (4, 128), (5, 256), (6, 512), (7, 1024);
--> statement-breakpoint
CREATE TRIGGER assets_insert_counts AFTER INSERT ON assets BEGIN
  INSERT INTO timeline_months (owner_id, month, visibility, is_favorite, is_trashed, count)
  VALUES (NEW.owner_id, strftime('%Y-%m', NEW.local_date_time / 1000, 'unixepoch'), NEW.visibility, NEW.is_favorite, NEW.deleted_at IS NOT NULL, 1)
  ON CONFLICT DO UPDATE SET count = count + 1;
END;
--> statement-breakpoint
CREATE TRIGGER assets_delete_counts BEFORE DELETE ON assets BEGIN
  UPDATE timeline_months SET count = count - 1
  WHERE owner_id = OLD.owner_id AND month = strftime('%Y-%m', OLD.local_date_time / 1000, 'unixepoch') AND visibility = OLD.visibility
    AND is_favorite = OLD.is_favorite AND is_trashed = (OLD.deleted_at IS NOT NULL);
  UPDATE map_cells SET count = count - 1, latitude_sum = latitude_sum - (SELECT latitude FROM exif WHERE asset_id = OLD.id), longitude_sum = longitude_sum - (SELECT longitude FROM exif WHERE asset_id = OLD.id)
  WHERE (owner_id, level, cell_x, cell_y, year, is_favorite) IN (
    SELECT OLD.owner_id, l.level, CAST((e.longitude + 180.0) * l.cells_around / 360.0 AS INTEGER), CAST((e.latitude + 90.0) * l.cells_around / 360.0 AS INTEGER), CAST(strftime('%Y', OLD.local_date_time / 1000, 'unixepoch') AS INTEGER), OLD.is_favorite FROM map_levels l, exif e WHERE e.asset_id = OLD.id AND e.latitude IS NOT NULL AND e.longitude IS NOT NULL AND OLD.deleted_at IS NULL AND OLD.visibility = 'timeline');
END;
--> statement-breakpoint
CREATE TRIGGER assets_update_counts AFTER UPDATE OF owner_id, local_date_time, visibility, is_favorite, deleted_at ON assets
WHEN OLD.owner_id IS NOT NEW.owner_id OR OLD.local_date_time IS NOT NEW.local_date_time OR OLD.visibility IS NOT NEW.visibility
  OR OLD.is_favorite IS NOT NEW.is_favorite OR (OLD.deleted_at IS NULL) IS NOT (NEW.deleted_at IS NULL)
BEGIN
  UPDATE timeline_months SET count = count - 1
  WHERE owner_id = OLD.owner_id AND month = strftime('%Y-%m', OLD.local_date_time / 1000, 'unixepoch') AND visibility = OLD.visibility
    AND is_favorite = OLD.is_favorite AND is_trashed = (OLD.deleted_at IS NOT NULL);
  INSERT INTO timeline_months (owner_id, month, visibility, is_favorite, is_trashed, count)
  VALUES (NEW.owner_id, strftime('%Y-%m', NEW.local_date_time / 1000, 'unixepoch'), NEW.visibility, NEW.is_favorite, NEW.deleted_at IS NOT NULL, 1)
  ON CONFLICT DO UPDATE SET count = count + 1;
  UPDATE map_cells SET count = count - 1, latitude_sum = latitude_sum - (SELECT latitude FROM exif WHERE asset_id = OLD.id), longitude_sum = longitude_sum - (SELECT longitude FROM exif WHERE asset_id = OLD.id)
  WHERE (owner_id, level, cell_x, cell_y, year, is_favorite) IN (
    SELECT OLD.owner_id, l.level, CAST((e.longitude + 180.0) * l.cells_around / 360.0 AS INTEGER), CAST((e.latitude + 90.0) * l.cells_around / 360.0 AS INTEGER), CAST(strftime('%Y', OLD.local_date_time / 1000, 'unixepoch') AS INTEGER), OLD.is_favorite FROM map_levels l, exif e WHERE e.asset_id = OLD.id AND e.latitude IS NOT NULL AND e.longitude IS NOT NULL AND OLD.deleted_at IS NULL AND OLD.visibility = 'timeline');
  INSERT INTO map_cells (owner_id, level, cell_x, cell_y, year, is_favorite, count, latitude_sum, longitude_sum)
  SELECT NEW.owner_id, l.level, CAST((e.longitude + 180.0) * l.cells_around / 360.0 AS INTEGER), CAST((e.latitude + 90.0) * l.cells_around / 360.0 AS INTEGER), CAST(strftime('%Y', NEW.local_date_time / 1000, 'unixepoch') AS INTEGER), NEW.is_favorite, 1, e.latitude, e.longitude FROM map_levels l, exif e
  WHERE e.asset_id = NEW.id AND e.latitude IS NOT NULL AND e.longitude IS NOT NULL AND NEW.deleted_at IS NULL AND NEW.visibility = 'timeline'
  ON CONFLICT DO UPDATE SET count = count + 1, latitude_sum = latitude_sum + excluded.latitude_sum, longitude_sum = longitude_sum + excluded.longitude_sum;
END;
--> statement-breakpoint
CREATE TRIGGER exif_insert_counts AFTER INSERT ON exif BEGIN
  INSERT INTO map_cells (owner_id, level, cell_x, cell_y, year, is_favorite, count, latitude_sum, longitude_sum)
  SELECT a.owner_id, l.level, CAST((NEW.longitude + 180.0) * l.cells_around / 360.0 AS INTEGER), CAST((NEW.latitude + 90.0) * l.cells_around / 360.0 AS INTEGER), CAST(strftime('%Y', a.local_date_time / 1000, 'unixepoch') AS INTEGER), a.is_favorite, 1, NEW.latitude, NEW.longitude FROM map_levels l, assets a
  WHERE a.id = NEW.asset_id AND NEW.latitude IS NOT NULL AND NEW.longitude IS NOT NULL AND a.deleted_at IS NULL AND a.visibility = 'timeline'
  ON CONFLICT DO UPDATE SET count = count + 1, latitude_sum = latitude_sum + excluded.latitude_sum, longitude_sum = longitude_sum + excluded.longitude_sum;
END;
--> statement-breakpoint
CREATE TRIGGER exif_update_counts AFTER UPDATE OF latitude, longitude ON exif
WHEN OLD.latitude IS NOT NEW.latitude OR OLD.longitude IS NOT NEW.longitude
BEGIN
  UPDATE map_cells SET count = count - 1, latitude_sum = latitude_sum - OLD.latitude, longitude_sum = longitude_sum - OLD.longitude
  WHERE (owner_id, level, cell_x, cell_y, year, is_favorite) IN (
    SELECT a.owner_id, l.level, CAST((OLD.longitude + 180.0) * l.cells_around / 360.0 AS INTEGER), CAST((OLD.latitude + 90.0) * l.cells_around / 360.0 AS INTEGER), CAST(strftime('%Y', a.local_date_time / 1000, 'unixepoch') AS INTEGER), a.is_favorite FROM map_levels l, assets a WHERE a.id = OLD.asset_id AND OLD.latitude IS NOT NULL AND OLD.longitude IS NOT NULL AND a.deleted_at IS NULL AND a.visibility = 'timeline');
  INSERT INTO map_cells (owner_id, level, cell_x, cell_y, year, is_favorite, count, latitude_sum, longitude_sum)
  SELECT a.owner_id, l.level, CAST((NEW.longitude + 180.0) * l.cells_around / 360.0 AS INTEGER), CAST((NEW.latitude + 90.0) * l.cells_around / 360.0 AS INTEGER), CAST(strftime('%Y', a.local_date_time / 1000, 'unixepoch') AS INTEGER), a.is_favorite, 1, NEW.latitude, NEW.longitude FROM map_levels l, assets a
  WHERE a.id = NEW.asset_id AND NEW.latitude IS NOT NULL AND NEW.longitude IS NOT NULL AND a.deleted_at IS NULL AND a.visibility = 'timeline'
  ON CONFLICT DO UPDATE SET count = count + 1, latitude_sum = latitude_sum + excluded.latitude_sum, longitude_sum = longitude_sum + excluded.longitude_sum;
END;
--> statement-breakpoint
CREATE TRIGGER exif_delete_counts AFTER DELETE ON exif BEGIN
  UPDATE map_cells SET count = count - 1, latitude_sum = latitude_sum - OLD.latitude, longitude_sum = longitude_sum - OLD.longitude
  WHERE (owner_id, level, cell_x, cell_y, year, is_favorite) IN (
    SELECT a.owner_id, l.level, CAST((OLD.longitude + 180.0) * l.cells_around / 360.0 AS INTEGER), CAST((OLD.latitude + 90.0) * l.cells_around / 360.0 AS INTEGER), CAST(strftime('%Y', a.local_date_time / 1000, 'unixepoch') AS INTEGER), a.is_favorite FROM map_levels l, assets a WHERE a.id = OLD.asset_id AND OLD.latitude IS NOT NULL AND OLD.longitude IS NOT NULL AND a.deleted_at IS NULL AND a.visibility = 'timeline');
END;
--> statement-breakpoint
INSERT INTO timeline_months (owner_id, month, visibility, is_favorite, is_trashed, count)
SELECT a.owner_id, strftime('%Y-%m', a.local_date_time / 1000, 'unixepoch'), a.visibility, a.is_favorite, a.deleted_at IS NOT NULL, count(*) FROM assets a GROUP BY 1, 2, 3, 4, 5;
--> statement-breakpoint
INSERT INTO map_cells (owner_id, level, cell_x, cell_y, year, is_favorite, count, latitude_sum, longitude_sum)
SELECT a.owner_id, l.level, CAST((e.longitude + 180.0) * l.cells_around / 360.0 AS INTEGER), CAST((e.latitude + 90.0) * l.cells_around / 360.0 AS INTEGER), CAST(strftime('%Y', a.local_date_time / 1000, 'unixepoch') AS INTEGER), a.is_favorite, count(*), sum(e.latitude), sum(e.longitude)
FROM map_levels l, assets a JOIN exif e ON e.asset_id = a.id
WHERE e.latitude IS NOT NULL AND e.longitude IS NOT NULL AND a.deleted_at IS NULL AND a.visibility = 'timeline' GROUP BY 1, 2, 3, 4, 5, 6;
