// Shoebox's browser code for every page, and what the areas' scripts (public/<area>.js) share: the
// Content-Security-Policy allows no inline script. The pages work without it; this only makes them nicer.
"use strict";

// htmx requests carry the session's CSRF token, which signed-in pages put in a meta tag.
document.addEventListener("htmx:configRequest", (event) => {
  const token = document.querySelector('meta[name="csrf-token"]')?.getAttribute("content");
  if (token) event.detail.headers["x-csrf-token"] = token;
});

// A thumbnail is made shortly after its upload, later while the worker is busy: one that is not there
// yet is asked for again a few times, further apart. A file no thumbnail will ever come of (the
// server answers 422, saying why) shows that it cannot be displayed, and is asked for no more.
// (Pages know most such files already and ask for none: see TilePicture.)
document.addEventListener(
  "error",
  (event) => {
    const image = event.target;
    if (!(image instanceof HTMLImageElement) || !image.closest(".tile, .memory") || image.dataset.retrying) return;
    image.dataset.retrying = "true";
    image.classList.add("is-waiting");
    awaitThumbnail(image);
  },
  true,
);

async function awaitThumbnail(image) {
  const src = image.src;
  for (let attempt = 0; attempt < 7; attempt++) {
    await new Promise((done) => setTimeout(done, 2000 * 2 ** attempt));
    const response = await fetch(src, { cache: "no-store" }).catch(() => null);
    if (!image.isConnected) return;
    if (response?.ok) {
      delete image.dataset.retrying;
      image.src = src;
      return;
    }
    if (response?.status === 422) {
      const broken = document.createElement("span");
      broken.className = "tile-broken";
      broken.setAttribute("role", "img");
      broken.setAttribute("aria-label", `${image.alt}: can't be displayed`);
      broken.title = (await response.json().catch(() => ({}))).message ?? "";
      broken.textContent = "Can't display";
      image.replaceWith(broken);
      return;
    }
  }
}

// The arrow keys step through photos on pages with previous and next links.
document.addEventListener("keydown", (event) => {
  if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
  if (event.target instanceof Element && event.target.closest("input, textarea, select, video")) return;
  const rel = { ArrowLeft: "prev", ArrowRight: "next" }[event.key];
  const link = rel && document.querySelector(`a[rel="${rel}"]`);
  if (link instanceof HTMLAnchorElement) link.click();
});

// Uploads through a shared link: one request per file, in turn, each with its result in the list.
// The API wants the file's dates, which only script can read, so the form stays hidden without it.
function setUpUpload(form) {
  const input = form.querySelector('input[type="file"]');
  const results = form.querySelector(".upload-results");
  const button = form.querySelector('button[type="submit"]');
  form.hidden = false;
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    button.disabled = true;
    results.replaceChildren();
    let added = 0;
    for (const file of input.files) {
      const line = document.createElement("li");
      line.textContent = `${file.name}: uploading…`;
      results.append(line);
      const [message, ok] = await uploadFile(form.action, file);
      line.textContent = `${file.name}: ${message}`;
      line.classList.toggle("upload-failed", !ok);
      if (ok) added++;
    }
    button.disabled = false;
    input.value = "";
    if (added && window.htmx) {
      window.htmx.ajax("GET", window.location.href, {
        target: "#shared-assets",
        select: "#shared-assets",
        swap: "outerHTML",
      });
    }
  });
}

async function uploadFile(url, file) {
  const modified = new Date(file.lastModified || Date.now()).toISOString();
  const body = new FormData();
  body.set("deviceAssetId", `${file.name}-${file.size}-${file.lastModified}`);
  body.set("deviceId", "shoebox-web");
  body.set("fileCreatedAt", modified);
  body.set("fileModifiedAt", modified);
  body.set("assetData", file, file.name);
  try {
    const response = await fetch(url, { method: "POST", body });
    const answer = await response.json().catch(() => ({}));
    if (response.ok) return [answer.status === "duplicate" ? "already there" : "added", true];
    return [answer.message ?? `failed (${response.status})`, false];
  } catch {
    return ["failed: the connection was lost", false];
  }
}

