// The CLIP path's edges (workers/ml/clip.ts): OpenAI's tokens for a text, and a clear message when
// CLIP_MODEL_DIR does not hold a model.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { ConfigError } from "../../common/config";
import { checkClipModelDir, tokenize } from "../../workers/ml/clip";

describe("CLIP tokens", () => {
  it("frames a text's byte-pair tokens with start and end, padded to 77", () => {
    const ids = tokenize("A photo of a DOG");
    assert.equal(ids.length, 77);
    // OpenAI's vocabulary: <|startoftext|> 49406, "a" 320, "photo" 1125, "of" 539, "dog" 1929, <|endoftext|> 49407.
    assert.deepEqual(ids.slice(0, 7), [49406, 320, 1125, 539, 320, 1929, 49407]);
    assert.ok(ids.slice(7).every((id) => id === 0));
  });

  it("cuts a long text to fit, keeping the end token", () => {
    const ids = tokenize("dog ".repeat(200));
    assert.equal(ids.length, 77);
    assert.equal(ids[76], 49407);
  });
});

describe("CLIP_MODEL_DIR", () => {
  it("names the missing files of a folder without a model", () => {
    const dir = mkdtempSync(join(tmpdir(), "shoebox-clip-check-"));
    try {
      assert.throws(
        () => checkClipModelDir(dir),
        (error: Error) =>
          error instanceof ConfigError &&
          /textual\/model\.onnx and .*visual\/model\.onnx are missing/.test(error.message),
      );
      mkdirSync(join(dir, "textual"));
      mkdirSync(join(dir, "visual"));
      writeFileSync(join(dir, "textual", "model.onnx"), "");
      assert.throws(() => checkClipModelDir(dir), /visual\/model\.onnx is missing/);
      writeFileSync(join(dir, "visual", "model.onnx"), "");
      checkClipModelDir(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
