// Downloads' rules, for the API and the pages alike: who may take originals away (whoever may see
// them, except a link's visitors when the link allows no downloads), one at a time or as a zip
// streamed as it is made (stored, not compressed: photos and videos do not shrink), so memory stays
// flat whatever the selection's size.
import { downloadZip } from "client-zip";
import { readableAssetIds, type Auth } from "../../common/access";
import { getAssetsWithExif } from "../../common/assets";
import { AppError, notFound } from "../../common/errors";
import { distinctFileNames } from "../../common/file-names";
import type { Asset } from "../../common/schema";
import { readableAsset, type ServedFile } from "./assets";
import type { ServiceContext as Ctx } from "./context";
import { originalOf } from "./libraries";

export const mayDownload = (auth: Auth): boolean => !auth.sharedLink || auth.sharedLink.allowDownload;

function refuseUnlessAllowed(auth: Auth): void {
  if (!mayDownload(auth)) throw new AppError(403, "This link does not allow downloads");
}

// The original of an asset the asker may see and download, under its own name.
export async function originalFile(c: Ctx, auth: Auth, id: string): Promise<ServedFile & { downloadName: string }> {
  refuseUnlessAllowed(auth);
  const asset = await readableAsset(c, auth, id);
  return { ...originalOf(c, asset), mimeType: asset.originalMimeType, downloadName: asset.originalFileName };
}

async function* zipEntries(c: Ctx, assets: Asset[]) {
  // Entry names are made safe again here: a zip entry must never name a path outside its folder.
  const names = distinctFileNames(assets.map((asset) => asset.originalFileName));
  for (const [i, asset] of assets.entries()) {
    const { storage, key } = originalOf(c, asset);
    const stored = await storage.get(key);
    if (!stored) continue;
    yield { name: names[i]!, input: stored.body, size: stored.size, lastModified: new Date(asset.fileModifiedAt) };
  }
}

// A zip of originals the asker may all see and download (else a 404), and the name to save it under.
export async function originalsZip(
  c: Ctx,
  auth: Auth,
  assetIds: string[],
): Promise<{ body: ReadableStream<Uint8Array> | null; fileName: string }> {
  refuseUnlessAllowed(auth);
  const readable = await readableAssetIds(c.var.db, auth, assetIds);
  if (readable.size !== new Set(assetIds).size) throw notFound("Asset not found");
  const assets = (await getAssetsWithExif(c.var.db, [...readable])).map((row) => row.asset);
  return {
    body: downloadZip(zipEntries(c, assets)).body,
    fileName: `shoebox-${new Date().toISOString().slice(0, 10)}.zip`,
  };
}
