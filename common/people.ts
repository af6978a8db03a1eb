// People and their faces: the only code that reads or writes the people and faces tables. The worker
// saves what the face models find and clusters faces into people (workers/jobs/faces.ts); the
// handlers list, rename, hide and merge people and move faces, always within one owner's library.
import { and, asc, count, desc, eq, inArray, isNotNull, isNull, sql } from "drizzle-orm";
import type { Database } from "./db";
import { enqueueJobsQuery, type NewJob } from "./queue";
import { assetFiles, assets, faces, people, type Asset, type Face, type Person } from "./schema";

export interface NewFace {
  imageWidth: number;
  imageHeight: number;
  box: { x1: number; y1: number; x2: number; y2: number };
  landmarks: Array<[number, number]>;
  score: number;
  // None for a face too small or blurred to recognise: it is kept, and no recognition is queued.
  embedding: Float32Array | null;
}

type Box = NewFace["box"];

// How much two boxes overlap (intersection over union), each in its own image's proportions.
function overlap(a: Box, aSize: { w: number; h: number }, b: Box, bSize: { w: number; h: number }): number {
  const [ax1, ay1, ax2, ay2] = [a.x1 / aSize.w, a.y1 / aSize.h, a.x2 / aSize.w, a.y2 / aSize.h];
  const [bx1, by1, bx2, by2] = [b.x1 / bSize.w, b.y1 / bSize.h, b.x2 / bSize.w, b.y2 / bSize.h];
  const iw = Math.max(0, Math.min(ax2, bx2) - Math.max(ax1, bx1));
  const ih = Math.max(0, Math.min(ay2, by2) - Math.max(ay1, by1));
  const inter = iw * ih;
  const union = (ax2 - ax1) * (ay2 - ay1) + (bx2 - bx1) * (by2 - by1) - inter;
  return union > 0 ? inter / union : 0;
}

// A face found again where a face of the asset was (half or more of their boxes shared) stays with
// that face's person, so that running detection again keeps the people their owner named.
const sameFaceOverlap = 0.5;

// Replaces an asset's faces with those just found, notes that the models have seen it, and queues
// the recognition of each new face that is not one found before, at once: a face is never left
// without its job. Unnamed people left without a face go. Returns the new faces' ids.
export async function replaceAssetFaces(
  db: Database,
  assetId: string,
  found: NewFace[],
  jobs: (faceId: string) => NewJob[],
): Promise<string[]> {
  const now = Date.now();
  const before = await db
    .select({
      personId: faces.personId,
      x1: faces.boundingBoxX1,
      y1: faces.boundingBoxY1,
      x2: faces.boundingBoxX2,
      y2: faces.boundingBoxY2,
      w: faces.imageWidth,
      h: faces.imageHeight,
    })
    .from(faces)
    .where(and(eq(faces.assetId, assetId), eq(faces.sourceType, "machine-learning")));
  const known = before.filter((face) => face.personId !== null);
  const personOf = (face: NewFace): string | null => {
    let best: { personId: string | null; overlap: number } = { personId: null, overlap: sameFaceOverlap };
    for (const old of known) {
      const shared = overlap(face.box, { w: face.imageWidth, h: face.imageHeight }, old, { w: old.w, h: old.h });
      if (shared >= best.overlap) best = { personId: old.personId, overlap: shared };
    }
    return best.personId;
  };
  const rows = found.map((face) => ({
    id: crypto.randomUUID(),
    assetId,
    personId: personOf(face),
    imageWidth: face.imageWidth,
    imageHeight: face.imageHeight,
    boundingBoxX1: Math.round(face.box.x1),
    boundingBoxY1: Math.round(face.box.y1),
    boundingBoxX2: Math.round(face.box.x2),
    boundingBoxY2: Math.round(face.box.y2),
    landmarks: face.landmarks.map(([x, y]) => [Math.round(x * 10) / 10, Math.round(y * 10) / 10] as [number, number]),
    score: face.score,
    embedding: face.embedding,
    createdAt: now,
  }));
  const newJobs = rows.filter((row) => row.personId === null && row.embedding).flatMap((row) => jobs(row.id));
  const formerPeople = [...new Set(known.map((face) => face.personId!))];
  await db.batch([
    db.delete(faces).where(and(eq(faces.assetId, assetId), eq(faces.sourceType, "machine-learning"))),
    ...(rows.length ? [db.insert(faces).values(rows)] : []),
    db.update(assets).set({ facesDetectedAt: now }).where(eq(assets.id, assetId)),
    ...(formerPeople.length
      ? [
          db
            .delete(people)
            .where(
              and(
                inArray(people.id, formerPeople),
                eq(people.name, ""),
                sql`NOT EXISTS (SELECT 1 FROM ${faces} WHERE ${faces.personId} = ${people.id})`,
              ),
            ),
        ]
      : []),
    ...(newJobs.length ? [enqueueJobsQuery(db, newJobs, now)] : []),
  ]);
  return rows.map((row) => row.id);
}

