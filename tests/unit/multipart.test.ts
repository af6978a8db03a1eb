import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { boundaryOf, parseMultipart } from "../../functions/lib/multipart";
import { AppError } from "../../common/errors";

const encoder = new TextEncoder();

// A body delivered in chunks of `size` bytes, so that delimiters fall across chunk edges.
function chunked(bytes: Uint8Array, size: number): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= bytes.length) return controller.close();
      controller.enqueue(bytes.slice(offset, offset + size));
      offset += size;
    },
  });
}

function body(boundary: string, file: Uint8Array): Uint8Array {
  const head = encoder.encode(
    `--${boundary}\r\nContent-Disposition: form-data; name="fileCreatedAt"\r\n\r\n2024-01-01T00:00:00Z\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="assetData"; filename="caf\u00e9 \\"1\\".jpg"\r\nContent-Type: image/jpeg\r\n\r\n`,
  );
  const tail = encoder.encode(`\r\n--${boundary}--\r\n`);
  const out = new Uint8Array(head.length + file.length + tail.length);
  out.set(head);
  out.set(file, head.length);
  out.set(tail, head.length + file.length);
  return out;
}

async function collect(stream: ReadableStream<Uint8Array>) {
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

describe("streaming multipart parser", () => {
  it("finds the boundary in the content type", () => {
    assert.equal(boundaryOf("multipart/form-data; boundary=abc"), "abc");
    assert.equal(boundaryOf('multipart/form-data; charset=utf-8; boundary="a b"'), "a b");
    assert.throws(() => boundaryOf("application/json"), AppError);
    assert.throws(() => boundaryOf(undefined), AppError);
  });

  it("yields fields and file bytes exactly, whatever the chunk size", async () => {
    const boundary = "----WebKitFormBoundary7MA4YWxkTrZu0gW";
    // File bytes that contain near-misses of the delimiter.
    const file = encoder.encode(
      `\r\n--${boundary.slice(0, -1)}x\r\n--\r\n-${"z".repeat(500)}\r\n--${boundary.slice(0, 10)}`,
    );
    for (const size of [1, 2, 3, 7, 16, 37, 64, 1000, 100_000]) {
      const parts: Array<{ name: string; filename?: string; contentType?: string; bytes: Uint8Array }> = [];
      for await (const part of parseMultipart(chunked(body(boundary, file), size), boundary)) {
        parts.push({
          name: part.name,
          filename: part.filename,
          contentType: part.contentType,
          bytes: await collect(part.body),
        });
      }
      assert.equal(parts.length, 2, `chunk size ${size}`);
      assert.equal(new TextDecoder().decode(parts[0]!.bytes), "2024-01-01T00:00:00Z");
      assert.equal(parts[1]!.filename, 'caf\u00e9 "1".jpg');
      assert.equal(parts[1]!.contentType, "image/jpeg");
      assert.deepEqual(parts[1]!.bytes, file, `chunk size ${size}`);
    }
  });

  it("reads byte streams in large pieces with the same result", async () => {
    const boundary = "byob";
    const file = new Uint8Array(700_000).map((_, i) => (i * 7) % 256);
    const parts: Uint8Array[] = [];
    for await (const part of parseMultipart(new Blob([body(boundary, file)]).stream(), boundary))
      parts.push(await collect(part.body));
    assert.deepEqual(parts[1], file);
  });

  it("rejects a body that ends before its closing delimiter", async () => {
    const whole = body("b", encoder.encode("data"));
    const truncated = whole.slice(0, whole.length - 12);
    await assert.rejects(async () => {
      for await (const part of parseMultipart(chunked(truncated, 5), "b")) await collect(part.body);
    }, /ended before the file was complete|ended early/);
  });
});
