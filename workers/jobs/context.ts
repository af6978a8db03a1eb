// What a job handler is given, and helpers to read an asset's original and preview.
import { access } from "node:fs/promises";
import type { MlConfig } from "../../common/config";
import type { Database } from "../../common/db";
import type { NewJob } from "../../common/queue";
import type { Asset } from "../../common/schema";
import { getAsset, getAssetFile } from "../../common/assets";
import { readRgb, type RgbImage } from "../ml/runtime";
import { UnprocessableMediaError } from "./errors";
import type { WorkerStorage } from "../storage/storage";

// What every job handler may use.
export interface JobContext {
  db: Database;
  storage: WorkerStorage;
  // Where originals go once their date is known; undefined in a bucket, whose keys stay as uploaded.
  storageTemplate?: string;
  // Whether the image models run (ML=off: no face jobs are queued), and the clustering's settings.
  ml: MlConfig;
  // How long the running job has before the runner stops it: tools with limits of their own (ffmpeg)
  // keep below it, so that they fail with their reason rather than be killed without one.
  timeLeftMs(): number;
  // Queues follow-up jobs and wakes this worker's runner for them.
  enqueue(jobs: NewJob[]): Promise<void>;
  // Wakes the runner for jobs queued some other way (in a batch with other writes).
  wake(): void;
}

// Runs `use` with a file holding an asset's original: the file of an external library in place, or
// the object in storage. A missing file is an ordinary (retried) failure, since a volume that is
// briefly unmounted comes back. An original the storage template moved while `use` was starting is
// followed to its new place.
export async function withOriginal<T>(
  context: JobContext,
  asset: Asset,
  use: (path: string) => Promise<T>,
): Promise<T> {
  if (asset.externalPath !== null) {
    const path = asset.externalPath;
    await access(path).catch(() => {
      throw new Error(`The file of asset ${asset.id} is missing from its library (${path})`);
    });
    return use(path);
  }
  const { storage } = context;
  try {
    return await storage.withFile(asset.originalKey, use);
  } catch (error) {
    if ((await storage.size(asset.originalKey)) === null) {
      const current = await getAsset(context.db, asset.id);
      if (current && current.originalKey !== asset.originalKey) return withOriginal(context, current, use);
      throw new Error(`The original of asset ${asset.id} is missing from storage (${asset.originalKey})`);
    }
    throw error;
  }
}

// An asset's preview as pixels, for the image models; undefined when the asset is gone or has no
// preview yet (making one queues the model jobs again), or the preview is missing from storage (the
// integrity check reports that). A preview that cannot be decoded fails the job for good.
export async function readPreview(
  context: JobContext,
  assetId: string,
  purpose: string,
): Promise<RgbImage | undefined> {
  const asset = await getAsset(context.db, assetId);
  const preview = asset && (await getAssetFile(context.db, assetId, "preview"));
  if (!preview) return undefined;
  try {
    return await context.storage.withFile(preview.key, (path) => readRgb(path));
  } catch (error) {
    if ((await context.storage.size(preview.key)) === null) return undefined;
    throw new UnprocessableMediaError(`The preview cannot be decoded for ${purpose}: ${(error as Error).message}`);
  }
}
