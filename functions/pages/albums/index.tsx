// The albums' pages: the list, an album's page and the picker, and the forms that change an album.
// Each form works without JavaScript (post, then redirect back); with htmx, it swaps in the album as
// it is after the change. The rules are the album and shared-link services'; a change they refuse
// as invalid (400) shows its reason in the album.
import { Hono, type Context } from "hono";
import { AppError } from "../../../common/errors";
import { authOf, formText, requireViewer, type ViewerEnv } from "../../middleware/pages";
import {
  addAlbumAssets,
  addMembers,
  albumLimits,
  albumPicker,
  changeAlbum,
  createAlbumOf,
  deleteAlbumOf,
  listAlbumsOf,
  openAlbumWithSharing,
  removeAlbumAssets,
  removeMember,
  setMemberRole,
} from "../../services/albums";
import { createLink, deleteLink } from "../../services/shared-links";
import { isHtmx } from "../htmx";
import { Layout } from "../layout";
import { AlbumBody, AlbumPage, AlbumTiles, LaterTilesPage } from "./album";
import { AlbumsPage } from "./list";
import { PickerForm, PickerMonths } from "./picker";
import type { AlbumView, Panel } from "./view";

type Ctx = Context<ViewerEnv>;

// What the page shows of the album: hidden assets are the video halves of live photos, shown with their photo.
async function albumView(c: Ctx, id: string, extra: Partial<AlbumView> = {}): Promise<AlbumView> {
  const { album, role, assets, people, links } = await openAlbumWithSharing(c, authOf(c.var.viewer), id);
  const shown = assets.filter((asset) => asset.visibility !== "hidden");
  return {
    viewer: c.var.viewer,
    album,
    role,
    assets: shown,
    people,
    links,
    origin: new URL(c.req.url).origin,
    ...extra,
  };
}

// After a change: the album as it is now for htmx, a redirect back for a plain form. A form that
// could not be used shows its error in the album (status 400 without htmx, which swaps only 2xx).
async function afterChange(c: Ctx, id: string, extra: Partial<AlbumView> = {}) {
  if (isHtmx(c)) return c.html(<AlbumBody view={await albumView(c, id, extra)} />);
  if (extra.error) return c.html(<AlbumPage view={await albumView(c, id, extra)} />, 400);
  return c.redirect(`/albums/${id}${extra.open === "share" ? "?panel=share" : ""}`, 303);
}

// Makes a change to the album, then shows it with what the change returns (a panel to keep open, a
// form's error). A change refused as invalid shows why, in the panel its form is in.
async function change(c: Ctx, id: string, panel: Panel | undefined, action: () => Promise<Partial<AlbumView>>) {
  let extra: Partial<AlbumView>;
  try {
    extra = await action();
  } catch (error) {
    if (!(error instanceof AppError && error.status === 400)) throw error;
    extra = { error: error.message, ...(panel ? { open: panel } : {}) };
  }
  return afterChange(c, id, extra);
}

// Where a member who left, or the owner who deleted the album, goes next.
function backToList(c: Ctx) {
  if (isHtmx(c)) {
    c.header("hx-redirect", "/albums");
    return c.body(null, 204);
  }
  return c.redirect("/albums", 303);
}

async function formOf(c: Ctx) {
  return c.req.parseBody({ all: true });
}

function idsOf(form: Record<string, unknown>): string[] {
  const value = form.ids;
  const list = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return list.filter((id): id is string => typeof id === "string" && /^[0-9a-f-]{36}$/i.test(id));
}

const fromOf = (c: Ctx) => Math.max(0, Math.floor(Number(c.req.query("from")) || 0));

// A link's expiry as the form offers it: in a day, a week or a month, or never.
function expiryOf(days: number): number | null {
  return [1, 7, 30].includes(days) ? Date.now() + days * 24 * 60 * 60_000 : null;
}