export interface FaceForRecognition {
  face: Face;
  ownerId: string;
  visibility: Asset["visibility"];
  deletedAt: number | null;
}

export async function getFaceForRecognition(db: Database, faceId: string): Promise<FaceForRecognition | undefined> {
  const [row] = await db
    .select({ face: faces, ownerId: assets.ownerId, visibility: assets.visibility, deletedAt: assets.deletedAt })
    .from(faces)
    .innerJoin(assets, eq(assets.id, faces.assetId))
    .where(eq(faces.id, faceId))
    .limit(1);
  return row;
}

export interface FaceMatch {
  id: string;
  personId: string | null;
  distance: number;
}

// The owner's faces within maxDistance (cosine) of an embedding, nearest first, the face itself
// among them. The vector index knows no owners: it is asked for the k nearest of everyone's, and k
// doubles while all k were near enough that more of the owner's could lie beyond them.
export async function searchFaces(
  db: Database,
  ownerId: string,
  embedding: Float32Array,
  maxDistance: number,
  options: { limit?: number } = {},
): Promise<FaceMatch[]> {
  const vector = new Uint8Array(embedding.buffer, embedding.byteOffset, embedding.byteLength);
  const limit = options.limit ?? 1000;
  for (let k = 64; ; k *= 2) {
    const rows = await db.all<{ id: string; person_id: string | null; owner_id: string; distance: number }>(sql`
      SELECT f.id, f.person_id, a.owner_id, vector_distance_cos(f.embedding, ${vector}) AS distance
      FROM vector_top_k('faces_embedding_idx', ${vector}, ${k}) AS v
      JOIN faces f ON f.rowid = v.id
      JOIN assets a ON a.id = f.asset_id
      WHERE a.deleted_at IS NULL
      ORDER BY distance`);
    const near = rows.filter((row) => row.distance <= maxDistance);
    const mine = near.filter((row) => row.owner_id === ownerId);
    if (near.length < k || mine.length >= limit || k >= 8192) {
      return mine.slice(0, limit).map((row) => ({ id: row.id, personId: row.person_id, distance: row.distance }));
    }
  }
}

// A new person of the owner, shown by this face, which is theirs.
export async function createPersonForFace(db: Database, ownerId: string, faceId: string): Promise<string> {
  const id = crypto.randomUUID();
  const now = Date.now();
  await db.batch([
    db.insert(people).values({ id, ownerId, faceAssetId: faceId, createdAt: now, updatedAt: now }),
    db.update(faces).set({ personId: id }).where(eq(faces.id, faceId)),
  ]);
  return id;
}

// Puts faces with a person (null: with nobody). A person left without a face shown gets this one.
export async function assignFaces(db: Database, faceIds: string[], personId: string | null): Promise<void> {
  if (faceIds.length === 0) return;
  await db.batch([
    db.update(faces).set({ personId }).where(inArray(faces.id, faceIds)),
    ...(personId
      ? [
          db
            .update(people)
            .set({ faceAssetId: sql`coalesce(${people.faceAssetId}, ${faceIds[0]!})`, updatedAt: Date.now() })
            .where(eq(people.id, personId)),
        ]
      : []),
  ]);
}

