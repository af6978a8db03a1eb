-- Photos browsers cannot show as they are (HEIC, TIFF, RAW, JPEG XL) now get a full-size web copy
-- to zoom into, and files no picture could be made of before (10-bit AVIF, HEIF sequences, RAW
-- without a preview) may have one now: a "missing" run of the thumbnail queue, once.
INSERT INTO `jobs` (`queue`, `name`, `payload`, `status`, `priority`, `attempts`, `max_attempts`, `run_after`, `created_at`, `updated_at`)
SELECT 'backgroundTask', 'queueAssetJobs', json_object('queue', 'thumbnailGeneration', 'force', json('false')), 'waiting', 0, 0, 3,
  CAST(unixepoch('subsec') * 1000 AS INTEGER), CAST(unixepoch('subsec') * 1000 AS INTEGER), CAST(unixepoch('subsec') * 1000 AS INTEGER)
WHERE EXISTS (SELECT 1 FROM `assets` WHERE `type` = 'IMAGE');
