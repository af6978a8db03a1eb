import { access } from "node:fs/promises";
import type { Database } from "../../common/db";
import type { NewJob } from "../../common/queue";
import type { Asset } from "../../common/schema";
import { MissingObjectError, type WorkerStorage } from "../storage/storage";

// What every job handler may use.
export interface JobContext {
  db: Database;
  storage: WorkerStorage;
  maxAttempts: number;
  // Queues follow-up jobs and wakes this worker's runner for them.
  enqueue(jobs: NewJob[]): Promise<void>;
  // Wakes the runner for jobs queued some other way (in a batch with other writes).
  wake(): void;
}

// Runs `use` with a file holding an asset's original: the file of an external library in place, or
// the object in storage. A missing file is an ordinary (retried) failure, since a volume that is
// briefly unmounted comes back.
export async function withOriginal<T>({ storage }: JobContext, asset: Asset, use: (path: string) => Promise<T>): Promise<T> {
  if (asset.externalPath !== null) {
    const path = asset.externalPath;
    await access(path).catch(() => {
      throw new Error(`The file of asset ${asset.id} is missing from its library (${path})`);
    });
    return use(path);
  }
  try {
    return await storage.withFile(asset.originalKey, use);
  } catch (error) {
    if (error instanceof MissingObjectError) throw new Error(`The original of asset ${asset.id} is missing from storage (${asset.originalKey})`);
    throw error;
  }
}
