// A storage-neutral view of what Shoebox stored, for tests that run in both storage modes: the
// library folder on the local volume, or the bucket. Tests find an asset's files through the keys the
// database keeps (assetKeys), never by looking for its id in a path: originals are moved under a
// readable storage template once their metadata is read.
import type { Dirent } from "node:fs";
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join, relative, sep } from "node:path";
import type { Client } from "@libsql/client/web";
import { assertStorageKey } from "../../common/storage";
import type { LocalS3 } from "./s3";

export interface StorageView {
  mode: "local" | "s3";
  // Every stored key under `prefix`, sorted.
  keys(prefix?: string): Promise<string[]>;
  // The object's bytes, or null when there is none.
  read(key: string): Promise<Uint8Array | null>;
  write(key: string, bytes: Uint8Array): Promise<void>;
  remove(key: string): Promise<void>;
}

// The library folder ($DATA_DIR/library). Its scratch folder (.tmp) and any other dot file or folder
// hold no object: keys never start a segment with a dot.
export function localStorageView(dataDir: string): StorageView {
  const root = join(dataDir, "library");
  const path = (key: string) => {
    assertStorageKey(key);
    return join(root, ...key.split("/"));
  };
  const walk = async (dir: string): Promise<string[]> => {
    let entries: Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw error;
    }
    const found: string[] = [];
    for (const entry of entries) {
      if (entry.name.startsWith(".")) continue;
      const full = join(dir, entry.name);
      if (entry.isDirectory()) found.push(...(await walk(full)));
      else if (entry.isFile()) found.push(relative(root, full).split(sep).join("/"));
    }
    return found;
  };
  return {
    mode: "local",
    async keys(prefix = "") {
      return (await walk(root)).filter((key) => key.startsWith(prefix)).sort();
    },
    async read(key) {
      try {
        return new Uint8Array(await readFile(path(key)));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
        throw error;
      }
    },
    async write(key, bytes) {
      await mkdir(dirname(path(key)), { recursive: true });
      await writeFile(path(key), bytes);
    },
    async remove(key) {
      await rm(path(key), { force: true });
    },
  };
}

// The bucket of a local S3 server (tests/helpers/s3.ts), through its own signed client.
export function s3StorageView(s3: LocalS3): StorageView {
  return {
    mode: "s3",
    async keys(prefix = "") {
      return (await s3.keys(prefix)).sort();
    },
    async read(key) {
      const object = await s3.bucket.get(key);
      return object && new Uint8Array(await new Response(object.body).arrayBuffer());
    },
    async write(key, bytes) {
      await s3.bucket.put(key, new Response(bytes).body!);
    },
    async remove(key) {
      await s3.bucket.delete(key);
    },
  };
}

export interface AssetKeys {
  original: string;
  sidecar: string | null;
  encodedVideo: string | null;
  // Derivatives by type (thumbnail, preview, ...).
  files: Record<string, string>;
  // Every key above, sorted.
  all: string[];
}

// Where the database says an asset's files are (undefined when it has no such asset).
export async function assetKeys(db: Client, assetId: string): Promise<AssetKeys | undefined> {
  const { rows } = await db.execute({
    sql: "SELECT original_key, sidecar_key, encoded_video_key FROM assets WHERE id = ?",
    args: [assetId],
  });
  const row = rows[0];
  if (!row) return undefined;
  const { rows: fileRows } = await db.execute({
    sql: "SELECT type, key FROM asset_files WHERE asset_id = ?",
    args: [assetId],
  });
  const files = Object.fromEntries(fileRows.map((file) => [String(file.type), String(file.key)]));
  const original = String(row.original_key);
  const sidecar = row.sidecar_key === null ? null : String(row.sidecar_key);
  const encodedVideo = row.encoded_video_key === null ? null : String(row.encoded_video_key);
  const all = [original, sidecar, encodedVideo, ...Object.values(files)]
    .filter((key): key is string => key !== null)
    .sort();
  return { original, sidecar, encodedVideo, files, all };
}

// The keys in `after` that are not in `before`.
export function added(before: readonly string[], after: readonly string[]): string[] {
  const known = new Set(before);
  return after.filter((key) => !known.has(key));
}
