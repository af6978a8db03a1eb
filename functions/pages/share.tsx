// The public pages of a shared link: whoever has the link sees what it shares, and nothing else,
// without an account. A link with a password asks for it once; a cookie remembers the answer.
import { Hono, type Context } from "hono";
import { cannotBeShown } from "../../common/assets";
import { AppError } from "../../common/errors";
import type { Asset, Exif, User } from "../../common/schema";
import type { KeyedSharedLink } from "../../common/shared-links";
import type { AppEnv } from "../env";
import { formText } from "../middleware/pages";
import { findLinkAccess, linkGrant, rememberLinkGrant } from "../services/auth";
import { mayDownload } from "../services/downloads";
import { hidesMetadata, linkAsset, linkContents, type LinkContents } from "../services/shared-links";
import { checkLinkPassword } from "../services/sign-in";
import { AssetGrid, countOf, describeAsset, Field, FormError, formatDateTaken, Layout, MessagePage } from "./layout";

interface SharedContent {
  link: KeyedSharedLink;
  mayDownload: boolean;
  hidesMetadata: boolean;
  owner: User;
  title: string;
  description: string;
  assets: Asset[];
}

// The link's contents as its page shows them: hidden assets are the video halves of live photos.
function sharedContent({ link, owner, visitor, album, assets }: LinkContents): SharedContent {
  return {
    link,
    mayDownload: mayDownload(visitor),
    hidesMetadata: hidesMetadata(visitor),
    owner,
    title: album?.albumName || link.description || "Shared photos",
    description: album ? link.description || album.description : "",
    assets: assets.map((row) => row.asset).filter((asset) => asset.visibility !== "hidden"),
  };
}

// The API lets a link's visitors in when they name its key.
const withKeyQuery = (link: KeyedSharedLink, path: string) => `${path}${path.includes("?") ? "&" : "?"}key=${link.key}`;
const thumbnailOf = (link: KeyedSharedLink) => (asset: Asset) =>
  withKeyQuery(link, `/api/assets/${asset.id}/thumbnail`);
const pageOf = (link: KeyedSharedLink) => (asset: Asset) => `/share/${link.key}/photos/${asset.id}`;

function linkGone(c: Context<AppEnv>) {
  return c.html(
    <MessagePage title="This link has expired or was removed" message="Ask whoever sent it to you for a new one." />,
    404,
  );
}

function PasswordPage({ link, error }: { link: KeyedSharedLink; error?: string }) {
  return (
    <Layout title="Password needed" narrow>
      <form class="card" method="post" action={`/share/${link.key}`}>
        <h1>This link has a password</h1>
        <p>Enter the password you were given with the link.</p>
        <FormError message={error} />
        <Field label="Password" name="password" type="password" autocomplete="current-password" autofocus />
        <button type="submit" class="button">
          Open
        </button>
      </form>
    </Layout>
  );
}

// Uploads go to the API one file at a time, by public/app.js, which also shows the form: without
// JavaScript there is nothing to send the files' dates.
function UploadForm({ link }: { link: KeyedSharedLink }) {
  return (
    <form
      class="upload"
      method="post"
      action={withKeyQuery(link, "/api/assets")}
      enctype="multipart/form-data"
      data-upload=""
      hidden
    >
      <label for="upload-files">Add photos and videos</label>
      <div class="upload-controls">
        <input id="upload-files" type="file" name="assetData" accept="image/*,video/*" multiple required />
        <button type="submit" class="button">
          Upload
        </button>
      </div>
      <ul class="upload-results" aria-live="polite"></ul>
    </form>
  );
}

function SharedLinkPage({ content }: { content: SharedContent }) {
  const { link, assets } = content;
  return (
    <Layout title={content.title}>
      <div class="page-heading">
        <h1>{content.title}</h1>
        {content.description && <p>{content.description}</p>}
        <p class="muted">{`Shared by ${content.owner.name}`}</p>
      </div>
      {link.allowUpload && <UploadForm link={link} />}
      {/* app.js swaps this in anew after an upload. */}
      <section id="shared-assets" aria-label="Photos and videos">
        {assets.length ? (
          <>
            <p class="muted grid-caption">{countOf(assets.length, "item")}</p>
            <AssetGrid assets={assets} href={pageOf(link)} thumbnail={thumbnailOf(link)} />
          </>
        ) : (
          <p class="empty">Nothing here yet.</p>
        )}
      </section>
    </Layout>
  );
}

// Most models repeat the make: "Canon" and "Canon EOS R5", "NIKON CORPORATION" and "NIKON D750".
function cameraName(make: string | null, model: string | null): string | null {
  if (!make || !model) return model ?? make;
  const brand = make.split(" ")[0] ?? make;
  return model.toLowerCase().startsWith(brand.toLowerCase()) ? model : `${make} ${model}`;
}

