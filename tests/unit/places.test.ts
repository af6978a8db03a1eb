import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { reverseGeocode, timeZoneAt } from "../../workers/media/places";
import { noSharedMedia, readMetadata } from "../helpers/metadata";

const nowhere = { city: null, state: null, country: null };

describe("reverseGeocode", () => {
  it("names the town, state and country of Frankfurt airport", () => {
    const place = reverseGeocode(50.0477, 8.5724);
    assert.ok(
      ["Kelsterbach", "Frankfurt am Main", "Mörfelden-Walldorf", "Neu-Isenburg", "Raunheim"].includes(place.city!),
      `city ${place.city}`,
    );
    assert.equal(place.state, "Hesse");
    assert.equal(place.country, "Germany");
  });

  it("names the city, not a neighbourhood of it", () => {
    assert.deepEqual(reverseGeocode(35.6572, 139.7017), { city: "Tokyo", state: "Tokyo", country: "Japan" });
    assert.equal(reverseGeocode(60.1467, 24.9).country, "Finland");
    assert.equal(reverseGeocode(52.52, 13.405).city, "Berlin");
  });

  it("gives no place in mid-ocean", () => {
    assert.deepEqual(reverseGeocode(0, -150), nowhere);
    assert.deepEqual(reverseGeocode(-37.3667, 122.0334), nowhere);
  });

  it("keeps state and country but no town far from any town", () => {
    // Lake Mývatn, Iceland: the nearest town of 1000 people is over 25 km away.
    assert.deepEqual(reverseGeocode(65.0556, -16.6257), { city: null, state: "Northeast", country: "Iceland" });
  });

  it("rejects coordinates that are not on Earth", () => {
    for (const [latitude, longitude] of [
      [NaN, 8],
      [50, NaN],
      [91, 0],
      [-90.5, 0],
      [0, 180.5],
      [Infinity, 0],
    ] as const) {
      assert.deepEqual(reverseGeocode(latitude, longitude), nowhere, `${latitude},${longitude}`);
    }
  });

  it("places real photos from the shared media in their country", { skip: noSharedMedia }, () => {
    const expected: Record<string, string> = {
      "dupes/iphone-edited-pair/IMG_E4120.JPG": "Germany",
      "exif/phones/HMD_Nokia_8.3_5G.jpg": "Finland",
      "exif/phones/androidx-iphone6s-tokyo.jpg": "Japan",
      "exif/phones/lychee-nexus5x-aarhus.jpg": "Denmark",
      "video/motion-photo/ente-samsung-s22-motionphoto.heic": "India",
    };
    const metadata = readMetadata();
    for (const [file, country] of Object.entries(expected)) {
      const row = metadata.get(file);
      assert.ok(row?.GPSLatitude && row.GPSLongitude, `${file} has GPS in METADATA.csv`);
      assert.equal(reverseGeocode(Number(row.GPSLatitude), Number(row.GPSLongitude)).country, country, file);
    }
  });
});

describe("timeZoneAt", () => {
  it("finds the IANA zone of a point", () => {
    assert.equal(timeZoneAt(35.6572, 139.7017), "Asia/Tokyo");
    assert.equal(timeZoneAt(50.0477, 8.5724), "Europe/Berlin");
    assert.equal(timeZoneAt(60.1467, 24.9), "Europe/Helsinki");
  });

  it("is null for invalid coordinates", () => {
    assert.equal(timeZoneAt(NaN, 0), null);
    assert.equal(timeZoneAt(0, 181), null);
    assert.equal(timeZoneAt(-91, 0), null);
  });
});
