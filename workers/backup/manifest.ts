// A backup folder, as `npm run backup` writes it and `npm run restore` reads it:
//   shoebox.db      the database, a consistent copy
//   manifest.json   what the copy is (below); written last, so a folder without it is no backup
//   objects.jsonl   every stored object the database refers to, one JSON object a line (a library of
//                   millions makes a list too long for one JSON document)
//   SHA1SUMS        the SHA-1 of each object known, as `sha1sum -c SHA1SUMS` checks the files/ copy
//   files/<key>     with --with-files, the objects themselves
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { z } from "zod";
import type { StoredObjectKind } from "../../common/stored-objects";

export const backupFiles = {
  database: "shoebox.db",
  manifest: "manifest.json",
  objects: "objects.jsonl",
  checksums: "SHA1SUMS",
  files: "files",
} as const;

const ObjectEntry = z.object({
  key: z.string(),
  kind: z.enum([
    "original",
    "sidecar",
    "encodedVideo",
    "thumbnail",
    "preview",
    "fullsize",
  ] satisfies StoredObjectKind[]),
  assetId: z.string(),
  // Bytes in storage when the backup was taken; null when the object was not there.
  size: z.number().int().nullable(),
  // Hex. For an original, the checksum the database took at upload; for another object, that of
  // its copy in files/ (none without --with-files).
  sha1: z.string().nullable(),
  // What was wrong with the object in storage when the backup was taken: "missing" (not there, as
  // when it was deleted after the database was copied) or "damaged" (an original whose content no
  // longer matched its checksum, copied as it was).
  problem: z.enum(["missing", "damaged"]).optional(),
});
export type ObjectEntry = z.infer<typeof ObjectEntry>;

const Manifest = z.object({
  format: z.literal(1),
  shoebox: z.string(),
  createdAt: z.iso.datetime(),
  database: z.object({
    source: z.enum(["embedded", "remote"]),
    size: z.number().int(),
    sha256: z.string(),
    migrations: z.object({ applied: z.number().int(), latest: z.number().nullable() }),
    tables: z.record(z.string(), z.number().int()),
  }),
  objects: z.object({
    count: z.number().int(),
    bytes: z.number().int(),
    missing: z.number().int(),
    damaged: z.number().int(),
  }),
  withFiles: z.boolean(),
});
export type Manifest = z.infer<typeof Manifest>;

export async function readManifest(folder: string): Promise<Manifest> {
  const path = join(folder, backupFiles.manifest);
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch {
    throw new Error(`${folder} holds no ${backupFiles.manifest}: it is not a finished backup of npm run backup`);
  }
  const parsed = Manifest.safeParse(JSON.parse(text));
  if (!parsed.success)
    throw new Error(
      `${path} is not a manifest this Shoebox reads: ${parsed.error.issues[0]?.path.join(".")} ${parsed.error.issues[0]?.message}`,
    );
  return parsed.data;
}

export async function* readObjectEntries(folder: string): AsyncGenerator<ObjectEntry> {
  const lines = createInterface({ input: createReadStream(join(folder, backupFiles.objects)), crlfDelay: Infinity });
  let number = 0;
  for await (const line of lines) {
    number++;
    if (!line) continue;
    const parsed = ObjectEntry.safeParse(JSON.parse(line));
    if (!parsed.success) throw new Error(`${backupFiles.objects}, line ${number}: ${parsed.error.issues[0]?.message}`);
    yield parsed.data;
  }
}

export const sha1Hex = (base64: string) => Buffer.from(base64, "base64").toString("hex");

export async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}
