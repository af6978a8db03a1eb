// Faces and people. detectFaces runs the face models on an asset's preview and keeps the faces with
// their embeddings; recognizeFaces then clusters each face as Immich does (an incremental DBSCAN):
//
// - its neighbours are the owner's faces within maxDistance (cosine) of it, itself included, found
//   through the vector index;
// - with at least minFaces neighbours, or one within pairDistance (two photos of a face that close
//   are enough), it is a core face: it joins the person most of its neighbours already belong to,
//   or founds a new person;
// - a face that is not core yet is looked at once more, after the faces still being detected are in
//   (Immich defers it to the end of the batch). Then it joins the person most of its neighbours
//   belong to, if any; otherwise it stays with nobody (as noise does in DBSCAN).
//
// The recognition queue runs one job at a time by default: two at once could each found a person
// for the same face's neighbours.
import type { MlConfig } from "../../common/config";
import { jobsPending } from "../../common/queue";
import {
  assignFaces,
  createPersonForFace,
  getFaceForRecognition,
  replaceAssetFaces,
  searchFaces,
  type FaceMatch,
} from "../../common/people";
import { detectFacesInImage, fivePoints } from "../ml/face-detection";
import { embedFaces } from "../ml/face-embedding";
import { readPreview, type JobContext } from "./context";

// How long the second look at a face waits, and waits again while detection is still under way.
const deferralMs = 3_000;

export async function detectFaces(context: JobContext, { assetId }: { assetId: string }): Promise<void> {
  if (!context.ml.enabled) return;
  const image = await readPreview(context, assetId, "face detection");
  if (!image) return;
  const detected = await detectFacesInImage(image);
  // Faces too small, blurred or turned away to recognise are kept, with no embedding: they stay with nobody.
  const embeddings = await embedFaces(image, detected);
  await replaceAssetFaces(
    context.db,
    assetId,
    detected.map((face, i) => ({
      imageWidth: image.width,
      imageHeight: image.height,
      box: { x1: face.box.x, y1: face.box.y, x2: face.box.x + face.box.width, y2: face.box.y + face.box.height },
      landmarks: fivePoints(face.landmarks),
      score: face.score,
      embedding: embeddings[i]!,
    })),
    (faceId) => [{ name: "recognizeFaces", payload: { faceId } }],
  );
  context.wake();
}

// Whether faces are still to be detected (or previews, to detect them on, still to be made).
const detectionUnderWay = (context: JobContext) => jobsPending(context.db, ["detectFaces", "generateThumbnails"]);

// The person most of these faces belong to (the nearest one's, on a tie).
export function majorityPerson(matches: FaceMatch[]): string | undefined {
  const votes = new Map<string, number>();
  for (const match of matches) if (match.personId) votes.set(match.personId, (votes.get(match.personId) ?? 0) + 1);
  let best: string | undefined;
  let bestVotes = 0;
  // Matches come nearest first, so the first person to reach the top count wins a tie.
  for (const match of matches) {
    const votesFor = match.personId ? votes.get(match.personId)! : 0;
    if (votesFor > bestVotes) {
      best = match.personId!;
      bestVotes = votesFor;
    }
  }
  return best;
}

export async function recognizeFaces(
  context: JobContext,
  { faceId, deferred = false }: { faceId: string; deferred?: boolean },
): Promise<void> {
  if (!context.ml.enabled) return;
  const { db } = context;
  const found = await getFaceForRecognition(db, faceId);
  if (
    !found?.face.embedding ||
    found.face.personId ||
    found.face.sourceType !== "machine-learning" ||
    found.deletedAt !== null
  )
    return;
  const embedding = found.face.embedding;
  const later = () =>
    context.enqueue([
      { name: "recognizeFaces", payload: { faceId, deferred: true }, priority: 1, runAfter: Date.now() + deferralMs },
    ]);
  // The second look waits for the faces still being found (a cheap count, before any search).
  if (deferred && (await detectionUnderWay(context))) return later();
  const matches = await searchFaces(db, found.ownerId, embedding, context.ml.faces.maxDistance);
  // As in Immich, only faces on the timeline found people (not archived or hidden ones).
  const step = recognitionStep(
    faceId,
    matches,
    isCoreFace(matches, context.ml.faces) && found.visibility === "timeline",
    deferred,
  );
  if (step === "later") await later();
  else if (step === "new person") await createPersonForFace(db, found.ownerId, faceId);
  else if (step !== "nobody") await assignFaces(db, [faceId], step.personId);
}

// Whether a face's neighbours (itself among them, at distance 0) make it a core face.
export function isCoreFace(matches: FaceMatch[], { minFaces, pairDistance }: MlConfig["faces"]): boolean {
  return matches.length >= minFaces || matches.filter((match) => match.distance <= pairDistance).length >= 2;
}

// What one look at a face decides, from its neighbours (itself among them): a core face joins the
// person most of them belong to or founds one; a face not core yet is looked at again after every
// first look (priority 1 comes after 0), and then joins its neighbours' person or stays with nobody.
export function recognitionStep(
  faceId: string,
  matches: FaceMatch[],
  isCore: boolean,
  deferred: boolean,
): "later" | "new person" | "nobody" | { personId: string } {
  if (!isCore && !deferred) return "later";
  const personId = majorityPerson(matches.filter((match) => match.id !== faceId));
  if (personId) return { personId };
  return isCore ? "new person" : "nobody";
}
