// Where the user is signed in, and signing out other devices.
import { z } from "@hono/zod-openapi";
import { createRouter, json, route } from "../router";
import { mySessions, signOutOtherSessions, signOutSession } from "../services/sessions";
import { IdParam, iso } from "./responses";

const SessionResponse = z
  .object({
    id: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
    current: z.boolean(),
    deviceType: z.string(),
    deviceOS: z.string(),
  })
  .openapi("SessionResponseDto");

const list = route(
  { permission: "session.read" },
  {
    method: "get",
    path: "/",
    tags: ["Sessions"],
    responses: { 200: json(z.array(SessionResponse), "Every device the user is signed in on") },
  },
);

const removeOthers = route(
  { permission: "session.delete" },
  {
    method: "delete",
    path: "/",
    tags: ["Sessions"],
    responses: { 204: { description: "Signed out everywhere but here" } },
  },
);

const remove = route(
  { permission: "session.delete" },
  {
    method: "delete",
    path: "/{id}",
    tags: ["Sessions"],
    request: { params: IdParam },
    responses: { 204: { description: "That device is signed out" } },
  },
);

export const sessionRoutes = createRouter()
  .openapi(list, async (c) =>
    c.json(
      (await mySessions(c, c.var.auth)).map((s) => ({
        id: s.id,
        createdAt: iso(s.createdAt),
        updatedAt: iso(s.updatedAt),
        current: s.current,
        deviceType: s.deviceType,
        deviceOS: s.deviceOS,
      })),
      200,
    ),
  )
  .openapi(removeOthers, async (c) => {
    await signOutOtherSessions(c, c.var.auth);
    return c.body(null, 204);
  })
  .openapi(remove, async (c) => {
    await signOutSession(c, c.var.auth, c.req.valid("param").id);
    return c.body(null, 204);
  });
