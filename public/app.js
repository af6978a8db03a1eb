// Shoebox's browser code, all in this file: the Content-Security-Policy allows no inline script.
// The pages work without it; this only makes them nicer.
"use strict";

// htmx requests carry the session's CSRF token, which signed-in pages put in a meta tag.
document.addEventListener("htmx:configRequest", (event) => {
  const token = document.querySelector('meta[name="csrf-token"]')?.getAttribute("content");
  if (token) event.detail.headers["x-csrf-token"] = token;
});

// A thumbnail is made shortly after its upload: one that is not there yet gets a second try.
document.addEventListener(
  "error",
  (event) => {
    const image = event.target;
    if (!(image instanceof HTMLImageElement) || !image.closest(".tile") || image.dataset.retried) return;
    image.dataset.retried = "true";
    setTimeout(() => (image.src = image.src), 3000);
  },
  true,
);

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
      window.htmx.ajax("GET", window.location.href, { target: "#shared-assets", select: "#shared-assets", swap: "outerHTML" });
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
