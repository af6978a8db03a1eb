// The synthetic library's rows: each user's events, and the assets and EXIF rows taken at them.
import { randomUUID } from "node:crypto";
import { originalKey } from "../../common/storage";
import type { Random } from "./random";
import { cameraOf, type Place, pickExposure, pickIso } from "./world";

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

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

// One user's events and the assets in them, as compact arrays.
export interface Plan {
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

export function planUser(
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

export const assetColumns = [
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
export const exifColumns = [
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

// One asset as the database's rows (in assetColumns' and exifColumns' order), with what the
// library's summary counts. `fileNumber` numbers the camera's file name; an asset of the late
// import was uploaded during the library's last half year rather than soon after it was taken.
export function makeAsset(
  random: Random,
  plan: Plan,
  i: number,
  at: { fileNumber: number; lateImport: boolean; now: number; end: number },
) {
  const event = plan.assetEvent[i]!;
  const place = plan.places[plan.eventPlace[event]!]!;
  const taken = plan.assetTaken[i]!;
  const year = new Date(taken).getUTCFullYear();
  const camera = cameraOf(year);
  const isVideo = random.chance(0.05);
  const geotagged = random.chance(0.6);
  const id = randomUUID();
  const number = String(at.fileNumber).padStart(4, "0");
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
  const size = isVideo ? Math.round(durationSeconds * (long >= 3840 ? 6e6 : 2e6)) : random.int(1_500_000, 6_000_000);
  const offsetMinutes = geotagged ? place.offsetMinutes : plan.home.offsetMinutes;
  const localDateTime = taken + offsetMinutes * 60_000;
  // Uploaded soon after it was taken, or, for the late import, during the last half year.
  const uploadedAt = at.lateImport
    ? Math.max(taken + 60_000, at.end - random.int(0, 180 * DAY))
    : taken + random.int(60_000, 3 * DAY);
  const isFavorite = random.chance(0.03);
  const visibility = random.chance(0.03) ? "archive" : "timeline";
  // Trashed in the last 20 days: the server empties what has been in the trash for 30.
  const deletedAt = random.chance(0.01) ? at.now - random.int(HOUR, 20 * DAY) : null;
  // About 2 km around the place, a tenth of them up to 20 km away.
  const spread = random.chance(0.1) ? 0.15 : 0.02;
  const latitude = geotagged ? Math.max(-89.9, Math.min(89.9, place.latitude + random.gaussian() * spread)) : null;
  const longitude = geotagged
    ? ((place.longitude +
        (random.gaussian() * spread) / Math.max(0.2, Math.cos((place.latitude * Math.PI) / 180)) +
        540) %
        360) -
      180
    : null;

  const assetRow = [
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
  ];
  const exifRow = [
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
  ];
  return { assetRow, exifRow, size, visibility, deletedAt, geotagged, localDateTime };
}
