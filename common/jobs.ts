// Queue and job names, in one place. Names of queues follow Immich's so its clients recognise them.
export const QueueName = {
  MetadataExtraction: "metadataExtraction",
  ThumbnailGeneration: "thumbnailGeneration",
  VideoConversion: "videoConversion",
  BackgroundTask: "backgroundTask",
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
  // Makes a web-playable copy of a video browsers cannot play as it is.
  encodeVideo: { assetId: string };
  // Removes the files of assets deleted for good.
  deleteFiles: { keys: string[] };
  // Names the place (city, state, country) of an asset whose position was set by hand.
  nameAssetPlace: { assetId: string };
  // Removes a user removed by an admin, with everything they had, once the grace period is over.
  deleteUser: { userId: string };
}
export type JobName = keyof JobPayloads;

export const jobQueue: Record<JobName, QueueName> = {
  extractMetadata: QueueName.MetadataExtraction,
  generateThumbnails: QueueName.ThumbnailGeneration,
  encodeVideo: QueueName.VideoConversion,
  deleteFiles: QueueName.BackgroundTask,
  deleteUser: QueueName.BackgroundTask,
  nameAssetPlace: QueueName.MetadataExtraction,
};