// Camera, lens, exposure and place, for links that show metadata. Never the coordinates.
function metadataOf(exif: Exif | null): Array<[string, string]> {
  if (!exif) return [];
  const exposure = [
    exif.fNumber && `f/${exif.fNumber}`,
    exif.exposureTime && `${exif.exposureTime} s`,
    exif.focalLength && `${exif.focalLength} mm`,
    exif.iso && `ISO ${exif.iso}`,
  ];
  const rows: Array<[string, string | null | undefined]> = [
    ["Camera", cameraName(exif.make, exif.model)],
    ["Lens", exif.lensModel],
    ["Exposure", exposure.filter(Boolean).join(" · ")],
    ["Place", [exif.city, exif.country].filter(Boolean).join(", ")],
  ];
  return rows.filter((row): row is [string, string] => Boolean(row[1]));
}

function SharedAssetPage(props: { content: SharedContent; asset: Asset; exif: Exif | null }) {
  const { content, asset } = props;
  const { link } = content;
  const position = content.assets.findIndex((a) => a.id === asset.id);
  const previous = position > 0 ? content.assets[position - 1] : undefined;
  const next = position >= 0 ? content.assets[position + 1] : undefined;
  const preview = withKeyQuery(link, `/api/assets/${asset.id}/thumbnail?size=preview`);
  const details: Array<[string, string]> = [
    ["Taken", formatDateTaken(asset.localDateTime)],
    ...(content.hidesMetadata ? [] : metadataOf(props.exif)),
  ];
  return (
    <Layout title={describeAsset(asset)}>
      <nav class="viewer-nav" aria-label="Shared photos">
        <a href={`/share/${link.key}`}>{`← ${content.title}`}</a>
        <span class="viewer-steps">
          {previous && (
            <a href={pageOf(link)(previous)} rel="prev">
              Previous
            </a>
          )}
          {next && (
            <a href={pageOf(link)(next)} rel="next">
              Next
            </a>
          )}
        </span>
      </nav>
      <figure class="viewer">
        {cannotBeShown(asset) ? (
          <p class="muted">This file can't be displayed.</p>
        ) : asset.type === "VIDEO" ? (
          // biome-ignore lint/a11y/useMediaCaption: people's own videos come with no caption track to offer
          <video
            src={withKeyQuery(link, `/api/assets/${asset.id}/video/playback`)}
            poster={preview}
            controls
            preload="metadata"
          ></video>
        ) : (
          <img src={preview} alt={describeAsset(asset)} />
        )}
      </figure>
      <div class="details">
        <dl>
          {details.map(([label, value]) => (
            <div>
              <dt>{label}</dt>
              <dd>{value}</dd>
            </div>
          ))}
        </dl>
        {content.mayDownload && (
          <a class="button" href={withKeyQuery(link, `/api/assets/${asset.id}/original`)} download="">
            Download
          </a>
        )}
      </div>
    </Layout>
  );
}

export const sharePages = new Hono<AppEnv>()
  .get("/:key", async (c) => {
    const access = await findLinkAccess(c, c.req.param("key"));
    if (!access) return linkGone(c);
    if (!access.unlocked) return c.html(<PasswordPage link={access.link} />);
    return c.html(<SharedLinkPage content={sharedContent(await linkContents(c, access.link))} />);
  })
  .post("/:key", async (c) => {
    const access = await findLinkAccess(c, c.req.param("key"));
    if (!access) return linkGone(c);
    const { link } = access;
    if (!access.unlocked) {
      const password = formText((await c.req.parseBody()).password);
      const unlocked = await checkLinkPassword(c, link, password).catch((error: unknown) => {
        if (error instanceof AppError && error.status === 429) return error;
        throw error;
      });
      if (unlocked instanceof AppError) {
        c.header("retry-after", String(unlocked.retryAfterSeconds));
        return c.html(<PasswordPage link={link} error={unlocked.message} />, 429);
      }
      if (!unlocked) return c.html(<PasswordPage link={link} error="That is not the password. Try again." />, 401);
      rememberLinkGrant(c, link, await linkGrant(link));
    }
    return c.redirect(`/share/${link.key}`);
  })
  .get("/:key/photos/:assetId", async (c) => {
    const { key, assetId } = c.req.param();
    const access = await findLinkAccess(c, key);
    if (!access) return linkGone(c);
    if (!access.unlocked) return c.redirect(`/share/${access.link.key}`);
    const { contents, asset, exif } = await linkAsset(c, access.link, assetId);
    return c.html(<SharedAssetPage content={sharedContent(contents)} asset={asset} exif={exif} />);
  });
