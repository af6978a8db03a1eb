// Downloading many originals at once, as a zip streamed as it is made (../services/downloads.ts).
import { z } from "@hono/zod-openapi";
import { createRouter, route } from "../router";
import { originalsZip } from "../services/downloads";

const archive = route(
  { permission: "asset.download", sharedLink: true },
  {
    method: "post",
    path: "/archive",
    tags: ["Download"],
    request: {
      body: {
        content: {
          "application/json": {
            schema: z.object({ assetIds: z.array(z.uuid()).min(1).max(10_000) }).openapi("AssetIdsDto"),
          },
        },
      },
    },
    responses: {
      200: {
        description: "A zip of the originals",
        content: { "application/zip": { schema: z.string().openapi({ format: "binary" }) } },
      },
    },
  },
);

export const downloadRoutes = createRouter().openapi(archive, async (c) => {
  const zip = await originalsZip(c, c.var.auth, c.req.valid("json").assetIds);
  return new Response(zip.body, {
    headers: { "content-type": "application/zip", "content-disposition": `attachment; filename="${zip.fileName}"` },
  });
});
