// Durations kept as "H:MM:SS.ffffff" and sent to Immich's phone app in whole milliseconds.
import assert from "node:assert/strict";
import { test } from "node:test";
import { durationMilliseconds, durationText } from "../../common/durations";

test("a kept duration reads back in whole milliseconds", () => {
  assert.equal(durationMilliseconds(durationText(2.5)), 2500);
  assert.equal(durationMilliseconds("1:02:03.456000"), 3_723_456);
  assert.equal(durationMilliseconds("0:00:00.000000"), 0);
  assert.equal(durationMilliseconds(null), null);
  assert.equal(durationMilliseconds("nonsense"), null);
});