export const albumPages = new Hono<ViewerEnv>()
  .use(requireViewer)
  .get("/", async (c) => {
    const albums = await listAlbumsOf(c, authOf(c.var.viewer));
    return c.html(<AlbumsPage viewer={c.var.viewer} albums={albums} />);
  })
  .post("/", async (c) => {
    const form = await formOf(c);
    const albumName = formText(form.albumName).trim();
    const description = formText(form.description).trim().slice(0, albumLimits.description);
    const auth = authOf(c.var.viewer);
    try {
      const { album } = await createAlbumOf(c, auth, { albumName, description });
      return c.redirect(`/albums/${album.id}`, 303);
    } catch (error) {
      if (!(error instanceof AppError && error.status === 400)) throw error;
      const albums = await listAlbumsOf(c, auth);
      return c.html(
        <AlbumsPage
          viewer={c.var.viewer}
          albums={albums}
          form={{ error: error.message, name: albumName, description }}
        />,
        400,
      );
    }
  })
  .get("/:id", async (c) => {
    const open = c.req.query("panel") === "share" ? "share" : undefined;
    const view = await albumView(c, c.req.param("id"), open ? { open } : {});
    const from = Number(c.req.query("from") ?? 0);
    if (Number.isInteger(from) && from > 0 && from < view.assets.length)
      return c.html(<LaterTilesPage view={view} from={from} />);
    return c.html(<AlbumPage view={view} />);
  })
  .get("/:id/tiles", async (c) => c.html(<AlbumTiles view={await albumView(c, c.req.param("id"))} from={fromOf(c)} />))
  .get("/:id/add", async (c) => {
    const id = c.req.param("id");
    const { viewer } = c.var;
    const { album, months, next, inAlbum } = await albumPicker(c, authOf(viewer), id, fromOf(c));
    // The dialog and its "Earlier photos" ask for pieces of the page, at addresses of their own.
    if (c.req.query("more")) return c.html(<PickerMonths albumId={id} months={months} next={next} inAlbum={inAlbum} />);
    if (c.req.query("dialog"))
      return c.html(<PickerForm viewer={viewer} album={album} months={months} next={next} inAlbum={inAlbum} dialog />);
    return c.html(
      <Layout title={`Add to ${album.albumName}`} viewer={viewer} area="albums" current="/albums">
        <PickerForm viewer={viewer} album={album} months={months} next={next} inAlbum={inAlbum} dialog={false} />
      </Layout>,
    );
  })
  .post("/:id/assets", async (c) => {
    const id = c.req.param("id");
    const ids = idsOf(await formOf(c));
    return change(c, id, undefined, () => addAlbumAssets(c, authOf(c.var.viewer), id, ids).then(() => ({})));
  })
  .post("/:id/assets/remove", async (c) => {
    const id = c.req.param("id");
    const ids = idsOf(await formOf(c));
    return change(c, id, undefined, () => removeAlbumAssets(c, authOf(c.var.viewer), id, ids).then(() => ({})));
  })
  .post("/:id/cover", async (c) => {
    const id = c.req.param("id");
    const ids = idsOf(await formOf(c));
    return change(c, id, undefined, async () => {
      if (ids.length !== 1) return { error: "Select one photo to make it the cover." };
      await changeAlbum(c, authOf(c.var.viewer), id, { albumThumbnailAssetId: ids[0] });
      return {};
    });
  })
  .post("/:id/details", async (c) => {
    const id = c.req.param("id");
    const form = await formOf(c);
    const changes = {
      albumName: formText(form.albumName).trim(),
      description: formText(form.description).trim().slice(0, albumLimits.description),
    };
    return change(c, id, "edit", async () => {
      await changeAlbum(c, authOf(c.var.viewer), id, changes);
      return {};
    });
  })
  .post("/:id/order", async (c) => {
    const id = c.req.param("id");
    const order = formText((await formOf(c)).order);
    return change(c, id, undefined, async () => {
      await changeAlbum(c, authOf(c.var.viewer), id, order === "asc" || order === "desc" ? { order } : {});
      return {};
    });
  })
  .post("/:id/delete", async (c) => {
    await deleteAlbumOf(c, authOf(c.var.viewer), c.req.param("id"));
    return backToList(c);
  })
  .post("/:id/users", async (c) => {
    const id = c.req.param("id");
    const form = await formOf(c);
    const member = {
      userId: formText(form.userId),
      role: formText(form.role) === "editor" ? ("editor" as const) : ("viewer" as const),
    };
    return change(c, id, "share", async () => {
      await addMembers(c, authOf(c.var.viewer), id, [member]);
      return { open: "share" };
    });
  })
  .post("/:id/users/:userId", async (c) => {
    const { id, userId } = c.req.param();
    const role = formText((await formOf(c)).role);
    return change(c, id, "share", async () => {
      if (role !== "editor" && role !== "viewer") return { error: "Choose what they may do.", open: "share" };
      await setMemberRole(c, authOf(c.var.viewer), id, userId, role);
      return { open: "share" };
    });
  })
  .post("/:id/users/:userId/remove", async (c) => {
    const { id, userId } = c.req.param();
    const left = userId === c.var.viewer.user.id;
    if (left) {
      await removeMember(c, authOf(c.var.viewer), id, userId);
      return backToList(c);
    }
    return change(c, id, "share", async () => {
      await removeMember(c, authOf(c.var.viewer), id, userId);
      return { open: "share" };
    });
  })
  .post("/:id/links", async (c) => {
    const id = c.req.param("id");
    const form = await formOf(c);
    const settings = {
      password: formText(form.password),
      expiresAt: expiryOf(Number(formText(form.expires))),
      allowUpload: form.allowUpload === "on",
      allowDownload: form.allowDownload === "on",
      showMetadata: form.showMetadata === "on",
    };
    return change(c, id, "share", async () => {
      const link = await createLink(c, authOf(c.var.viewer), { type: "ALBUM", albumId: id, ...settings });
      return { open: "share", newLinkId: link.id };
    });
  })
  .post("/:id/links/:linkId/remove", async (c) => {
    const { id, linkId } = c.req.param();
    return change(c, id, "share", async () => {
      await deleteLink(c, authOf(c.var.viewer), linkId);
      return { open: "share" };
    });
  });
