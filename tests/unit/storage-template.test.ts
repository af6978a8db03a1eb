import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { defaults } from "../../common/config";
import { alternativeKey, renderStorageTemplate, safeName } from "../../common/storage-template";

const photo = {
  label: "admin",
  assetId: "0b8e3c4a-1111-4222-8333-944445555666",
  type: "IMAGE" as const,
  originalFileName: "IMG_0001.HEIC",
  localDateTime: Date.parse("2019-06-01T18:30:05Z"),
};

describe("storage template", () => {
  it("puts originals under the user's folder by date, with their own names", () => {
    assert.equal(renderStorageTemplate(defaults.storageTemplate, photo), "admin/2019/2019-06-01/IMG_0001.HEIC");
    assert.equal(
      renderStorageTemplate("{{y}}/{{MMM}}/{{filetype}}_{{hh}}{{mm}}{{ss}}_{{filename}}", {
        ...photo,
        type: "VIDEO",
        originalFileName: "clip.mov",
      }),
      "admin/2019/Jun/VID_183005_clip.mov",
    );
  });

  it("keeps names readable but safe: no separators, no hidden files, no endless names", () => {
    assert.equal(
      renderStorageTemplate(defaults.storageTemplate, { ...photo, originalFileName: "Été à Nice #1.jpg" }),
      "admin/2019/2019-06-01/Été à Nice #1.jpg",
    );
    assert.equal(
      renderStorageTemplate(defaults.storageTemplate, { ...photo, originalFileName: "../../etc/passwd" }),
      "admin/2019/2019-06-01/_.._etc_passwd",
    );
    assert.equal(
      renderStorageTemplate(defaults.storageTemplate, { ...photo, originalFileName: ".hidden.jpg" }),
      "admin/2019/2019-06-01/hidden.jpg",
    );
    assert.equal(
      renderStorageTemplate(defaults.storageTemplate, { ...photo, originalFileName: "" }),
      `admin/2019/2019-06-01/${photo.assetId}`,
    );
    const long = safeName(`${"ü".repeat(300)}.jpeg`, "x");
    assert.ok(new TextEncoder().encode(long).byteLength <= 200);
    assert.ok(long.endsWith(".jpeg"));
  });

  it("names alternatives for taken keys as Immich does", () => {
    assert.equal(alternativeKey("admin/2019/2019-06-01/IMG_0001.HEIC", 1), "admin/2019/2019-06-01/IMG_0001+1.HEIC");
    assert.equal(alternativeKey("admin/2019/2019-06-01/README", 2), "admin/2019/2019-06-01/README+2");
  });
});
