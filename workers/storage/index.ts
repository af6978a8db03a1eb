// The worker's storage: a bucket or a local volume, as the configuration says.
import type { StorageConfig } from "../../common/config";
import { createBucketStorage } from "./bucket";
import { createLocalStorage } from "./local";
import type { WorkerStorage } from "./storage";

export function createWorkerStorage(storage: StorageConfig, scratchRoot: string, workerId: string): WorkerStorage {
  return storage.kind === "s3"
    ? createBucketStorage(storage.s3, scratchRoot, workerId)
    : createLocalStorage(storage.root, scratchRoot, workerId);
}
