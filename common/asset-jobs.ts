// Running a queue over the whole library, as an admin asks ("missing" or "all", Immich's start
// command with force): which assets each queue's job is for, a page at a time. The work itself is
// queueAssetJobs (workers/jobs/asset-jobs.ts), which queues a page of jobs and then the next page, so
// that a library of any size is covered by short jobs.
import { and, asc, eq, gt, inArray, isNull, notExists, notInArray, or, sql } from "drizzle-orm";
import type { AssetFileType } from "./assets";
import type { Database } from "./db";
import type { QueueName } from "./jobs";
import { browserImageTypes } from "./media-types";
import { enqueueJobsQuery, type NewJob } from "./queue";
import { assetFiles, assets, exif, faces, people, smartSearch } from "./schema";

// The queues that run per asset (or per face), and what each runs.
export const assetQueues = [
  "metadataExtraction",
  "thumbnailGeneration",
  "videoConversion",
  "faceDetection",
  "facialRecognition",
  "smartSearch",
] as const satisfies readonly QueueName[];
export type AssetQueue = (typeof assetQueues)[number];

export const isAssetQueue = (name: string): name is AssetQueue => (assetQueues as readonly string[]).includes(name);

const pageSize = 500;

export interface AssetJobsOptions {
  force: boolean;
  // Whether CLIP embeddings are made (smartSearch also runs encodeClip).
  clip: boolean;
}

export interface AssetJobsPage {
  jobs: NewJob[];
  // Where the next page starts, when there may be one.
  next?: string;
}

const live = isNull(assets.deletedAt);
const hasFile = (type: AssetFileType) =>
  sql`EXISTS (SELECT 1 FROM ${assetFiles} WHERE ${assetFiles.assetId} = ${assets.id} AND ${assetFiles.type} = ${type})`;
const hasEmbedding = sql`EXISTS (SELECT 1 FROM ${smartSearch} WHERE ${smartSearch.assetId} = ${assets.id})`;

// What a page reads of each asset: enough to tell which of the smart search queue's two jobs it lacks.
interface PageRow {
  id: string;
  tagged: boolean;
  embedded: boolean;
}

type AssetJobName = "extractMetadata" | "generateThumbnails" | "encodeVideo" | "detectFaces";
const assetJob =
  (name: AssetJobName) =>
  (row: PageRow): NewJob[] => [{ name, payload: { assetId: row.id } }];

// Per queue: which assets it covers, which of them lack its work, and the jobs that do it.
function assetWork(queue: Exclude<AssetQueue, "facialRecognition">, { force, clip }: AssetJobsOptions) {
  switch (queue) {
    case "metadataExtraction":
      return {
        missing: notExists(sql`SELECT 1 FROM ${exif} WHERE ${exif.assetId} = ${assets.id}`),
        jobs: assetJob("extractMetadata"),
      };
    case "thumbnailGeneration":
      return {
        missing: or(
          sql`NOT ${hasFile("thumbnail")}`,
          sql`NOT ${hasFile("preview")}`,
          isNull(assets.thumbhash),
          // A photo browsers cannot show wants its full-size copy (those from before there were any).
          and(
            eq(assets.type, "IMAGE"),
            notInArray(assets.originalMimeType, browserImageTypes),
            sql`NOT ${hasFile("fullsize")}`,
          ),
        ),
        jobs: assetJob("generateThumbnails"),
      };
    case "videoConversion":
      return { only: eq(assets.type, "VIDEO"), missing: isNull(assets.encodedVideoKey), jobs: assetJob("encodeVideo") };
    case "faceDetection":
      return { missing: isNull(assets.facesDetectedAt), jobs: assetJob("detectFaces") };
    case "smartSearch":
      // Tags and, with a CLIP model, the embedding: a "missing" run makes only what an asset lacks.
      return {
        missing: or(isNull(assets.objectsTaggedAt), clip ? sql`NOT ${hasEmbedding}` : undefined),
        jobs: (row: PageRow): NewJob[] => [
          ...(force || !row.tagged ? [{ name: "tagObjects" as const, payload: { assetId: row.id } }] : []),
          ...(clip && (force || !row.embedded) ? [{ name: "encodeClip" as const, payload: { assetId: row.id } }] : []),
        ],
      };
  }
}

// The jobs for the next page of assets (or faces) after `after`.
export async function assetJobsPage(
  db: Database,
  queue: AssetQueue,
  options: AssetJobsOptions,
  after = "",
): Promise<AssetJobsPage> {
  if (queue === "facialRecognition") {
    // Recognition is per face: those with no person yet (after a forced start, all but those of
    // people their owner named or hid).
    const rows = await db
      .select({ id: faces.id })
      .from(faces)
      .innerJoin(assets, eq(assets.id, faces.assetId))
      .where(and(gt(faces.id, after), live, eq(faces.sourceType, "machine-learning"), isNull(faces.personId)))
      .orderBy(asc(faces.id))
      .limit(pageSize);
    return {
      jobs: rows.map((row) => ({ name: "recognizeFaces", payload: { faceId: row.id } })),
      next: rows.length === pageSize ? rows[rows.length - 1]!.id : undefined,
    };
  }
  const work = assetWork(queue, options);
  const rows = await db
    // Only the smart search queue reads whether an asset has its embedding.
    .select({
      id: assets.id,
      tagged: sql<number>`${assets.objectsTaggedAt} IS NOT NULL`,
      embedded: queue === "smartSearch" && options.clip ? sql<number>`${hasEmbedding}` : sql<number>`0`,
    })
    .from(assets)
    .where(
      and(gt(assets.id, after), live, "only" in work ? work.only : undefined, options.force ? undefined : work.missing),
    )
    .orderBy(asc(assets.id))
    .limit(pageSize);
  return {
    jobs: rows.flatMap((row) =>
      work.jobs({ id: row.id, tagged: Boolean(row.tagged), embedded: Boolean(row.embedded) }),
    ),
    next: rows.length === pageSize ? rows[rows.length - 1]!.id : undefined,
  };
}

// Before a forced recognition: faces leave the people nobody named or hid (who go), to be clustered
// again from scratch. Named and hidden people keep their faces, as their owner decided about them.
export async function releaseUnconfirmedFaces(db: Database): Promise<void> {
  const unconfirmed = db
    .select({ id: people.id })
    .from(people)
    .where(and(eq(people.name, ""), eq(people.isHidden, false)));
  await db.batch([
    db.update(faces).set({ personId: null }).where(inArray(faces.personId, unconfirmed)),
    db.delete(people).where(and(eq(people.name, ""), eq(people.isHidden, false))),
  ]);
}

// Starts a run of a queue over the library: one queueAssetJobs job, which pages through it.
export async function startAssetQueue(db: Database, queue: AssetQueue, force: boolean): Promise<void> {
  await enqueueJobsQuery(db, [{ name: "queueAssetJobs", payload: { queue, force } }]);
}
