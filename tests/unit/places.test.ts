import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { offsetAt, reverseGeocode, timeZoneAt } from "../../workers/media/places";
import { noSharedMedia, readMetadata } from "../helpers/metadata";

const nowhere = { city: null, state: null, country: null };

describe("reverseGeocode", () => {
  it("names the town, state and country of Frankfurt airport", () => {
    const place = reverseGeocode(50.0477, 8.5724);
    assert.ok(["Kelsterbach", "Frankfurt am Main", "Mörfelden-Walldorf", "Neu-Isenburg", "Raunheim"].includes(place.city!), `city ${place.city}`);
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
    for (const [latitude, longitude] of [[NaN, 8], [50, NaN], [91, 0], [-90.5, 0], [0, 180.5], [Infinity, 0]] as const) {
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

describe("offsetAt", () => {
  it("follows daylight saving time", () => {
    assert.equal(offsetAt("Europe/Berlin", "2019-06-09T12:57:32"), "+02:00");
    assert.equal(offsetAt("Europe/Berlin", "2019-01-09T12:00:00"), "+01:00");
    assert.equal(offsetAt("America/New_York", "2021-07-04T12:00:00"), "-04:00");
    assert.equal(offsetAt("America/New_York", "2021-01-04T12:00:00"), "-05:00");
  });

  it("handles offsets that are not whole hours, and fixed zones", () => {
    assert.equal(offsetAt("Asia/Kathmandu", "2020-05-01T08:00:00"), "+05:45");
    assert.equal(offsetAt("America/St_Johns", "2020-01-01T08:00:00"), "-03:30");
    assert.equal(offsetAt("UTC", "2020-05-01T08:00:00"), "+00:00");
    assert.equal(offsetAt("Etc/GMT+10", "2020-05-01T08:00:00"), "-10:00");
  });

  it("gives the hour a clock change repeats or skips the offset in force before the change", () => {
    // Berlin, 27 Oct 2019: 02:00–03:00 happened twice, first at +02:00.
    assert.equal(offsetAt("Europe/Berlin", "2019-10-27T02:30:00"), "+02:00");
    assert.equal(offsetAt("Europe/Berlin", "2019-10-27T03:00:00"), "+01:00");
    // Berlin, 31 Mar 2019: 02:00–03:00 never happened; clocks still showed winter time until then.
    assert.equal(offsetAt("Europe/Berlin", "2019-03-31T02:30:00"), "+01:00");
    assert.equal(offsetAt("Europe/Berlin", "2019-03-31T03:00:00"), "+02:00");
    assert.equal(offsetAt("America/New_York", "2021-11-07T01:30:00"), "-04:00");
    assert.equal(offsetAt("America/New_York", "2021-03-14T02:30:00"), "-05:00");
  });

  it("rejects unknown zones and malformed times", () => {
    assert.throws(() => offsetAt("Mars/Olympus_Mons", "2019-06-09T12:57:32"), RangeError);
    for (const time of ["2019-06-09 12:57:32", "2019-02-30T12:00:00", "2019-06-09T24:00:00", "2019-06-09", ""]) {
      assert.throws(() => offsetAt("Europe/Berlin", time), RangeError, time);
    }
  });
});
