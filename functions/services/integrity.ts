// The integrity check, for the admin: starting one in the background, and what the last one found.
import type { Auth } from "../../common/access";
import { integrityReport, startIntegrityCheck, type IntegrityReport } from "../../common/integrity";
import { requireAdmin } from "./admin";
import type { ServiceContext as Ctx } from "./context";
import { queued } from "./jobs";

// What the last check found, the first `perKind` findings of each kind, and whether one is running.
export async function lastIntegrityReport(c: Ctx, admin: Auth, perKind: number): Promise<IntegrityReport> {
  requireAdmin(admin);
  return integrityReport(c.var.db, perKind);
}

// Starts a check unless one is running; says whether it started one.
export async function checkIntegrity(c: Ctx, admin: Auth): Promise<boolean> {
  requireAdmin(admin);
  return queued(c, () => startIntegrityCheck(c.var.db));
}
