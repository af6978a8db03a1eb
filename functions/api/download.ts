// Downloading many originals at once: a zip streamed as it is made (stored, not compressed: photos
// and videos do not shrink), so memory stays flat whatever the selection's size.
import { z } from "@hono/zod-openapi";
import { downloadZip } from "client-zip";
import { readableAssetIds } from "../../common/access";
import { getAssetsWithExif } from "../../common/assets";
import { AppError, notFound } from "../../common/errors";
import { distinctFileNames } from "../../common/file-names";
import type { Asset } from "../../common/schema";
import type { Storage } from "../../common/storage";
import { createRouter, route } from "../router";
import { originalOf } from "../services/libraries";

const archive = route(
  { permission: "asset.download", sharedLink: true },
  {
    method: "post",
    path: "/archive",
    tags: ["Download"],
    request: {
      body: { content: { "application/json": { schema: z.object({ assetIds: z.array(z.uuid()).min(1).max(10_000) }).openapi("AssetIdsDto") } } },
    },
    responses: { 200: { description: "A zip of the originals", content: { "application/zip": { schema: z.string().openapi({ format: "binary" }) } } } },
  },
);

async function* zipEntries(originals: (asset: Asset) => { storage: Storage; key: string }, assets: Asset[]) {
  // Entry names are made safe again here: a zip entry must never name a path outside its folder.
  const names = distinctFileNames(assets.map((asset) => asset.originalFileName));
  for (const [i, asset] of assets.entries()) {
    const { storage, key } = originals(asset);
    const stored = await storage.get(key);
    if (!stored) continue;
    yield { name: names[i]!, input: stored.body, size: stored.size, lastModified: new Date(asset.fileModifiedAt) };
  }
}

export const downloadRoutes = createRouter().openapi(archive, async (c) => {
  const { auth } = c.var;
  if (auth.sharedLink && !auth.sharedLink.allowDownload) throw new AppError(403, "This link does not allow downloads");
  const { assetIds } = c.req.valid("json");
  const readable = await readableAssetIds(c.var.db, auth, assetIds);
  if (readable.size !== new Set(assetIds).size) throw notFound("Asset not found");
  const assets = (await getAssetsWithExif(c.var.db, [...readable])).map((row) => row.asset);
  const zip = downloadZip(zipEntries((asset) => originalOf(c, asset), assets));
  return new Response(zip.body, {
    headers: { "content-type": "application/zip", "content-disposition": `attachment; filename="shoebox-${new Date().toISOString().slice(0, 10)}.zip"` },
  });
});
