// What every part of an album's page is drawn from, and how its forms post: with htmx, each swaps in
// the album as it is after the change.
import type { AlbumRole } from "../../../common/access";
import type { AlbumSummary } from "../../../common/albums";
import type { Asset, User } from "../../../common/schema";
import type { KeyedSharedLink } from "../../../common/shared-links";
import type { Viewer } from "../../middleware/pages";

export type Panel = "edit" | "share" | "delete";

export interface AlbumView {
  viewer: Viewer;
  album: AlbumSummary;
  role: AlbumRole;
  assets: Asset[];
  // For the owner's share panel.
  people: User[];
  links: KeyedSharedLink[];
  origin: string;
  open?: Panel;
  error?: string;
  // A link just made, to show first.
  newLinkId?: string;
}

export const hx = (path: string) => ({ "hx-post": path, "hx-target": "#album", "hx-swap": "outerHTML" });
