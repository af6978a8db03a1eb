// Where Immich clients find the API: the CLI's login asks here, given the server's address.
import { z } from "@hono/zod-openapi";
import { createRouter, json, publicRoute } from "../router";

const immich = publicRoute({
  method: "get",
  path: "/immich",
  tags: ["Server"],
  responses: { 200: json(z.object({ api: z.object({ endpoint: z.string() }) }), "The API's path on this server") },
});

export const wellKnownRoutes = createRouter().openapi(immich, (c) => c.json({ api: { endpoint: "/api" } }, 200));