export interface PersonWithCount extends Person {
  faceCount: number;
  assetCount: number;
}

// People with at least one face in a photo outside the trash.
const faceOfPerson = and(eq(faces.personId, people.id), isNull(assets.deletedAt));

// The owner's people that have faces: named ones first (by name), then by how many photos they
// are in. Hidden ones only when asked.
export async function listPeople(
  db: Database,
  ownerId: string,
  options: { withHidden?: boolean } = {},
): Promise<{ people: PersonWithCount[]; total: number; hidden: number }> {
  const rows = await db
    .select({ person: people, faceCount: count(faces.id), assetCount: sql<number>`count(DISTINCT ${faces.assetId})` })
    .from(people)
    .innerJoin(faces, eq(faces.personId, people.id))
    .innerJoin(assets, eq(assets.id, faces.assetId))
    .where(and(eq(people.ownerId, ownerId), faceOfPerson))
    .groupBy(people.id)
    .orderBy(
      sql`${people.name} = ''`,
      asc(people.name),
      desc(sql`count(DISTINCT ${faces.assetId})`),
      asc(people.createdAt),
    );
  const all = rows.map((row) => ({ ...row.person, faceCount: row.faceCount, assetCount: Number(row.assetCount) }));
  const hidden = all.filter((p) => p.isHidden).length;
  return { people: options.withHidden ? all : all.filter((p) => !p.isHidden), total: all.length, hidden };
}

// The person, if the owner has one by this id.
export async function getPerson(db: Database, ownerId: string, id: string): Promise<Person | undefined> {
  const [person] = await db
    .select()
    .from(people)
    .where(and(eq(people.id, id), eq(people.ownerId, ownerId)))
    .limit(1);
  return person;
}

// Of these ids, the owner's people.
export async function ownedPeople(db: Database, ownerId: string, ids: string[]): Promise<Person[]> {
  if (ids.length === 0) return [];
  return db
    .select()
    .from(people)
    .where(and(inArray(people.id, [...new Set(ids)]), eq(people.ownerId, ownerId)));
}

export type PersonChanges = Partial<Pick<Person, "name" | "isHidden" | "faceAssetId">>;

export async function updatePerson(db: Database, id: string, changes: PersonChanges): Promise<void> {
  await db
    .update(people)
    .set({ ...changes, updatedAt: Date.now() })
    .where(eq(people.id, id));
}

// Moves every face of the others to the person kept, and removes the others. The kept person takes
// the first name among the others when they have none.
export async function mergePeople(db: Database, keep: Person, others: Person[]): Promise<void> {
  const ids = others.map((p) => p.id).filter((id) => id !== keep.id);
  if (ids.length === 0) return;
  const name = keep.name || others.find((p) => p.name)?.name || "";
  await db.batch([
    db.update(faces).set({ personId: keep.id }).where(inArray(faces.personId, ids)),
    db.update(people).set({ name, updatedAt: Date.now() }).where(eq(people.id, keep.id)),
    db.delete(people).where(inArray(people.id, ids)),
  ]);
}

export interface FaceWithPerson {
  face: Omit<Face, "embedding">;
  person: Person | null;
}

const faceColumns = {
  id: faces.id,
  assetId: faces.assetId,
  personId: faces.personId,
  imageWidth: faces.imageWidth,
  imageHeight: faces.imageHeight,
  boundingBoxX1: faces.boundingBoxX1,
  boundingBoxY1: faces.boundingBoxY1,
  boundingBoxX2: faces.boundingBoxX2,
  boundingBoxY2: faces.boundingBoxY2,
  landmarks: faces.landmarks,
  score: faces.score,
  sourceType: faces.sourceType,
  createdAt: faces.createdAt,
};

