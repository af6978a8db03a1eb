// Room for uploads on the disk of the database and the library, as the worker sees it (workerd has
// no file system). A bucket's room is the bucket's affair: there, only the database's disk counts.
import { AppError } from "../../common/errors";
import type { Bindings } from "../env";
import { callWorker } from "./worker";

export const diskFull = () =>
  new AppError(
    507,
    "Shoebox's disk is full, so nothing more can be stored. Empty the trash or delete some photos, or ask the admin to make room, then try again.",
  );

// Refuses (507) when storing `bytes` more would leave the disk too full.
export async function refuseWhenDiskFull(env: Bindings, bytes: number): Promise<void> {
  const onDisk = env.STORAGE_KIND === "s3" ? 0 : bytes;
  const { fits } = await callWorker<{ fits: boolean }>(env, "/internal/storage/space", {
    bytes: Number.isFinite(onDisk) ? onDisk : 0,
  });
  if (!fits) throw diskFull();
}
