// What the integrity check (workers/jobs/integrity.ts) found wrong between the database and storage.
// A run takes several jobs; it stages its findings as it goes, with found_at set to minus the run's
// start, where no reader sees them, and its last step swaps them for the published ones in one
// transaction: readers always see one whole run.
import { and, asc, count, eq, gte, isNull, lt, ne } from "drizzle-orm";
import type { Database } from "./db";
import { enqueueJobsQuery, enqueueJobUnlessPending, pendingJobPayloads, type NewJob } from "./queue";
import { directUploads, integrityFindings, uploadsInProgress } from "./schema";

export type IntegrityFinding = typeof integrityFindings.$inferSelect;
export type FindingKind = IntegrityFinding["kind"];
export type NewFinding = Pick<IntegrityFinding, "kind" | "key" | "assetId" | "detail">;

export const findingKinds: FindingKind[] = ["missing", "orphan", "checksum"];

// Queues a check unless one is under way; whether one was queued.
export async function startIntegrityCheck(db: Database): Promise<boolean> {
  return enqueueJobUnlessPending(db, { name: "checkIntegrity", payload: { runId: Date.now(), phase: "orphans" } });
}

export async function integrityCheckRunning(db: Database): Promise<boolean> {
  return (await pendingJobPayloads(db, "checkIntegrity")).length > 0;
}

// What a run that failed for good or was abandoned left staged.
export async function discardStagedFindings(db: Database, runId: number): Promise<void> {
  await db
    .delete(integrityFindings)
    .where(and(lt(integrityFindings.foundAt, 0), ne(integrityFindings.foundAt, -runId)));
}

// Stages a step's findings and, in the same transaction, queues the next step, or (after the last
// step) publishes the run in place of the previous one.
export async function saveIntegrityStep(
  db: Database,
  runId: number,
  findings: NewFinding[],
  next: NewJob<"checkIntegrity"> | null,
): Promise<void> {
  const chunks = Array.from({ length: Math.ceil(findings.length / 500) }, (_, i) =>
    findings.slice(i * 500, i * 500 + 500),
  );
  const queries = [
    ...chunks.map((chunk) =>
      db.insert(integrityFindings).values(chunk.map((finding) => ({ ...finding, foundAt: -runId }))),
    ),
    ...(next
      ? [enqueueJobsQuery(db, [next])]
      : [
          db.delete(integrityFindings).where(gte(integrityFindings.foundAt, 0)),
          db.update(integrityFindings).set({ foundAt: runId }).where(eq(integrityFindings.foundAt, -runId)),
        ]),
  ];
  await db.batch(queries as [(typeof queries)[number], ...(typeof queries)[number][]]);
}

// Keys of files being written that no asset refers to yet: uploads streaming in, and direct uploads
// handed out but not completed.
export async function keysOfUploadsUnderWay(db: Database): Promise<string[]> {
  const [streaming, direct] = await Promise.all([
    db.select({ key: uploadsInProgress.key }).from(uploadsInProgress),
    db.select({ key: directUploads.key }).from(directUploads).where(isNull(directUploads.completedAt)),
  ]);
  return [...streaming, ...direct].map((row) => row.key);
}

// Keys of files whose deletion is queued: no asset refers to them any more, and they are going.
export async function keysBeingDeleted(db: Database): Promise<string[]> {
  return (await pendingJobPayloads(db, "deleteFiles")).flatMap((payload) => payload.keys);
}

export interface IntegrityReport {
  checking: boolean;
  counts: Record<FindingKind, number>;
  // The first `perKind` findings of each kind, by key.
  findings: IntegrityFinding[];
}

export async function integrityReport(db: Database, perKind: number): Promise<IntegrityReport> {
  const published = gte(integrityFindings.foundAt, 0);
  const [checking, counts, lists] = await Promise.all([
    integrityCheckRunning(db),
    db
      .select({ kind: integrityFindings.kind, count: count() })
      .from(integrityFindings)
      .where(published)
      .groupBy(integrityFindings.kind),
    Promise.all(
      findingKinds.map((kind) =>
        db
          .select()
          .from(integrityFindings)
          .where(and(published, eq(integrityFindings.kind, kind)))
          .orderBy(asc(integrityFindings.key))
          .limit(perKind),
      ),
    ),
  ]);
  const countOf = (kind: FindingKind) => counts.find((row) => row.kind === kind)?.count ?? 0;
  return {
    checking,
    counts: { missing: countOf("missing"), orphan: countOf("orphan"), checksum: countOf("checksum") },
    findings: lists.flat(),
  };
}
