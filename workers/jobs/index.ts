// Which function runs each job, imported when a process first runs a job of that name: a job process
// serves one queue and so loads only what that queue's jobs need (metadata and thumbnails never load
// the image models). Adding a job name to common/jobs.ts without a handler here fails the type check.
import type { JobName, JobPayloads } from "../../common/jobs";
import type { JobContext } from "./context";

export type JobHandler<N extends JobName> = (context: JobContext, payload: JobPayloads[N]) => Promise<void>;

export const jobHandlers: { [N in JobName]: () => Promise<JobHandler<N>> } = {
  extractMetadata: async () => (await import("./metadata")).extractMetadata,
  generateThumbnails: async () => (await import("./thumbnails")).generateThumbnails,
  computePerceptualHash: async () => (await import("./thumbnails")).computePerceptualHash,
  encodeVideo: async () => (await import("./video")).encodeVideo,
  deleteFiles: async () => (await import("./files")).deleteFiles,
  deleteUser: async () => (await import("./users")).deleteUser,
  nameAssetPlace: async () => (await import("./places")).nameAssetPlace,
  applyStorageTemplate: async () => (await import("./storage-template")).applyStorageTemplate,
  checkIntegrity: async () => (await import("./integrity")).checkIntegrity,
  scanLibrary: async () => (await import("./library")).scanLibrary,
  syncLibraryFiles: async () => (await import("./library")).syncLibraryFiles,
  detectFaces: async () => (await import("./faces")).detectFaces,
  recognizeFaces: async () => (await import("./faces")).recognizeFaces,
  tagObjects: async () => (await import("./tags")).tagObjects,
  encodeClip: async () => (await import("./smart-search")).encodeClip,
  queueAssetJobs: async () => (await import("./asset-jobs")).queueAssetJobs,
  detectDuplicates: async () => {
    const { detectAllDuplicates } = await import("../../common/duplicates");
    return async (context) => void (await detectAllDuplicates(context.db));
  },
};