document.querySelectorAll("form[data-upload]").forEach(setUpUpload);

// A session that ended meanwhile answers with the sign-in form: show it as a page, not inside this one.
document.addEventListener("htmx:beforeSwap", (event) => {
  const to = event.detail.xhr.responseURL;
  if (to && new URL(to).pathname === "/auth/login") {
    event.detail.shouldSwap = false;
    // Back to this page after signing in, not to the piece of it that was asked for.
    window.location.assign(`/auth/login?next=${encodeURIComponent(window.location.pathname + window.location.search)}`);
  }
});

// Panels that open under their button (details.disclosure): one open at a time; Escape or a click
// elsewhere closes it. A panel the visitor opens takes the focus to its first field, or else to its
// first button, but never to one that deletes; one the page opens (after a change) leaves the focus be.
let panelOpenedByHand;
document.addEventListener("click", (event) => {
  if (!(event.target instanceof Element)) return;
  panelOpenedByHand = event.target.closest("details.disclosure > summary")?.parentElement;
  for (const open of document.querySelectorAll("details.disclosure[open]"))
    if (!open.contains(event.target)) open.open = false;
});

document.addEventListener(
  "toggle",
  (event) => {
    const details = event.target;
    if (!(details instanceof HTMLDetailsElement) || !details.open || !details.matches(".disclosure")) return;
    for (const other of document.querySelectorAll("details.disclosure[open]"))
      if (other !== details) other.open = false;
    if (details === panelOpenedByHand) firstControlOf(details)?.focus();
    panelOpenedByHand = undefined;
  },
  true,
);

function firstControlOf(panel) {
  return (
    panel.querySelector("input:not([type=hidden]):not([readonly]):not(:disabled), select, textarea") ??
    panel.querySelector("button:not(.button-danger)")
  );
}

// The press that closes a panel is used up (preventDefault): a page's own Escape, clearing a
// selection say, waits for the next one.
document.addEventListener("keydown", (event) => {
  if (event.key !== "Escape") return;
  const open =
    document.activeElement?.closest("details.disclosure[open]") ?? document.querySelector("details.disclosure[open]");
  if (!open) return;
  open.open = false;
  open.querySelector("summary")?.focus();
  event.preventDefault();
});

// "Show more" (.more) replaces itself with what comes next: the focus goes to the first new item
// rather than to the top of the page.
let loadingMore;
document.addEventListener("htmx:beforeRequest", (event) => {
  const list = event.detail.elt instanceof Element ? event.detail.elt.closest(".more")?.parentElement : null;
  loadingMore = list ? { list, count: itemsOf(list).length } : undefined;
});

document.addEventListener("htmx:afterSettle", () => {
  if (!loadingMore) return;
  itemsOf(loadingMore.list)[loadingMore.count]?.focus();
  loadingMore = undefined;
});

// Tiles, or the photos of the album picker.
function itemsOf(list) {
  return [...list.querySelectorAll(".tile, .pick input:not(:disabled)")];
}

// For the areas' scripts (loaded after this one), after htmx swaps in what a change altered: the
// focus, if it went with the old content, goes to the outcome (an error, or a heading).
// biome-ignore lint/correctness/noUnusedVariables: called by the areas' scripts.
function focusIfLost(outcome) {
  if (!outcome || (document.activeElement && document.activeElement !== document.body)) return;
  outcome.setAttribute("tabindex", "-1");
  outcome.focus();
}

// Why the server refused an htmx request: the message of the error page it answered with.
// biome-ignore lint/correctness/noUnusedVariables: called by the areas' scripts.
function refusalOf(xhr) {
  const page = new DOMParser().parseFromString(xhr.responseText, "text/html");
  return page.querySelector(".card p")?.textContent || "That did not work. Reload the page and try again.";
}
