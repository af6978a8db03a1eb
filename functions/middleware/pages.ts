// What the HTML pages need around their handlers: browsers' credentials only, the first-run
// redirect to the sign-up form, a same-origin rule for form posts, and who is signed in.
import type { Context } from "hono";
import { except } from "hono/combine";
import { getCookie } from "hono/cookie";
import { createMiddleware } from "hono/factory";
import type { Auth } from "../../common/access";
import type { Database } from "../../common/db";
import { AppError } from "../../common/errors";
import type { User } from "../../common/schema";
import { adminExists } from "../../common/users";
import type { AppEnv } from "../env";
import { authenticateBrowser, csrfToken, requestSite, sessionCookie } from "../services/auth";
import { defaults } from "../../common/config";
import { bodyLimitOf } from "./body-limit";
import { services } from "./services";

// The signed-in user of a page, and the CSRF token its forms must carry.
export interface Viewer {
  user: User;
  sessionId: string;
  csrf: string;
}

// The caller a page names to the services: the signed-in user, through their browser session.
export const authOf = (viewer: Viewer): Auth => ({ user: viewer.user, session: { id: viewer.sessionId } });

export type ViewerEnv = AppEnv & { Variables: { viewer: Viewer } };

// Once an admin exists there always is one, so a yes is kept for the isolate's life.
let adminFound = false;

export async function hasAdmin(db: Database): Promise<boolean> {
  adminFound ||= await adminExists(db);
  return adminFound;
}

const registerPath = "/auth/register";

// Until the first admin signs up, every page leads to the sign-up form.
const signUpFirst = createMiddleware<AppEnv>(async (c, next) => {
  if (c.req.path !== registerPath && !(await hasAdmin(c.var.db))) return c.redirect(registerPath);
  await next();
});

// Forms of signed-in pages carry a CSRF token, but the sign-in, sign-up and link-password forms have
// no session to tie one to: the browser's Origin and Sec-Fetch-Site headers keep other sites from
// posting them (to sign a visitor in to an account of theirs, say).
const refuseCrossSiteForms = createMiddleware<AppEnv>(async (c, next) => {
  if (c.req.method === "POST" && requestSite(c) === "cross-site") throw new AppError(403, "Cross-site request refused");
  await next();
});

// Pages are for browsers, signed in with the session cookie. An API key or bearer token is refused
// here rather than ignored: its permissions mean nothing to a page, and a key limited to uploads
// must not reach the admin's forms.
const browsersOnly = createMiddleware<AppEnv>(async (c, next) => {
  if (c.req.header("x-api-key") !== undefined || c.req.header("authorization") !== undefined) {
    throw new AppError(401, "Pages take a browser's sign-in only. API keys and tokens work on the API, under /api/.");
  }
  await next();
});

// A form's fields, or the small JSON a page script posts: nothing a page reads is large.
const pageBodyLimit = bodyLimitOf(defaults.bodyLimits.form);

// Every path but the API's and the static files' is a page, and gets browsers' credentials only, a
// small body limit, the per-request services, the first-run redirect and the same-origin rule.
export const pages = except(
  ["/api/*", "/static/*"],
  browsersOnly,
  pageBodyLimit,
  services,
  signUpFirst,
  refuseCrossSiteForms,
);

export async function findViewer<E extends AppEnv>(c: Context<E>): Promise<Viewer | undefined> {
  const auth = await authenticateBrowser(c);
  if (!auth?.session) return undefined;
  return { user: auth.user, sessionId: auth.session.id, csrf: await csrfToken(getCookie(c, sessionCookie)!) };
}

// A text field of a parsed form body; missing or a file, it is empty.
export function formText(value: unknown): string {
  return typeof value === "string" ? value : "";
}

// Where the sign-in form sends the visitor afterwards: a path of this site, never another site
// (`//host`, `/\host`, or a path browsers would turn into one by dropping control characters).
export function safeNext(next: unknown): string {
  return typeof next === "string" && /^\/(?![/\\])[^\\\x00-\x20]*$/.test(next) ? next : "/";
}

function loginPath(next?: string): string {
  // The slashes stay readable in the address bar; they need no escaping in a query.
  return next ? `/auth/login?next=${encodeURIComponent(next).replace(/%2F/g, "/")}` : "/auth/login";
}

// A page for signed-in users; anyone else goes to the sign-in form, and comes back after.
export const requireViewer = createMiddleware<ViewerEnv>(async (c, next) => {
  const viewer = await findViewer(c);
  if (!viewer) {
    const url = new URL(c.req.url);
    return c.redirect(c.req.method === "GET" ? loginPath(url.pathname + url.search) : loginPath());
  }
  c.set("viewer", viewer);
  await next();
});
