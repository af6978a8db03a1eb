// People's rules, for the API and the pages alike: people and faces are their owner's alone (anyone
// else's answers 404), and naming, hiding, merging and moving faces happen within one library.
import type { Auth } from "../../common/access";
import { defaults } from "../../common/config";
import { AppError, badRequest, notFound } from "../../common/errors";
import {
  assignFaces,
  facesOfAsset,
  getFace,
  getPerson,
  listPeople,
  mergePeople as mergePeopleRows,
  mergeSuggestions,
  ownedPeople,
  personAssets,
  personThumbnailFace,
  updatePerson as updatePersonRow,
  type FaceWithPerson,
  type MergeSuggestion,
  type PersonChanges,
  type PersonWithCount,
} from "../../common/people";
import type { Asset, Person } from "../../common/schema";
import type { ServiceContext as Ctx } from "./context";
import { workerFetch } from "./worker";

export const personNameMaxLength = 200;

// People belong to a user; a shared link's visitor has none.
const ownerOf = (auth: Auth): string | undefined => (auth.sharedLink ? undefined : auth.user.id);

const personNotFound = () => notFound("Person not found");

async function findOwnPerson(c: Ctx, auth: Auth, id: string): Promise<Person | undefined> {
  const ownerId = ownerOf(auth);
  return ownerId ? getPerson(c.var.db, ownerId, id.toLowerCase()) : undefined;
}

// The asker's person, or a 404.
export async function ownPerson(c: Ctx, auth: Auth, id: string): Promise<Person> {
  const person = await findOwnPerson(c, auth, id);
  if (!person) throw personNotFound();
  return person;
}

// The asker's people with faces outside the trash; hidden ones only when asked.
export async function myPeople(c: Ctx, auth: Auth, options: { withHidden: boolean }) {
  const ownerId = ownerOf(auth);
  if (!ownerId) return { people: [] as PersonWithCount[], total: 0, hidden: 0 };
  return listPeople(c.var.db, ownerId, options);
}

// The asker's other people who may be this one, nearest first.
export async function mergeSuggestionsFor(c: Ctx, auth: Auth, id: string): Promise<MergeSuggestion[]> {
  return mergeSuggestions(c.var.db, await ownPerson(c, auth, id), defaults.mergeSuggestionDistance);
}

export interface PersonOverview {
  person: Person;
  // The photos they are in, newest first.
  assets: Asset[];
  // Everyone else of the asker's, whom this person may be merged into.
  others: PersonWithCount[];
  maybeSame: MergeSuggestion[];
}

export async function personOverview(c: Ctx, auth: Auth, id: string): Promise<PersonOverview> {
  const person = await ownPerson(c, auth, id);
  const [assets, { people }, maybeSame] = await Promise.all([
    personAssets(c.var.db, person.id),
    listPeople(c.var.db, person.ownerId, { withHidden: true }),
    mergeSuggestions(c.var.db, person, defaults.mergeSuggestionDistance),
  ]);
  return { person, assets, others: people.filter((p) => p.id !== person.id), maybeSame };
}

export interface PersonEdits {
  name?: string;
  isHidden?: boolean;
  // The face to show them by: a face of theirs.
  featureFaceId?: string;
}

// Names (trimmed; empty for none), hides or shows a person, or picks the face they are shown by.
export async function updatePerson(c: Ctx, auth: Auth, id: string, edits: PersonEdits): Promise<Person> {
  const person = await ownPerson(c, auth, id);
  const changes: PersonChanges = {};
  if (edits.name !== undefined) {
    const name = edits.name.trim();
    if (name.length > personNameMaxLength)
      throw badRequest(`name: a name can be at most ${personNameMaxLength} characters long`);
    changes.name = name;
  }
  if (edits.isHidden !== undefined) changes.isHidden = edits.isHidden;
  if (edits.featureFaceId !== undefined) {
    const face = await getFace(c.var.db, edits.featureFaceId);
    if (!face || face.personId !== person.id) throw badRequest("featureFaceAssetId: a face of this person");
    changes.faceAssetId = face.id;
  }
  if (Object.keys(changes).length === 0) return person;
  await updatePersonRow(c.var.db, person.id, changes);
  return (await getPerson(c.var.db, person.ownerId, person.id))!;
}

export interface MergeResult {
  id: string;
  success: boolean;
  error?: "duplicate" | "not_found";
}

// Moves the faces of the asker's people in `ids` to the person kept, and removes them. Someone
// else's person is not found; the person kept cannot be merged into themselves.
export async function mergePeople(c: Ctx, auth: Auth, keepId: string, ids: string[]): Promise<MergeResult[]> {
  const keep = await ownPerson(c, auth, keepId);
  const others = (
    await ownedPeople(
      c.var.db,
      keep.ownerId,
      ids.map((id) => id.toLowerCase()),
    )
  ).filter((p) => p.id !== keep.id);
  await mergePeopleRows(c.var.db, keep, others);
  const merged = new Set(others.map((p) => p.id));
  return ids.map((id) =>
    merged.has(id.toLowerCase())
      ? { id, success: true }
      : { id, success: false, error: id.toLowerCase() === keep.id ? "duplicate" : "not_found" },
  );
}

// Merges one person into another of the asker's (the one kept), and returns that one.
export async function mergePersonInto(c: Ctx, auth: Auth, id: string, intoId: string): Promise<Person> {
  const person = await ownPerson(c, auth, id);
  const into = await findOwnPerson(c, auth, intoId);
  if (!into || into.id === person.id) throw notFound("There is nobody to merge into.");
  await mergePeopleRows(c.var.db, into, [person]);
  return into;
}

// Whom an asset shows: told its owner only, as people are their owner's own (a partner, an album's
// member or a link's visitor sees the photo, not whom it shows).
export async function facesShownTo(
  c: Ctx,
  auth: Auth,
  asset: Pick<Asset, "id" | "ownerId">,
): Promise<FaceWithPerson[]> {
  return ownerOf(auth) === asset.ownerId ? facesOfAsset(c.var.db, asset.id) : [];
}

// Moves one of the asker's faces to another of their people, and returns that person.
export async function moveFace(c: Ctx, auth: Auth, faceId: string, personId: string): Promise<Person> {
  const face = await getFace(c.var.db, faceId);
  if (!face || face.ownerId !== ownerOf(auth)) throw notFound("Face not found");
  const person = await ownPerson(c, auth, personId);
  await assignFaces(c.var.db, [face.id], person.id);
  return (await getPerson(c.var.db, person.ownerId, person.id))!;
}

// The person's face cut from its preview by the worker (workerd has no image library), as a JPEG.
export async function personThumbnail(c: Ctx, auth: Auth, id: string): Promise<ReadableStream | null> {
  const found = await personThumbnailFace(c.var.db, await ownPerson(c, auth, id));
  if (!found) throw notFound("This person has no face to show");
  const preview = await c.var.storage.get(found.previewKey);
  if (!preview) throw notFound("The preview is missing from storage");
  const { face } = found;
  const query = new URLSearchParams({
    x1: String(face.boundingBoxX1),
    y1: String(face.boundingBoxY1),
    x2: String(face.boundingBoxX2),
    y2: String(face.boundingBoxY2),
  });
  const response = await workerFetch(c.env, `/internal/faces/crop?${query}`, {
    method: "POST",
    headers: { "content-type": "image/jpeg" },
    body: await new Response(preview.body).arrayBuffer(),
  });
  if (!response.ok) {
    await response.body?.cancel();
    throw new AppError(503, "The face could not be cut out of its photo");
  }
  return response.body;
}
