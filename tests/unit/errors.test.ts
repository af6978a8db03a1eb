// What a failure says to a person: no server paths, one line.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { withoutServerPaths } from "../../common/errors";

describe("withoutServerPaths", () => {
  it("names the file instead of its path, keeps storage keys, and keeps the first line", () => {
    assert.equal(
      withoutServerPaths("Video probe failed for /tmp/shoebox-x/library/originals/eb/86/eb86.mov: the file is incomplete (no moov atom). ffprobe said:\n[mov] moov atom not found"),
      "Video probe failed for the file: the file is incomplete (no moov atom).",
    );
    assert.equal(withoutServerPaths("Cannot read file:/data/library/a/b.heic"), "Cannot read the file");
    assert.equal(withoutServerPaths("The original is missing from storage (originals/ab/cd/x.jpg)"), "The original is missing from storage (originals/ab/cd/x.jpg)");
    assert.equal(withoutServerPaths("The image cannot be decoded: pngload: end of stream"), "The image cannot be decoded: pngload: end of stream");
  });
});
