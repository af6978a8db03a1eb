import { access } from "node:fs/promises";
import type { Database } from "../../common/db";
import type { NewJob } from "../../common/queue";
import type { Asset } from "../../common/schema";
import type { LocalStorage } from "../storage/local";

// What every job handler may use.
export interface JobContext {
  db: Database;
  storage: LocalStorage;
  maxAttempts: number;
  // Queues follow-up jobs and wakes this worker's runner for them.
  enqueue(jobs: NewJob[]): Promise<void>;
  // Wakes the runner for jobs queued some other way (in a batch with other writes).
  wake(): void;
}

// The path of an asset's original; a missing file is an ordinary (retried) failure, since a volume
// that is briefly unmounted comes back.
export async function originalPath({ storage }: JobContext, asset: Asset): Promise<string> {
  const path = storage.path(asset.originalKey);
  await access(path).catch(() => {
    throw new Error(`The original of asset ${asset.id} is missing from storage (${asset.originalKey})`);
  });
  return path;
}
