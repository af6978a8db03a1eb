// The frame of every page and the pieces pages share. The Content-Security-Policy allows no inline
// script or style: behaviour lives in public/app.js and looks in public/app.css.
import type { Child, PropsWithChildren } from "hono/jsx";
import { raw } from "hono/html";
import { cannotBeShown } from "../../common/assets";
import type { Asset } from "../../common/schema";
import type { Viewer } from "../middleware/pages";

// htmx would otherwise add an inline <style> for its indicators, and carry a swapped element's
// style attribute (set by an extension, say) over to its replacement; the CSP refuses both.
const htmxConfig = JSON.stringify({ includeIndicatorStyles: false, attributesToSettle: ["class", "width", "height"] });

// Each area of the app keeps its own script and style sheet in public/ (e.g. "timeline" for
// public/timeline.js and public/timeline.css), loaded only by its pages.
export function Layout(
  props: PropsWithChildren<{ title: string; viewer?: Viewer; narrow?: boolean; area?: string; current?: string }>,
) {
  return (
    <>
      {raw("<!doctype html>")}
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <meta name="htmx-config" content={htmxConfig} />
          {props.viewer?.csrf && <meta name="csrf-token" content={props.viewer.csrf} />}
          <title>{`${props.title} · Shoebox`}</title>
          {/* No favicon request for every page. */}
          <link rel="icon" href="data:," />
          <link rel="stylesheet" href="/static/app.css" />
          {props.area && <link rel="stylesheet" href={`/static/${props.area}.css`} />}
          <script src="/static/vendor/htmx.min.js" defer></script>
          <script src="/static/app.js" defer></script>
          {props.area && <script src={`/static/${props.area}.js`} defer></script>}
        </head>
        <body>
          <Header viewer={props.viewer} />
          {props.viewer && <Navigation viewer={props.viewer} current={props.current} />}
          <main class={props.narrow ? "page page-narrow" : "page"}>{props.children}</main>
        </body>
      </html>
    </>
  );
}

function Header({ viewer }: { viewer?: Viewer }) {
  return (
    <header class="bar">
      <a class="brand" href="/">
        Shoebox
      </a>
      {viewer && (
        <div class="account">
          <span class="account-name">{viewer.user.name}</span>
          <form method="post" action="/auth/logout">
            <CsrfField viewer={viewer} />
            <button type="submit" class="button button-quiet">
              Sign out
            </button>
          </form>
        </div>
      )}
    </header>
  );
}

const sections = [
  { href: "/", label: "Photos" },
  { href: "/search", label: "Search" },
  { href: "/albums", label: "Albums" },
  { href: "/map", label: "Map" },
  { href: "/people", label: "People" },
  { href: "/explore", label: "Explore" },
  { href: "/favorites", label: "Favorites" },
  { href: "/recent", label: "Recently added" },
  { href: "/archive", label: "Archive" },
  { href: "/duplicates", label: "Duplicates" },
  { href: "/trash", label: "Trash" },
];

