// Which function runs each job. Adding a job name to common/jobs.ts without a handler here fails
// the type check.
import type { JobContext } from "./context";
import { deleteFiles } from "./files";
import { checkIntegrity } from "./integrity";
import { scanLibrary, syncLibraryFiles } from "./library";
import { extractMetadata } from "./metadata";
import type { JobHandlers } from "./runner";
import { nameAssetPlace } from "./places";
import { applyStorageTemplate } from "./storage-template";
import { detectAllDuplicates } from "../../common/duplicates";
import { computePerceptualHash, generateThumbnails } from "./thumbnails";
import { deleteUser } from "./users";
import { encodeVideo } from "./video";
import { detectFaces, recognizeFaces } from "./faces";
import { tagObjects } from "./tags";
import { encodeClip } from "./smart-search";
import { queueAssetJobs } from "./asset-jobs";

export function jobHandlers(context: JobContext): JobHandlers {
  return {
    extractMetadata: (payload) => extractMetadata(context, payload),
    generateThumbnails: (payload) => generateThumbnails(context, payload),
    encodeVideo: (payload) => encodeVideo(context, payload),
    deleteFiles: (payload) => deleteFiles(context, payload),
    deleteUser: (payload) => deleteUser(context, payload),
    nameAssetPlace: (payload) => nameAssetPlace(context, payload),
    applyStorageTemplate: (payload) => applyStorageTemplate(context, payload),
    checkIntegrity: (payload) => checkIntegrity(context, payload),
    scanLibrary: (payload) => scanLibrary(context, payload),
    syncLibraryFiles: (payload) => syncLibraryFiles(context, payload),
    detectFaces: (payload) => detectFaces(context, payload),
    recognizeFaces: (payload) => recognizeFaces(context, payload),
    tagObjects: (payload) => tagObjects(context, payload),
    encodeClip: (payload) => encodeClip(context, payload),
    queueAssetJobs: (payload) => queueAssetJobs(context, payload),
    computePerceptualHash: (payload) => computePerceptualHash(context, payload),
    detectDuplicates: async () => void (await detectAllDuplicates(context.db)),
  };
}