// The faces of an asset, left to right, with their people.
export async function facesOfAsset(db: Database, assetId: string): Promise<FaceWithPerson[]> {
  const rows = await db
    .select({ face: faceColumns, person: people })
    .from(faces)
    .leftJoin(people, eq(people.id, faces.personId))
    .where(eq(faces.assetId, assetId))
    .orderBy(asc(faces.boundingBoxX1));
  return rows;
}

export async function getFace(
  db: Database,
  id: string,
): Promise<(Omit<Face, "embedding"> & { ownerId: string }) | undefined> {
  const [row] = await db
    .select({ ...faceColumns, ownerId: assets.ownerId })
    .from(faces)
    .innerJoin(assets, eq(assets.id, faces.assetId))
    .where(eq(faces.id, id))
    .limit(1);
  return row;
}

// The photos a person is in, newest first, outside the trash and the locked folder.
export async function personAssets(db: Database, personId: string, limit = 5000): Promise<Asset[]> {
  return db
    .selectDistinct({ asset: assets })
    .from(faces)
    .innerJoin(assets, eq(assets.id, faces.assetId))
    .where(
      and(eq(faces.personId, personId), isNull(assets.deletedAt), sql`${assets.visibility} IN ('timeline', 'archive')`),
    )
    .orderBy(desc(assets.localDateTime))
    .limit(limit)
    .then((rows) => rows.map((row) => row.asset));
}

// The face a person is shown by (theirs, else any of theirs), with the preview it was found on.
export async function personThumbnailFace(
  db: Database,
  person: Person,
): Promise<{ face: Omit<Face, "embedding">; previewKey: string } | undefined> {
  const pick = async (where: ReturnType<typeof eq>) => {
    const [row] = await db
      .select({ face: faceColumns, previewKey: assetFiles.key })
      .from(faces)
      .innerJoin(assetFiles, and(eq(assetFiles.assetId, faces.assetId), eq(assetFiles.type, "preview")))
      .where(where)
      .orderBy(desc(faces.score))
      .limit(1);
    return row;
  };
  const shown = person.faceAssetId
    ? await pick(and(eq(faces.id, person.faceAssetId), eq(faces.personId, person.id))!)
    : undefined;
  return shown ?? pick(eq(faces.personId, person.id));
}

export interface MergeSuggestion {
  person: Person;
  // The closest two faces of theirs are, in cosine distance.
  distance: number;
}

// The owner's other people (not hidden) who may be this person: one of their faces lies within
// maxDistance of one of this person's (the surest 20), nearest first. Grouping keeps people apart
// when in doubt; these are the doubts, for the owner to settle by merging.
export async function mergeSuggestions(
  db: Database,
  person: Person,
  maxDistance: number,
  limit = 5,
): Promise<MergeSuggestion[]> {
  const own = await db
    .select({ id: faces.id })
    .from(faces)
    .where(and(eq(faces.personId, person.id), isNotNull(faces.embedding)))
    .orderBy(desc(faces.score))
    .limit(20);
  const closest = new Map<string, number>();
  // The embedding is read by the database itself: it never travels to the caller and back.
  for (const { id } of own) {
    const vector = sql`(SELECT embedding FROM faces WHERE id = ${id})`;
    const rows = await db.all<{ person_id: string | null; distance: number }>(sql`
      SELECT f.person_id, vector_distance_cos(f.embedding, ${vector}) AS distance
      FROM vector_top_k('faces_embedding_idx', ${vector}, 100) AS v
      JOIN faces f ON f.rowid = v.id
      JOIN assets a ON a.id = f.asset_id
      WHERE a.deleted_at IS NULL AND a.owner_id = ${person.ownerId} AND f.person_id IS NOT NULL AND f.person_id != ${person.id}`);
    for (const row of rows)
      if (row.distance <= maxDistance)
        closest.set(row.person_id!, Math.min(closest.get(row.person_id!) ?? Infinity, row.distance));
  }
  const others = await ownedPeople(db, person.ownerId, [...closest.keys()]);
  return others
    .filter((other) => !other.isHidden)
    .map((other) => ({ person: other, distance: closest.get(other.id)! }))
    .sort((a, b) => a.distance - b.distance)
    .slice(0, limit);
}
