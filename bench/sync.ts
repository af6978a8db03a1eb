// npm run bench:sync [-- --rebuild] [--assets N] [--other-users N] [--other-assets N] [--new N]
// Time to stream everything to Immich's phone app in a first sync of bench:timeline's library (a
// million assets for one user, four more users), and to stream a delta after N (100) new photos,
// through the running server, read as the app reads it. Baselines, measured in the same run: a
// request that touches no data (GET /api/server/ping) and a stream with nothing to send.
//
// The library is bench:timeline's (bench/timeline-library.ts); the new photos are deleted for good at
// the end, so that the cached library stays what bench:timeline expects.
import { parseArgs } from "node:util";
import { login, type Client } from "../tests/helpers/accounts";
import { makeJpeg } from "../tests/helpers/media";
import { appSyncTypes } from "../tests/helpers/phone-app";
import { admin, startShoebox, waitForQueuesToDrain } from "../tests/helpers/shoebox";
import { printTable } from "./rss";
import { dataDir, libraryArgs, libraryOptions, timelineLibrary } from "./timeline-library";

const { values } = parseArgs({ options: { ...libraryArgs, new: { type: "string", default: "100" } } });
const newPhotos = Number(values.new);

interface Streamed {
  ms: number;
  lines: number;
  bytes: number;
  byType: Map<string, number>;
  // The last ack of each run of one type, which the app sends back.
  acks: string[];
}

// One stream, read to its end as the app reads it: chunk by chunk, split into lines.
async function stream(client: Client): Promise<Streamed> {
  const started = performance.now();
  const response = await client.fetch("/api/sync/stream", {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/jsonlines+json" },
    body: JSON.stringify({ types: appSyncTypes }),
  });
  if (response.status !== 200) throw new Error(`sync stream: ${response.status} ${await response.text()}`);
  const result: Streamed = { ms: 0, lines: 0, bytes: 0, byType: new Map(), acks: [] };
  const decoder = new TextDecoder();
  let pending = "";
  let runType = "";
  let runAck = "";
  for await (const chunk of response.body!) {
    result.bytes += chunk.byteLength;
    pending += decoder.decode(chunk, { stream: true });
    const lines = pending.split("\n");
    pending = lines.pop()!;
    for (const text of lines) {
      const { type, ack } = JSON.parse(text) as { type: string; ack: string };
      result.lines++;
      result.byType.set(type, (result.byType.get(type) ?? 0) + 1);
      if (type !== runType && runAck) result.acks.push(runAck);
      runType = type;
      runAck = ack;
    }
  }
  if (runAck) result.acks.push(runAck);
  result.ms = performance.now() - started;
  return result;
}

async function ack(client: Client, acks: string[]): Promise<void> {
  const response = await client.json("POST", "/api/sync/ack", { acks });
  if (response.status !== 204) throw new Error(`sync ack: ${response.status} ${await response.text()}`);
}

async function pingMs(client: Client): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < 25; i++) {
    const started = performance.now();
    await (await client.fetch("/api/server/ping")).text();
    times.push(performance.now() - started);
  }
  return times.sort((a, b) => a - b)[12]!;
}

const { manifest, cached } = await timelineLibrary(libraryOptions(values));
const owner = manifest.users[0]!;
const shoebox = await startShoebox({ dataDir });
const uploaded: string[] = [];
try {
  const client = await login(shoebox.url, admin.email, admin.password);
  const ping = await pingMs(client);

  const first = await stream(client);
  await ack(client, first.acks);
  const nothing = await stream(client);

  for (let i = 0; i < newPhotos; i++) {
    const photo = await makeJpeg(900_000 + i);
    const form = new FormData();
    form.append("assetData", new Blob([photo.bytes], { type: "image/jpeg" }), `new-${i}.jpg`);
    form.append("fileCreatedAt", new Date().toISOString());
    form.append("fileModifiedAt", new Date().toISOString());
    const response = await client.fetch("/api/assets", { method: "POST", body: form });
    if (response.status !== 201) throw new Error(`upload: ${response.status} ${await response.text()}`);
    uploaded.push(((await response.json()) as { id: string }).id);
  }
  // The delta is what the app gets once the server has processed them (thumbnails, exif).
  await waitForQueuesToDrain(shoebox, 600_000);
  const delta = await stream(client);
  await ack(client, delta.acks);

  const rate = (s: Streamed) => (s.lines > 0 ? `${Math.round(s.lines / (s.ms / 1000)).toLocaleString("en")}` : "-");
  const mibOf = (s: Streamed) => (s.bytes / 1048576).toFixed(1);
  const types = (s: Streamed) =>
    [...s.byType].map(([type, count]) => `${type} ${count.toLocaleString("en")}`).join(", ");
  console.log(
    `\n${owner.assets.toLocaleString("en")} assets for ${owner.email}, plus ${manifest.users.length - 1} users with ` +
      `${(manifest.users[1]?.assets ?? 0).toLocaleString("en")} each; library ${cached ? `from the cache (built ${manifest.builtAt})` : `built in ${manifest.buildSeconds.toFixed(0)} s`}\n`,
  );
  printTable([
    ["stream", "time ms", "lines", "MiB", "lines/s", "× ping"],
    ["GET /api/server/ping (baseline, median of 25)", ping.toFixed(1), "-", "-", "-", "1.0"],
    [
      "sync stream, nothing to send (baseline)",
      nothing.ms.toFixed(1),
      `${nothing.lines}`,
      mibOf(nothing),
      "-",
      (nothing.ms / ping).toFixed(1),
    ],
    [
      "first sync: everything",
      first.ms.toFixed(0),
      first.lines.toLocaleString("en"),
      mibOf(first),
      rate(first),
      (first.ms / ping).toFixed(0),
    ],
    [
      `delta: ${newPhotos} new photos`,
      delta.ms.toFixed(1),
      `${delta.lines}`,
      mibOf(delta),
      rate(delta),
      (delta.ms / ping).toFixed(1),
    ],
  ]);
  console.log(`\nfirst sync: ${types(first)}\ndelta: ${types(delta)}`);
} finally {
  if (uploaded.length > 0) {
    const client = await login(shoebox.url, admin.email, admin.password);
    await client.json("DELETE", "/api/assets", { ids: uploaded, force: true });
  }
  await shoebox.stop();
}
