// Answers a GET for a stored file, honouring a single HTTP Range (what video players and resumable
// downloads send).
import type { Storage } from "../../common/storage";
import { notFound } from "../../common/errors";
import { parseRange } from "../../common/http-range";

interface ServeOptions {
  mimeType: string;
  // Set for downloads: the name the browser saves the file under.
  downloadName?: string;
  cacheControl?: string;
}

export async function serveStoredFile(
  request: Request,
  storage: Storage,
  key: string,
  options: ServeOptions,
): Promise<Response> {
  if (storage.downloadUrl) {
    const location = await storage.downloadUrl(key, {
      contentType: options.mimeType,
      downloadName: options.downloadName,
    });
    // The URL expires in minutes, so neither the redirect nor the browser's copy of it may be kept.
    return new Response(null, { status: 302, headers: { location, "cache-control": "no-store" } });
  }
  const headers = new Headers({
    "content-type": options.mimeType,
    "accept-ranges": "bytes",
    "cache-control": options.cacheControl ?? "private, max-age=86400",
  });
  if (options.downloadName) {
    headers.set("content-disposition", `attachment; filename*=UTF-8''${encodeURIComponent(options.downloadName)}`);
  }
  const rangeHeader = request.headers.get("range");
  if (!rangeHeader) {
    const object = await storage.get(key);
    if (!object) throw notFound("The file is missing from storage");
    headers.set("content-length", String(object.size));
    return new Response(object.body, { status: 200, headers });
  }
  const size = await storage.size(key);
  if (size === null) throw notFound("The file is missing from storage");
  const range = parseRange(rangeHeader, size);
  if (range === "invalid") {
    headers.set("content-range", `bytes */${size}`);
    return new Response(null, { status: 416, headers });
  }
  const object = await storage.get(key, range);
  if (!object) throw notFound("The file is missing from storage");
  headers.set("content-length", String(object.range.length));
  if (range)
    headers.set(
      "content-range",
      `bytes ${object.range.offset}-${object.range.offset + object.range.length - 1}/${object.size}`,
    );
  return new Response(object.body, { status: range ? 206 : 200, headers });
}
