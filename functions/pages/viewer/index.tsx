// One photo or video, full screen, at /photos/:id: the preview (the original on zoom), previous and
// next in the order of the view it was opened from (?view=favorites, ?album=<id>, ?memory=<day>;
// the timeline when none is named), the details, and the owner's edits. Every change is a plain
// form post that redirects back, so the page works without script; public/viewer.js adds keys,
// swipes, zoom and live photos.
import { Hono, type Context } from "hono";
import { AppError } from "../../../common/errors";
import type { Person } from "../../../common/schema";
import type { AppEnv } from "../../env";
import { authOf, formText, requireViewer, type ViewerEnv } from "../../middleware/pages";
import { editAssets, type AssetEdits } from "../../services/assets";
import { openAsset } from "../../services/timeline";
import { deleteForGood, moveToTrash, restoreOwnAsset } from "../../services/trash";
import { isHtmx } from "../htmx";
import { backHref, parseContext, viewerHref } from "./links";
import { FavoriteForm, ViewerPage, type ViewerData } from "./page";

type ViewerContext = Context<ViewerEnv>;

const openedFrom = (c: ViewerContext) => parseContext((name) => c.req.query(name));

async function viewerData(c: ViewerContext, id: string, error?: string): Promise<ViewerData> {
  const context = openedFrom(c);
  const { asset, exif, owned, faces, neighbours } = await openAsset(c, authOf(c.var.viewer), id, context);
  // Each person once; those their owner hid stay out of sight.
  const people = new Map<string, Person>();
  for (const { person } of faces) if (person && !person.isHidden) people.set(person.id, person);
  return {
    asset,
    exif,
    context,
    neighbours,
    owned,
    people: [...people.values()],
    info: c.req.query("info") === "1" || error !== undefined,
    tiles: { url: c.env.MAP_TILE_URL ?? "", attribution: c.env.MAP_TILE_ATTRIBUTION ?? "" },
    error,
  };
}

function backToViewer(c: ViewerContext, id: string) {
  return c.redirect(viewerHref(id, openedFrom(c), c.req.query("info") === "1"), 303);
}

// An edit of the owner's; one refused for what was entered shows the page again, saying why.
async function edit(c: ViewerContext, id: string, edits: AssetEdits) {
  try {
    await editAssets(c, authOf(c.var.viewer), [id], edits);
  } catch (error) {
    if (!(error instanceof AppError && error.status === 400)) throw error;
    return c.html(<ViewerPage viewer={c.var.viewer} data={await viewerData(c, id, error.message)} />, 400);
  }
  return backToViewer(c, id);
}

// After the photo left the view (trash, restore, deleted), the next one, else the previous, else back.
async function leave(c: ViewerContext, id: string, change: () => Promise<unknown>) {
  const data = await viewerData(c, id);
  await change();
  const to = data.neighbours.next ?? data.neighbours.previous;
  return c.redirect(to ? viewerHref(to.id, data.context, data.info) : backHref(data.context, data.asset), 303);
}

async function form(c: ViewerContext): Promise<Record<string, string>> {
  const body = await c.req.parseBody();
  return Object.fromEntries(Object.entries(body).map(([key, value]) => [key, formText(value)]));
}

// An empty field is no number at all (Number("") would be 0).
const numberOf = (text: string | undefined) => (text?.trim() ? Number(text) : NaN);

export const viewerPages = new Hono<AppEnv>()
  .get("/:id", requireViewer, async (c) =>
    c.html(<ViewerPage viewer={c.var.viewer} data={await viewerData(c, c.req.param("id"))} />),
  )
  .post("/:id/favorite", requireViewer, async (c) => {
    const id = c.req.param("id");
    const isFavorite = (await form(c)).favorite === "true";
    await editAssets(c, authOf(c.var.viewer), [id], { isFavorite });
    if (isHtmx(c))
      return c.html(<FavoriteForm asset={{ id, isFavorite }} viewer={c.var.viewer} context={openedFrom(c)} />);
    return backToViewer(c, id);
  })
  .post("/:id/trash", requireViewer, async (c) => {
    const id = c.req.param("id");
    return leave(c, id, () => moveToTrash(c, authOf(c.var.viewer), [id]));
  })
  .post("/:id/restore", requireViewer, async (c) => {
    const id = c.req.param("id");
    const restore = () => restoreOwnAsset(c, authOf(c.var.viewer), id);
    // Restored from the trash view, the photo leaves it; opened from elsewhere, it stays in view.
    if (c.req.query("view") === "trash") return leave(c, id, restore);
    await restore();
    return backToViewer(c, id);
  })
  .post("/:id/delete", requireViewer, async (c) => {
    const id = c.req.param("id");
    return leave(c, id, () => deleteForGood(c, authOf(c.var.viewer), [id]));
  })
  .post("/:id/date", requireViewer, async (c) => {
    const { dateTime = "", timeZone = "" } = await form(c);
    return edit(c, c.req.param("id"), { dateTaken: { wallClock: dateTime, timeZone: timeZone || null } });
  })
  .post("/:id/place", requireViewer, async (c) => {
    const fields = await form(c);
    return edit(c, c.req.param("id"), { latitude: numberOf(fields.latitude), longitude: numberOf(fields.longitude) });
  });
