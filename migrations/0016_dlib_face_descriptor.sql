-- Faces are described by dlib's 128-number descriptor instead of FaceRes's 1024 numbers, which mean
-- nothing to the new model: the old embeddings go, the faces and their people stay (face detection
-- run again puts a face found where a named person's face was back with them), and every asset's
-- faces are detected again once (a "missing" run of the face detection queue). A face without an
-- embedding is one too small or blurred to recognise.
DROP INDEX IF EXISTS faces_embedding_idx;--> statement-breakpoint
ALTER TABLE `faces` DROP COLUMN `embedding`;--> statement-breakpoint
ALTER TABLE `faces` ADD `embedding` F32_BLOB(128);--> statement-breakpoint
CREATE INDEX faces_embedding_idx ON faces (libsql_vector_idx(embedding, 'metric=cosine'));--> statement-breakpoint
UPDATE `assets` SET `faces_detected_at` = NULL;--> statement-breakpoint
INSERT INTO `jobs` (`queue`, `name`, `payload`, `status`, `priority`, `attempts`, `max_attempts`, `run_after`, `created_at`, `updated_at`)
SELECT 'backgroundTask', 'queueAssetJobs', json_object('queue', 'faceDetection', 'force', json('false')), 'waiting', 0, 0, 3,
  CAST(unixepoch('subsec') * 1000 AS INTEGER), CAST(unixepoch('subsec') * 1000 AS INTEGER), CAST(unixepoch('subsec') * 1000 AS INTEGER)
WHERE EXISTS (SELECT 1 FROM `assets`);
