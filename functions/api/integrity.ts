// The integrity check, for admins: start one, and read what the last one found.
import { z } from "@hono/zod-openapi";
import { findingKinds, integrityReport, startIntegrityCheck, type FindingKind } from "../../common/integrity";
import { createRouter, json, route } from "../router";
import { nudgeWorker } from "../services/jobs";

const Kind = z.enum(findingKinds as [FindingKind, ...FindingKind[]]);

const Finding = z
  .object({
    id: z.number().int(),
    kind: Kind,
    key: z.string(),
    assetId: z.string().nullable(),
    detail: z.string().nullable(),
    foundAt: z.number().int(),
  })
  .openapi("IntegrityFindingDto");

const Report = z
  .object({
    checking: z.boolean(),
    counts: z.object({ missing: z.number().int(), orphan: z.number().int(), checksum: z.number().int() }),
    findings: z.array(Finding),
  })
  .openapi("IntegrityReportDto");

const get = route({ permission: "job.read", admin: true }, {
  method: "get",
  path: "/",
  tags: ["Integrity (admin)"],
  description:
    "What the last integrity check found: files missing from storage, files in storage no asset refers to (orphans), and " +
    "originals whose SHA-1 no longer matches. `counts` has every finding; `findings` the first `limit` of each kind, by key.",
  request: { query: z.object({ limit: z.coerce.number().int().min(1).max(10_000).default(100) }) },
  responses: { 200: json(Report, "The findings of the last check, and whether one is running") },
});

const check = route({ permission: "job.create", admin: true }, {
  method: "post",
  path: "/check",
  tags: ["Integrity (admin)"],
  description: "Starts a check in the background, unless one is running already. Its findings replace the last ones when it finishes.",
  responses: { 202: json(z.object({ started: z.boolean() }).openapi("IntegrityCheckDto"), "Whether a check was started (false: one was running)") },
});

export const integrityRoutes = createRouter()
  .openapi(get, async (c) => c.json(await integrityReport(c.var.db, c.req.valid("query").limit)))
  .openapi(check, async (c) => {
    const started = await startIntegrityCheck(c.var.db);
    if (started) nudgeWorker(c);
    return c.json({ started }, 202);
  });