// The app's sections; `current` is the href of the one shown.
function Navigation({ viewer, current }: { viewer: Viewer; current?: string }) {
  const links = viewer.user.isAdmin ? [...sections, { href: "/admin", label: "Administration" }] : sections;
  return (
    <nav class="sections" aria-label="Sections">
      <ul>
        {links.map((link) => (
          <li>
            <a href={link.href} aria-current={link.href === current ? "page" : undefined}>
              {link.label}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

// Every form a signed-in page posts carries this; services/auth.ts checks it.
export function CsrfField({ viewer }: { viewer: Viewer }) {
  return <input type="hidden" name="_csrf" value={viewer.csrf ?? ""} />;
}

export function Field(props: {
  label: string;
  name: string;
  type?: "text" | "email" | "password";
  value?: string;
  autocomplete: string;
  minlength?: number;
  autofocus?: boolean;
  hint?: string;
}) {
  const id = `field-${props.name}`;
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      {props.hint && (
        <span class="field-hint" id={`${id}-hint`}>
          {props.hint}
        </span>
      )}
      <input
        id={id}
        aria-describedby={props.hint ? `${id}-hint` : undefined}
        name={props.name}
        type={props.type ?? "text"}
        value={props.value}
        autocomplete={props.autocomplete}
        minlength={props.minlength}
        autofocus={props.autofocus}
        required
      />
    </div>
  );
}

// A button that opens a panel under it: the child with class "panel". app.js keeps one open at a
// time; app.css and the area's sheet place it.
export function Disclosure(
  props: PropsWithChildren<{ label: string; open?: boolean; quiet?: boolean; class?: string }>,
) {
  return (
    <details class={props.class ? `disclosure ${props.class}` : "disclosure"} open={props.open}>
      <summary class={props.quiet ? "button button-quiet" : "button"}>{props.label}</summary>
      {props.children}
    </details>
  );
}

export function FormError({ message }: { message?: string }) {
  return message ? (
    <p class="form-error" role="alert">
      {message}
    </p>
  ) : null;
}

// A page that only says something: an error, a link that no longer works.
export function MessagePage(props: { title: string; message: Child }) {
  return (
    <Layout title={props.title} narrow>
      <div class="card">
        <h1>{props.title}</h1>
        <p>{props.message}</p>
        <p>
          <a href="/">Go to Shoebox</a>
        </p>
      </div>
    </Layout>
  );
}

// localDateTime is the wall-clock time where the photo was taken, stored as if it were UTC.
const dateTaken = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });

export function formatDateTaken(localDateTime: number): string {
  return dateTaken.format(localDateTime);
}

export function countOf(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}

// "0:01:05.250000" → "1:05".
export function formatDuration(duration: string | null): string {
  const [hours = 0, minutes = 0, seconds = 0] = (duration ?? "").split(":").map(Number);
  const total = Math.round(hours * 3600 + minutes * 60 + seconds) || 0;
  const clock = `${Math.floor((total % 3600) / 60)}:${String(total % 60).padStart(2, "0")}`;
  return total >= 3600 ? `${Math.floor(total / 3600)}:${clock.padStart(5, "0")}` : clock;
}

// Storage in powers of 1024 (KiB, MiB…); a file's size in powers of 1000 (KB, MB…), as file
// managers show it.
const binaryUnits = { step: 1024, names: ["B", "KiB", "MiB", "GiB", "TiB", "PiB"] };
const decimalUnits = { step: 1000, names: ["B", "KB", "MB", "GB", "TB"] };

export function formatBytes(bytes: number, { decimal = false } = {}): string {
  const { step, names } = decimal ? decimalUnits : binaryUnits;
  let value = bytes;
  let unit = 0;
  while (value >= step && unit < names.length - 1) {
    value /= step;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(value < 10 ? 1 : 0)} ${names[unit]}`;
}

export function describeAsset(asset: Asset): string {
  return `${asset.type === "VIDEO" ? "Video" : "Photo"} taken ${formatDateTaken(asset.localDateTime)}`;
}

// A tile's picture: the thumbnail, or for a file no picture will ever come of, that it cannot be
// shown (the reason in its title, and in full in the viewer). Nothing is asked of the server then.
export function TilePicture({ asset, src, alt }: { asset: Asset; src: string; alt: string }) {
  if (!cannotBeShown(asset)) return <img src={src} alt={alt} loading="lazy" decoding="async" />;
  return (
    <span
      class="tile-broken"
      role="img"
      aria-label={`${alt}: can't be displayed`}
      title={asset.processingError ?? undefined}
    >
      Can't display
    </span>
  );
}

// A square thumbnail, a link; `children` go over it (a "Cover" label, say).
export function AssetTile(props: PropsWithChildren<{ asset: Asset; href: string; thumbnail: string }>) {
  const { asset } = props;
  return (
    <a class="tile" href={props.href}>
      <TilePicture asset={asset} src={props.thumbnail} alt={describeAsset(asset)} />
      {asset.type === "VIDEO" && (
        <span class="tile-badge" aria-hidden="true">
          {`▶ ${formatDuration(asset.duration)}`}
        </span>
      )}
      {props.children}
    </a>
  );
}

// Square thumbnails, each a link, in the caller's order.
export function AssetGrid(props: {
  assets: Asset[];
  href: (asset: Asset) => string;
  thumbnail: (asset: Asset) => string;
}) {
  return (
    <ul class="grid">
      {props.assets.map((asset) => (
        <li>
          <AssetTile asset={asset} href={props.href(asset)} thumbnail={props.thumbnail(asset)} />
        </li>
      ))}
    </ul>
  );
}
