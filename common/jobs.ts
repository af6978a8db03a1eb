// Queue and job names, in one place. Names of queues follow Immich's so its clients recognise them.
export const QueueName = {
  MetadataExtraction: "metadataExtraction",
  ThumbnailGeneration: "thumbnailGeneration",
  VideoConversion: "videoConversion",
  BackgroundTask: "backgroundTask",
  Library: "library",
  // Face detection and embedding on each preview, then clustering of the faces into people.
  FaceDetection: "faceDetection",
  FacialRecognition: "facialRecognition",
  // Tags of the things in each preview, from the object model, and its CLIP embedding when a CLIP
  // model is set up (Immich's smart search queue).
  SmartSearch: "smartSearch",
} as const;
export type QueueName = (typeof QueueName)[keyof typeof QueueName];
export const queueNames = Object.values(QueueName) as QueueName[];

export function isQueueName(value: string): value is QueueName {
  return (queueNames as string[]).includes(value);
}

// Each job names the queue it runs on and the shape of its payload.
export interface JobPayloads {
  extractMetadata: { assetId: string };
  generateThumbnails: { assetId: string };
  // Makes a web-playable copy of a video browsers cannot play as it is; `evenIfPlayable`, a copy
  // without the original's metadata (place, camera) of one they can, for links that hide it.
  encodeVideo: { assetId: string; evenIfPlayable?: boolean };
  // Removes the files of assets deleted for good.
  deleteFiles: { keys: string[] };
  // Names the place (city, state, country) of an asset whose position was set by hand.
  nameAssetPlace: { assetId: string };
  // Removes a user removed by an admin, with everything they had, once the grace period is over.
  deleteUser: { userId: string };
  // Moves an original to where the storage template puts it, once its date is known.
  applyStorageTemplate: { assetId: string };
  // One step of an integrity check (workers/jobs/integrity.ts): first the orphans, then the assets
  // page by page from `after`, each step queuing the next so that none runs long.
  checkIntegrity: { runId: number; phase: "orphans" } | { runId: number; phase: "assets"; after: string };
  // Walks an external library's folders: queues the import of new and changed files, marks the
  // files that are gone offline.
  scanLibrary: { libraryId: string };
  // Brings these files of a library up to date: imports new or changed ones, marks missing ones
  // offline. `scan`: counted in the running scan's progress (not for the watcher's).
  syncLibraryFiles: { libraryId: string; paths: string[]; scan: boolean };
  // Hashes the thumbnail of an asset made before perceptual hashes (queued by migration 0008).
  computePerceptualHash: { assetId: string };
  // Compares the assets not compared yet with the rest of their owner's library and groups the
  // near-identical ones (common/duplicates.ts).
  detectDuplicates: Record<string, never>;
  // Finds the faces in an asset's preview, with their embeddings, in place of those it had; then
  // queues the recognition of each.
  detectFaces: { assetId: string };
  // Puts one face with a person (workers/jobs/faces.ts). `deferred`: the second look at a face that
  // had too few neighbours the first time.
  recognizeFaces: { faceId: string; deferred?: boolean };
  // Tags an asset's preview with the things the object model sees in it (common/tags.ts), in place
  // of the tags it had.
  tagObjects: { assetId: string };
  // Computes the CLIP embedding of an asset's preview, for search in words (CLIP_MODEL_DIR).
  encodeClip: { assetId: string };
  // Queues a queue's job for every asset (`force`) or for those it has not run on yet, a page of
  // assets (or, for recognition, faces) after `after` at a time, each page queuing the next
  // (common/asset-jobs.ts).
  queueAssetJobs: { queue: QueueName; force: boolean; after?: string };
}
export type JobName = keyof JobPayloads;

export const jobQueue: Record<JobName, QueueName> = {
  extractMetadata: QueueName.MetadataExtraction,
  generateThumbnails: QueueName.ThumbnailGeneration,
  encodeVideo: QueueName.VideoConversion,
  deleteFiles: QueueName.BackgroundTask,
  deleteUser: QueueName.BackgroundTask,
  nameAssetPlace: QueueName.MetadataExtraction,
  applyStorageTemplate: QueueName.BackgroundTask,
  checkIntegrity: QueueName.BackgroundTask,
  scanLibrary: QueueName.Library,
  syncLibraryFiles: QueueName.Library,
  computePerceptualHash: QueueName.ThumbnailGeneration,
  detectDuplicates: QueueName.BackgroundTask,
  detectFaces: QueueName.FaceDetection,
  recognizeFaces: QueueName.FacialRecognition,
  tagObjects: QueueName.SmartSearch,
  encodeClip: QueueName.SmartSearch,
  queueAssetJobs: QueueName.BackgroundTask,
};
