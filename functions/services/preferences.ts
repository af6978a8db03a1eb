// A user's preferences, in Immich's shape: Immich's defaults, overlaid with what the user changed.
// Shoebox keeps them for Immich's clients (the phone app reads them at sign-in and gives up without
// them); of the settings, it acts on the avatar's colour only.
import { z } from "@hono/zod-openapi";
import type { Database } from "../../common/db";
import { notFound } from "../../common/errors";
import type { User } from "../../common/schema";
import { updateUserPreferences } from "../../common/users";

export const avatarColors = [
  "primary",
  "pink",
  "red",
  "yellow",
  "blue",
  "green",
  "purple",
  "orange",
  "gray",
  "amber",
] as const;
export type AvatarColor = (typeof avatarColors)[number];

// Immich's defaults (server/src/utils/preferences.ts at v3.1.0).
function defaultPreferences() {
  return {
    albums: { defaultAssetOrder: "desc" as "asc" | "desc" },
    folders: { enabled: false, sidebarWeb: false },
    memories: { enabled: true, duration: 5 },
    people: { enabled: true, sidebarWeb: false, minimumFaces: 3 },
    sharedLinks: { enabled: true, sidebarWeb: false },
    ratings: { enabled: false },
    tags: { enabled: true, sidebarWeb: true },
    emailNotifications: { enabled: true, albumInvite: true, albumUpdate: true },
    download: { archiveSize: 4 * 1024 ** 3, includeEmbeddedVideos: false },
    purchase: { showSupportBadge: true, hideBuyButtonUntil: new Date(Date.UTC(2022, 1, 12)).toISOString() },
    cast: { gCastEnabled: false },
    recentlyAdded: { sidebarWeb: false },
  };
}

export type Preferences = ReturnType<typeof defaultPreferences>;

const flag = z.boolean().optional();
const section = <T extends z.ZodRawShape>(shape: T, name: string) => z.object(shape).optional().openapi(name);

export const PreferencesUpdate = z
  .object({
    albums: section({ defaultAssetOrder: z.enum(["asc", "desc"]).optional() }, "AlbumsUpdate"),
    avatar: section({ color: z.enum(avatarColors).optional() }, "AvatarUpdate"),
    cast: section({ gCastEnabled: flag }, "CastUpdate"),
    download: section(
      { archiveSize: z.number().int().min(1).optional(), includeEmbeddedVideos: flag },
      "DownloadUpdate",
    ),
    emailNotifications: section({ albumInvite: flag, albumUpdate: flag, enabled: flag }, "EmailNotificationsUpdate"),
    folders: section({ enabled: flag, sidebarWeb: flag }, "FoldersUpdate"),
    memories: section({ duration: z.number().int().min(1).optional(), enabled: flag }, "MemoriesUpdate"),
    people: section(
      { enabled: flag, minimumFaces: z.number().int().min(1).optional(), sidebarWeb: flag },
      "PeopleUpdate",
    ),
    purchase: section({ hideBuyButtonUntil: z.string().max(100).optional(), showSupportBadge: flag }, "PurchaseUpdate"),
    ratings: section({ enabled: flag }, "RatingsUpdate"),
    recentlyAdded: section({ sidebarWeb: flag }, "RecentlyAddedUpdate"),
    sharedLinks: section({ enabled: flag, sidebarWeb: flag }, "SharedLinksUpdate"),
    tags: section({ enabled: flag, sidebarWeb: flag }, "TagsUpdate"),
  })
  .openapi("UserPreferencesUpdateDto");

export type PreferencesUpdate = z.infer<typeof PreferencesUpdate>;

// The defaults, with each setting the user stored in its place; a stored setting Shoebox no longer
// knows, or of the wrong type, is left out.
export function preferencesOf(user: Pick<User, "preferences">): Preferences {
  const preferences = defaultPreferences();
  const stored = user.preferences ?? {};
  for (const [name, values] of Object.entries(preferences) as Array<[string, Record<string, unknown>]>) {
    const saved = stored[name];
    if (typeof saved !== "object" || saved === null) continue;
    for (const [key, value] of Object.entries(saved)) {
      if (key in values && typeof value === typeof values[key]) values[key] = value;
    }
  }
  return preferences;
}

// The colour the user chose for their avatar, if any.
export function chosenAvatarColor(user: Pick<User, "preferences">): AvatarColor | undefined {
  const color = (user.preferences?.avatar as { color?: unknown } | undefined)?.color;
  return avatarColors.find((known) => known === color);
}

export async function updatePreferences(db: Database, userId: string, update: PreferencesUpdate): Promise<Preferences> {
  const updated = await updateUserPreferences(db, userId, update);
  if (!updated) throw notFound("User not found");
  return preferencesOf(updated);
}

const sectionOf = <T extends z.ZodRawShape>(shape: T, name: string) => z.object(shape).openapi(name);

export const PreferencesResponse = z
  .object({
    albums: sectionOf({ defaultAssetOrder: z.enum(["asc", "desc"]) }, "AlbumsResponse"),
    cast: sectionOf({ gCastEnabled: z.boolean() }, "CastResponse"),
    download: sectionOf({ archiveSize: z.number().int(), includeEmbeddedVideos: z.boolean() }, "DownloadResponse"),
    emailNotifications: sectionOf(
      { albumInvite: z.boolean(), albumUpdate: z.boolean(), enabled: z.boolean() },
      "EmailNotificationsResponse",
    ),
    folders: sectionOf({ enabled: z.boolean(), sidebarWeb: z.boolean() }, "FoldersResponse"),
    memories: sectionOf({ duration: z.number().int(), enabled: z.boolean() }, "MemoriesResponse"),
    people: sectionOf(
      { enabled: z.boolean(), minimumFaces: z.number().int(), sidebarWeb: z.boolean() },
      "PeopleResponse",
    ),
    purchase: sectionOf({ hideBuyButtonUntil: z.string(), showSupportBadge: z.boolean() }, "PurchaseResponse"),
    ratings: sectionOf({ enabled: z.boolean() }, "RatingsResponse"),
    recentlyAdded: sectionOf({ sidebarWeb: z.boolean() }, "RecentlyAddedResponse"),
    sharedLinks: sectionOf({ enabled: z.boolean(), sidebarWeb: z.boolean() }, "SharedLinksResponse"),
    tags: sectionOf({ enabled: z.boolean(), sidebarWeb: z.boolean() }, "TagsResponse"),
  })
  .openapi("UserPreferencesResponseDto");
