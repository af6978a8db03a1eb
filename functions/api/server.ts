import { z } from "@hono/zod-openapi";
import { mediaExtensions } from "../../common/media-types";
import { createRouter, json, publicRoute } from "../router";

const ping = publicRoute({
  method: "get",
  path: "/ping",
  tags: ["Server"],
  responses: {
    200: { description: "The server answers", content: { "application/json": { schema: z.object({ res: z.literal("pong") }) } } },
  },
});

const ServerVersion = z.object({ major: z.number().int(), minor: z.number().int(), patch: z.number().int() }).openapi("ServerVersionResponseDto");

const version = publicRoute({
  method: "get",
  path: "/version",
  tags: ["Server"],
  responses: { 200: { description: "The server's version", content: { "application/json": { schema: ServerVersion } } } },
});

const MediaTypes = z
  .object({ image: z.array(z.string()), video: z.array(z.string()), sidecar: z.array(z.string()) })
  .openapi("ServerMediaTypesResponseDto");

const mediaTypes = publicRoute({
  method: "get",
  path: "/media-types",
  tags: ["Server"],
  responses: { 200: json(MediaTypes, "File extensions Shoebox accepts") },
});

export const serverRoutes = createRouter()
  .openapi(mediaTypes, (c) => c.json(mediaExtensions))
  .openapi(ping, (c) => c.json({ res: "pong" as const }))
  .openapi(version, (c) => {
    const [major = 0, minor = 0, patch = 0] = c.env.VERSION.split(/[.-]/).map(Number);
    return c.json({ major, minor, patch });
  });
