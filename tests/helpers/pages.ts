// The HTML pages as a browser without JavaScript gets them (or, with `htmx`, as htmx asks for
// them): plain fetch with a small cookie jar, and the checks every page must pass.
import assert from "node:assert/strict";

export type Fields = Record<string, string | string[]>;

export interface PostOptions {
  // Sent as htmx sends it: the server answers with the part of the page that changed.
  htmx?: boolean;
  // false: without the session's CSRF token, which a signed-in browser otherwise sends.
  csrf?: boolean;
  headers?: Record<string, string>;
}

// Keeps cookies, sends the Origin and Sec-Fetch-Site headers of a browser's own page, and does not
// follow redirects, so that tests see them.
export class Browser {
  readonly cookies = new Map<string, string>();
  // The session's CSRF token, once signed in (signInWithCookie).
  csrf = "";
  constructor(private readonly url: string) {}

  async request(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    // What every browser sends with a request that changes something (unless a test says otherwise).
    if (init.method && !["GET", "HEAD"].includes(init.method.toUpperCase())) {
      if (!headers.has("origin")) headers.set("origin", new URL(this.url).origin);
      if (!headers.has("sec-fetch-site"))
        headers.set(
          "sec-fetch-site",
          headers.get("origin") === new URL(this.url).origin ? "same-origin" : "cross-site",
        );
    }
    if (this.cookies.size)
      headers.set("cookie", [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; "));
    const response = await fetch(`${this.url}${path}`, { ...init, headers, redirect: "manual" });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair = "", ...attributes] = cookie.split(";");
      const [name = "", value = ""] = pair.trim().split("=");
      const expired = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a)) || value === "";
      if (expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return response;
  }

  get(path: string, headers: Record<string, string> = {}): Promise<Response> {
    return this.request(path, { headers });
  }

  // A form post, with the session's CSRF token unless the fields carry their own.
  post(path: string, fields: Fields = {}, options: PostOptions = {}): Promise<Response> {
    const body = new URLSearchParams();
    if (this.csrf && options.csrf !== false && !("_csrf" in fields)) body.set("_csrf", this.csrf);
    for (const [key, value] of Object.entries(fields)) for (const one of [value].flat()) body.append(key, one);
    const headers = { ...options.headers, ...(options.htmx ? { "hx-request": "true" } : {}) };
    return this.request(path, { method: "POST", body, headers });
  }
}

// A browser signed in through the sign-in form, with the CSRF token of its session.
export async function signInWithCookie(url: string, email: string, password: string): Promise<Browser> {
  const browser = new Browser(url);
  const response = await browser.post("/auth/login", { email, password });
  assert.equal(response.status, 302, `sign-in of ${email}`);
  browser.csrf = csrfOf(await pageText(await browser.get("/")));
  return browser;
}

export function csrfOf(html: string): string {
  const token = html.match(/<meta name="csrf-token" content="([^"]+)"/)?.[1];
  assert.ok(token, "the page carries a CSRF token");
  return token;
}

// A page as the CSP wants it: no inline script, style or event handler.
export async function pageText(response: Response, status = 200): Promise<string> {
  const html = await response.text();
  assert.equal(response.status, status, `${response.url}: ${html.slice(0, 500)}`);
  assert.match(response.headers.get("content-type") ?? "", /^text\/html/);
  assert.match(response.headers.get("content-security-policy") ?? "", /script-src 'self'; style-src 'self'/);
  assert.match(html, /^<!doctype html>/);
  assert.doesNotMatch(html, /<script(?![^>]*\ssrc=)[^>]*>/);
  assert.doesNotMatch(html, /\sstyle=/);
  assert.doesNotMatch(html, /\son[a-z]+=/);
  return html;
}
