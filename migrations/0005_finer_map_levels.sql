-- Finer map levels (down to cells of about a kilometre), so that views up to a town's size are
-- still read from map_cells; only street-level views read points. The triggers join map_levels, so
-- new rows here are all they need.
INSERT INTO map_levels (level, cells_around) VALUES (8, 2048), (9, 4096), (10, 8192), (11, 16384), (12, 32768);
--> statement-breakpoint
INSERT INTO map_cells (owner_id, level, cell_x, cell_y, year, is_favorite, count, latitude_sum, longitude_sum)
SELECT a.owner_id, l.level, CAST((e.longitude + 180.0) * l.cells_around / 360.0 AS INTEGER), CAST((e.latitude + 90.0) * l.cells_around / 360.0 AS INTEGER), CAST(strftime('%Y', a.local_date_time / 1000, 'unixepoch') AS INTEGER), a.is_favorite, count(*), sum(e.latitude), sum(e.longitude)
FROM map_levels l, assets a JOIN exif e ON e.asset_id = a.id
WHERE l.level >= 8 AND e.latitude IS NOT NULL AND e.longitude IS NOT NULL AND a.deleted_at IS NULL AND a.visibility = 'timeline' GROUP BY 1, 2, 3, 4, 5, 6;
