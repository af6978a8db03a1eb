// npm run import -- <folder> [--album NAME] [--server URL] [--key KEY] [--concurrency N]
// Uploads every photo and video under a folder (with its .xmp sidecar, if any), signed in with an API
// key (--key, else SHOEBOX_API_KEY, else IMMICH_API_KEY). Files the library already has are skipped
// by checksum, so a run that was interrupted picks up where it stopped.
// Checksums of files already hashed are remembered (by path, size and time) to make re-runs quick.
import { createHash } from "node:crypto";
import { createReadStream, existsSync, mkdirSync, openAsBlob, readFileSync, writeFileSync } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import { homedir } from "node:os";
import { basename, extname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { mediaExtensions } from "../common/media-types";

interface Candidate {
  path: string;
  size: number;
  mtimeMs: number;
  birthtimeMs: number;
  sidecar?: string;
}

const accepted = new Set([...mediaExtensions.image, ...mediaExtensions.video]);

async function* walk(folder: string): AsyncGenerator<string> {
  for (const entry of await readdir(folder, { withFileTypes: true })) {
    if (entry.name.startsWith(".")) continue;
    const path = join(folder, entry.name);
    if (entry.isDirectory()) yield* walk(path);
    else if (entry.isFile()) yield path;
  }
}

async function findMedia(folder: string): Promise<Candidate[]> {
  const all: string[] = [];
  for await (const path of walk(folder)) all.push(path);
  const sidecars = new Set(all.filter((p) => extname(p).toLowerCase() === ".xmp"));
  const media: Candidate[] = [];
  for (const path of all) {
    if (!accepted.has(extname(path).toLowerCase())) continue;
    const info = await stat(path);
    if (info.size === 0) continue;
    // Sidecars are named "photo.jpg.xmp" (darktable, digiKam) or "photo.xmp" (Lightroom).
    const sidecar = [`${path}.xmp`, `${path.slice(0, -extname(path).length)}.xmp`].find((p) => sidecars.has(p));
    media.push({ path, size: info.size, mtimeMs: info.mtimeMs, birthtimeMs: info.birthtimeMs, sidecar });
  }
  return media.sort((a, b) => a.path.localeCompare(b.path));
}

class ChecksumCache {
  private readonly file = join(
    process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"),
    "shoebox",
    "import-checksums.json",
  );
  private entries: Record<string, string> = {};
  constructor() {
    try {
      this.entries = JSON.parse(readFileSync(this.file, "utf8")) as Record<string, string>;
    } catch {
      this.entries = {};
    }
  }
  private key = (c: Candidate) => `${c.path}\0${c.size}\0${Math.round(c.mtimeMs)}`;
  async checksum(candidate: Candidate): Promise<string> {
    const known = this.entries[this.key(candidate)];
    if (known) return known;
    const hash = createHash("sha1");
    for await (const chunk of createReadStream(candidate.path)) hash.update(chunk as Buffer);
    const checksum = hash.digest("hex");
    this.entries[this.key(candidate)] = checksum;
    return checksum;
  }
  save(): void {
    mkdirSync(join(this.file, ".."), { recursive: true });
    writeFileSync(this.file, JSON.stringify(this.entries));
  }
}

class Progress {
  private readonly started = Date.now();
  private lastDraw = 0;
  done = 0;
  bytes = 0;
  created = 0;
  duplicates = 0;
  failed = 0;
  constructor(
    private readonly total: number,
    private readonly totalBytes: number,
  ) {}

  draw(force = false): void {
    const now = Date.now();
    if (!force && now - this.lastDraw < (process.stderr.isTTY ? 100 : 5000)) return;
    this.lastDraw = now;
    const seconds = Math.max((now - this.started) / 1000, 0.001);
    const rate = this.bytes / seconds;
    const eta = rate > 0 ? Math.round((this.totalBytes - this.bytes) / rate) : 0;
    const width = 30;
    const filled = this.totalBytes ? Math.round((this.bytes / this.totalBytes) * width) : width;
    const line =
      `[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${this.done}/${this.total} files, ` +
      `${(this.bytes / 1e6).toFixed(1)}/${(this.totalBytes / 1e6).toFixed(1)} MB, ${(rate / 1e6).toFixed(1)} MB/s, ` +
      `${(this.done / seconds).toFixed(1)} files/s, ETA ${Math.floor(eta / 60)}m${String(eta % 60).padStart(2, "0")}s`;
    process.stderr.write(process.stderr.isTTY ? `\r${line}\x1b[K` : `${line}\n`);
  }
}

interface Server {
  url: string;
  key: string;
}

async function api<T>(server: Server, path: string, init: RequestInit = {}): Promise<{ status: number; body: T }> {
  const headers = new Headers(init.headers);
  headers.set("x-api-key", server.key);
  const response = await fetch(`${server.url}${path}`, { ...init, headers });
  const body = (await response.json().catch(() => ({}))) as T;
  const message = (body as { message?: string }).message ?? "";
  if (response.status === 401) throw new Error(`Shoebox at ${server.url} refused the API key (${message})`);
  if (!response.ok) throw new Error(`${init.method ?? "GET"} ${path}: ${response.status} ${message}`);
  return { status: response.status, body };
}

const usage = "Usage: npm run import -- <folder> [--album NAME] [--server URL] [--key KEY] [--concurrency N]\n";
const noKey = `No API key: pass --key KEY, or set SHOEBOX_API_KEY (or IMMICH_API_KEY).
To make one, sign in with POST /api/auth/login {"email": …, "password": …}, then POST /api/api-keys with the header
"authorization: Bearer <accessToken>" and {"name": "import", "permissions": ["all"]}: the "secret" it answers is the key.
`;

async function upload(server: Server, candidate: Candidate): Promise<{ id: string; status: string }> {
  const form = new FormData();
  const iso = (ms: number) => new Date(ms).toISOString();
  form.set("deviceAssetId", `${basename(candidate.path)}-${candidate.size}`);
  form.set("deviceId", "shoebox-import");
  form.set("fileCreatedAt", iso(Math.min(candidate.birthtimeMs || candidate.mtimeMs, candidate.mtimeMs)));
  form.set("fileModifiedAt", iso(candidate.mtimeMs));
  if (candidate.sidecar)
    form.set("sidecarData", new Blob([readFileSync(candidate.sidecar)]), basename(candidate.sidecar));
  // openAsBlob streams the file from disk instead of reading it into memory.
  form.set("assetData", await openAsBlob(candidate.path), basename(candidate.path));
  return (await api<{ id: string; status: string }>(server, "/api/assets", { method: "POST", body: form })).body;
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      album: { type: "string" },
      server: { type: "string", default: process.env.SHOEBOX_URL ?? "http://localhost:2283" },
      key: { type: "string" },
      concurrency: { type: "string", default: "2" },
    },
  });
  const folder = positionals[0];
  if (!folder || !existsSync(folder)) {
    process.stderr.write(usage);
    process.exit(2);
  }
  const key = values.key || process.env.SHOEBOX_API_KEY || process.env.IMMICH_API_KEY;
  if (!key) {
    process.stderr.write(noKey + usage);
    process.exit(2);
  }
  const server = { url: values.server!.replace(/\/+$/, ""), key };
  const concurrency = Math.max(1, Math.min(16, Number(values.concurrency) || 2));
  await api(server, "/api/server/ping").catch((error: Error) => {
    throw new Error(`Shoebox does not answer at ${server.url} (${error.message}); start it or pass --server`);
  });

  const media = await findMedia(resolve(folder));
  process.stderr.write(`Found ${media.length} photos and videos under ${folder}; checking which are new…\n`);
  const cache = new ChecksumCache();
  const checksums = new Map<Candidate, string>();
  for (const [index, candidate] of media.entries()) {
    checksums.set(candidate, await cache.checksum(candidate));
    if (process.stderr.isTTY) process.stderr.write(`\rchecksums: ${index + 1}/${media.length}\x1b[K`);
  }
  if (process.stderr.isTTY) process.stderr.write("\n");
  cache.save();

  const assetIds: string[] = [];
  const pending: Candidate[] = [];
  for (let i = 0; i < media.length; i += 1000) {
    const batch = media.slice(i, i + 1000);
    const { body } = await api<{ results: Array<{ id: string; action: string; assetId?: string }> }>(
      server,
      "/api/assets/bulk-upload-check",
      {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ assets: batch.map((c, j) => ({ id: String(i + j), checksum: checksums.get(c) })) }),
      },
    );
    for (const result of body.results) {
      if (result.action === "accept") pending.push(media[Number(result.id)]!);
      else if (result.assetId) assetIds.push(result.assetId);
    }
  }
  const skipped = media.length - pending.length;
  process.stderr.write(`${skipped} already in the library; uploading ${pending.length}.\n`);

  const progress = new Progress(
    pending.length,
    pending.reduce((sum, c) => sum + c.size, 0),
  );
  const failures: string[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < pending.length) {
        const candidate = pending[next++]!;
        try {
          const result = await upload(server, candidate);
          assetIds.push(result.id);
          if (result.status === "created") progress.created++;
          else progress.duplicates++;
        } catch (error) {
          progress.failed++;
          failures.push(`${candidate.path}: ${(error as Error).message}`);
        }
        progress.done++;
        progress.bytes += candidate.size;
        progress.draw();
      }
    }),
  );
  progress.draw(true);
  process.stderr.write("\n");

  if (values.album && assetIds.length) {
    const { body: albums } = await api<Array<{ id: string; albumName: string }>>(server, "/api/albums");
    const album =
      albums.find((a) => a.albumName === values.album) ??
      (
        await api<{ id: string }>(server, "/api/albums", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ albumName: values.album }),
        })
      ).body;
    await api(server, `/api/albums/${album.id}/assets`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ ids: assetIds }),
    });
    process.stderr.write(`Album "${values.album}" holds them.\n`);
  }
  for (const failure of failures) process.stderr.write(`failed: ${failure}\n`);
  process.stdout.write(
    `${progress.created} uploaded, ${skipped + progress.duplicates} already there, ${progress.failed} failed (of ${media.length})\n`,
  );
  process.exit(progress.failed ? 1 : 0);
}

main().catch((error: Error) => {
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
});
