// A synthetic photo library written straight into a stopped server's database file, for benchmarks
// that need more assets than uploading could make in reasonable time. The database must already have
// the project's migrations applied (start the server on the data folder once, then stop it).
//
// The library imitates a real one: photos come in events (a day out, a trip), the later years hold
// more of them, 60% are geotagged around the places the owner goes (their home town most), and they
// were uploaded roughly in the order they were taken, apart from a late import of old photos. The
// numbers are drawn from a seeded generator, so a rebuild gives the same library (up to ids).
//
// This file writes the database; what it writes is made in bench/synthetic/ (the seeded generator,
// the towns and cameras, and the rows of each asset).
import { createHash, randomUUID } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import Libsql from "libsql";
import { migrationsFolder } from "../workers/db/migrate";
import { Random } from "./synthetic/random";
import { assetColumns, exifColumns, makeAsset, planUser } from "./synthetic/rows";
import { pickPlaces } from "./synthetic/world";

// Bump when the generator changes what it writes, so that cached libraries get rebuilt.
const GENERATOR_VERSION = 1;

export interface LibraryUser {
  // An account that exists already (the admin the server signed up) is matched by email; the others
  // are made, with a password no one knows.
  email: string;
  assets: number;
}

export interface LibraryOptions {
  dbPath: string;
  users: LibraryUser[];
  // The library spans [start, end) of date taken.
  start: number;
  end: number;
  seed: number;
  // Called every transaction with the assets written so far.
  onProgress?: (written: number, total: number) => void;
}

// What the library holds per user, to check the endpoints' answers against.
export interface UserSummary {
  id: string;
  email: string;
  assets: number;
  // Visible in the timeline: visibility 'timeline', not trashed.
  timeline: number;
  // Of those, geotagged.
  timelineGeotagged: number;
  months: number;
  // The month ('YYYY-MM') with the most timeline assets, and how many.
  largestMonth: string;
  largestMonthCount: number;
  // The user's home town and other places, most visited first, with their coordinates.
  places: Array<{ name: string; latitude: number; longitude: number }>;
}

// What a cached library was built from: the migrations and the generator.
export function schemaVersion(): string {
  const hash = createHash("sha256");
  hash.update(`generator ${GENERATOR_VERSION}\n`);
  for (const name of readdirSync(migrationsFolder).sort()) {
    if (!name.endsWith(".sql")) continue;
    hash.update(`${name}\n`);
    hash.update(readFileSync(join(migrationsFolder, name)));
  }
  hash.update(readFileSync(join(migrationsFolder, "meta", "_journal.json")));
  return hash.digest("hex").slice(0, 16);
}

const insertSql = (table: string, columns: string[]) =>
  `INSERT INTO ${table} (${columns.join(", ")}) VALUES (${columns.map(() => "?").join(", ")})`;

const monthOf = (localDateTime: number) => new Date(localDateTime).toISOString().slice(0, 7);

export function buildLibrary(options: LibraryOptions): UserSummary[] {
  const random = new Random(options.seed);
  const db = new Libsql(options.dbPath);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = OFF");
  db.pragma("cache_size = -1048576");
  db.pragma("temp_store = MEMORY");
  try {
    const now = Date.now();
    // Users: the ones that exist keep their id; the others are made, with a password no one knows.
    const findUser = db.prepare("SELECT id FROM users WHERE email = ?");
    const insertUser = db.prepare(
      "INSERT INTO users (id, email, name, password_hash, is_admin, created_at, updated_at) VALUES (?, ?, ?, 'scrypt$bench', 0, ?, ?)",
    );
    const ownerIds = options.users.map((user, i) => {
      const existing = findUser.get([user.email]) as { id: string } | undefined;
      if (existing) return existing.id;
      const id = randomUUID();
      insertUser.run([id, user.email, `Bench user ${i}`, now, now]);
      return id;
    });

    const allPlaces = pickPlaces(random, 200);
    const plans = options.users.map((user, i) =>
      planUser(random, i, ownerIds[i]!, user.assets, allPlaces, options.start, options.end),
    );

    // Upload order: everything by date taken, users interleaved, except a fifth of each library
    // that came in last as an import of old photos, in no particular order.
    const total = plans.reduce((sum, plan) => sum + plan.assetTaken.length, 0);
    const order: Array<[number, number]> = [];
    const late: Array<[number, number]> = [];
    for (const plan of plans) {
      for (let i = 0; i < plan.assetTaken.length; i++) (random.chance(0.2) ? late : order).push([plan.userIndex, i]);
    }
    order.sort((a, b) => plans[a[0]]!.assetTaken[a[1]]! - plans[b[0]]!.assetTaken[b[1]]!);
    for (const entry of random.shuffle(late)) order.push(entry);

    const insertAsset = db.prepare(insertSql("assets", assetColumns));
    const insertExif = db.prepare(insertSql("exif", exifColumns));
    const counters = plans.map(() => ({
      fileNumber: 0,
      bytes: 0,
      timeline: 0,
      geotagged: 0,
      months: new Map<string, number>(),
    }));
    const batchSize = 10_000;
    const lateFrom = order.length - late.length;
    for (let from = 0; from < order.length; from += batchSize) {
      db.exec("BEGIN");
      for (let j = from; j < Math.min(from + batchSize, order.length); j++) {
        const [userIndex, i] = order[j]!;
        const plan = plans[userIndex]!;
        const counter = counters[userIndex]!;
        counter.fileNumber = (counter.fileNumber % 9999) + 1;
        const { assetRow, exifRow, size, visibility, deletedAt, geotagged, localDateTime } = makeAsset(
          random,
          plan,
          i,
          { fileNumber: counter.fileNumber, lateImport: j >= lateFrom, now, end: options.end },
        );
        insertAsset.run(assetRow);
        insertExif.run(exifRow);

        counter.bytes += size;
        if (visibility === "timeline" && deletedAt === null) {
          counter.timeline++;
          if (geotagged) counter.geotagged++;
          const month = monthOf(localDateTime);
          counter.months.set(month, (counter.months.get(month) ?? 0) + 1);
        }
      }
      db.exec("COMMIT");
      options.onProgress?.(Math.min(from + batchSize, total), total);
    }

    const setUsage = db.prepare("UPDATE users SET quota_usage_in_bytes = ? WHERE id = ?");
    for (const [i, counter] of counters.entries()) setUsage.run([counter.bytes, ownerIds[i]]);
    db.pragma("wal_checkpoint(TRUNCATE)");

    return plans.map((plan, i) => {
      const counter = counters[i]!;
      const [largestMonth, largestMonthCount] = [...counter.months].reduce((a, b) => (b[1] > a[1] ? b : a), ["", 0]);
      return {
        id: plan.ownerId,
        email: options.users[i]!.email,
        assets: plan.assetTaken.length,
        timeline: counter.timeline,
        timelineGeotagged: counter.geotagged,
        months: counter.months.size,
        largestMonth,
        largestMonthCount,
        places: plan.places.slice(0, 20).map(({ name, latitude, longitude }) => ({ name, latitude, longitude })),
      };
    });
  } finally {
    db.close();
  }
}
