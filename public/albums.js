// Albums in the browser: selecting photos, the photo picker, the panels, copying links. The pages
// work without this file; it makes them quicker to use. htmx swaps the album in after each change,
// so everything here listens on the document rather than on elements that get replaced.
"use strict";

// ---- Selecting photos in an album ---------------------------------------------------------------

function selectionState() {
  const bar = document.querySelector("[data-selection]");
  const boxes = [...document.querySelectorAll('.tile-check[form="album-selection"]')];
  const chosen = boxes.filter((box) => box.checked);
  return { bar, boxes, chosen };
}

function updateSelection() {
  const { bar, chosen } = selectionState();
  const page = document.querySelector(".album-page");
  if (!bar) return;
  const count = chosen.length;
  bar.hidden = count === 0;
  page?.classList.toggle("selecting", count > 0);
  const label = bar.querySelector("[data-selection-count]");
  if (label) label.textContent = count === 1 ? "1 selected" : `${count} selected`;
  for (const button of bar.querySelectorAll("[data-needs]")) {
    button.disabled = button.dataset.needs === "one" ? count !== 1 : count === 0;
  }
  const clear = bar.querySelector("[data-selection-clear]");
  if (clear) clear.hidden = count === 0;
}

function clearSelection() {
  for (const box of selectionState().chosen) box.checked = false;
  updateSelection();
}

// Shift-click selects the run of photos since the last one clicked.
let lastClicked;
document.addEventListener("click", (event) => {
  const box = event.target instanceof HTMLInputElement && event.target.matches(".tile-check") ? event.target : null;
  if (!box) return;
  const { boxes } = selectionState();
  if (event.shiftKey && lastClicked && boxes.includes(lastClicked)) {
    const [from, to] = [boxes.indexOf(lastClicked), boxes.indexOf(box)].sort((a, b) => a - b);
    for (const other of boxes.slice(from, to + 1)) other.checked = box.checked;
  }
  lastClicked = box;
});

document.addEventListener("change", (event) => {
  const target = event.target;
  if (!(target instanceof HTMLElement)) return;
  if (target.matches(".tile-check")) updateSelection();
  if (target.closest("[data-picker-form]")) updatePicked();
  // A member's role changes as soon as it is chosen.
  if (target instanceof HTMLSelectElement && target.matches("[data-autosubmit]")) target.form?.requestSubmit();
});

document.addEventListener("click", (event) => {
  if (!(event.target instanceof Element)) return;
  if (event.target.closest("[data-selection-clear]")) clearSelection();
});

// ---- The picker ---------------------------------------------------------------------------------

function picker() {
  return document.getElementById("picker");
}

function updatePicked() {
  const form = document.querySelector("[data-picker-form]");
  if (!form) return;
  const count = form.querySelectorAll('input[name="ids"]:checked:not(:disabled)').length;
  const label = form.querySelector("[data-picked-count]");
  if (label) label.textContent = count ? `${count} chosen` : "Choose photos to add";
  const submit = form.querySelector('button[type="submit"]');
  if (submit) submit.disabled = count === 0;
}

document.addEventListener("click", (event) => {
  if (event.target instanceof Element && event.target.closest("[data-close-dialog]")) picker()?.close();
});

// ---- The panels ---------------------------------------------------------------------------------

// One panel open at a time; Escape or a click elsewhere closes it. A panel the visitor opens takes
// the focus to its first field (one the page opens, after a change, leaves the focus be).
let openedByHand;
document.addEventListener("click", (event) => {
  const summary = event.target instanceof Element ? event.target.closest("details.disclosure > summary") : null;
  openedByHand = summary?.parentElement;
});

document.addEventListener(
  "toggle",
  (event) => {
    const details = event.target;
    if (!(details instanceof HTMLDetailsElement) || !details.open || !details.matches(".disclosure")) return;
    for (const other of document.querySelectorAll("details.disclosure[open]")) if (other !== details) other.open = false;
    if (details === openedByHand) details.querySelector("input:not([type=hidden]):not([readonly]), select, textarea")?.focus();
    openedByHand = undefined;
  },
  true,
);

document.addEventListener("keydown", (event) => {
  if (event.key !== "Escape") return;
  const open = document.activeElement?.closest("details.disclosure[open]") ?? document.querySelector("details.disclosure[open]");
  if (open) {
    open.open = false;
    open.querySelector("summary")?.focus();
    event.preventDefault();
  } else if (!picker()?.open && selectionState().chosen.length) {
    clearSelection();
  }
});

document.addEventListener("click", (event) => {
  if (!(event.target instanceof Element)) return;
  for (const open of document.querySelectorAll("details.disclosure[open]")) if (!open.contains(event.target)) open.open = false;
});

// ---- Copying a link -----------------------------------------------------------------------------

async function copy(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}

document.addEventListener("click", async (event) => {
  const button = event.target instanceof Element ? event.target.closest("[data-copy]") : null;
  if (!button) return;
  const field = document.getElementById(button.dataset.copy);
  if (!(field instanceof HTMLInputElement)) return;
  field.select();
  // Without a secure context (plain http on a home network) there is no clipboard API.
  const done = (await copy(field.value)) || document.execCommand("copy");
  button.textContent = done ? "Copied" : "Select and copy";
  setTimeout(() => (button.textContent = "Copy"), 2000);
});

// ---- Loading more tiles --------------------------------------------------------------------------

// "Show more" and "Earlier photos" replace themselves with what comes next: the focus goes to the
// first new photo rather than to the top of the page.
let loading;
document.addEventListener("htmx:beforeRequest", (event) => {
  const more = event.detail.elt instanceof Element ? event.detail.elt.closest(".more") : null;
  const root = more?.closest("form, .album-page");
  loading = root ? { root, count: focusables(root).length } : undefined;
});

function focusables(root) {
  return [...root.querySelectorAll(".tile, .pick input:not(:disabled)")];
}

document.addEventListener("htmx:afterSettle", () => {
  if (!loading) return;
  focusables(loading.root)[loading.count]?.focus();
  loading = undefined;
});

// ---- After htmx swaps ---------------------------------------------------------------------------

function enhance() {
  for (const button of document.querySelectorAll("[data-copy][hidden]")) button.hidden = false;
  for (const button of document.querySelectorAll("[data-autosubmit-button]")) button.hidden = true;
  updateSelection();
  updatePicked();
}

document.addEventListener("htmx:afterSwap", (event) => {
  const target = event.detail.target;
  if (target?.id === "picker-body") {
    const dialog = picker();
    if (dialog && !dialog.open) dialog.showModal();
    dialog?.querySelector("h2")?.setAttribute("tabindex", "-1");
    // The first photo to choose has the focus, and the top of the picker stays in view.
    dialog?.querySelector('input[name="ids"]:not(:disabled)')?.focus({ preventScroll: true });
  }
  enhance();
});

document.addEventListener("htmx:afterRequest", (event) => {
  const form = event.detail.elt;
  if (!(form instanceof HTMLFormElement) || !form.matches("[data-picker-form]") || !event.detail.successful) return;
  picker()?.close();
  document.querySelector("[data-picker]")?.focus();
});

// After a change swaps the album in, the focus, if it was lost with the old album, goes to what the
// change says: its error, or else the album's title.
document.addEventListener("htmx:afterSettle", (event) => {
  if (event.detail.target?.id !== "album" && event.detail.elt?.id !== "album") return;
  if (document.activeElement && document.activeElement !== document.body) return;
  const target = document.querySelector("#album > .form-error") ?? document.querySelector("#album h1");
  if (!target) return;
  target.setAttribute("tabindex", "-1");
  target.focus();
});

// A refused change (not the album's owner any more, say) shows why, above the album.
document.addEventListener("htmx:responseError", (event) => {
  const album = document.getElementById("album");
  if (!album) return;
  const page = new DOMParser().parseFromString(event.detail.xhr.responseText, "text/html");
  const message = page.querySelector(".card p")?.textContent || "That did not work. Reload the page and try again.";
  album.querySelector(".album-alert")?.remove();
  const alert = document.createElement("p");
  alert.className = "form-error album-alert";
  alert.setAttribute("role", "alert");
  alert.textContent = message;
  album.querySelector(".album-head")?.after(alert);
  picker()?.close();
});

document.addEventListener("htmx:sendError", () => {
  const album = document.getElementById("album");
  if (!album) return;
  const alert = document.createElement("p");
  alert.className = "form-error album-alert";
  alert.setAttribute("role", "alert");
  alert.textContent = "The server could not be reached. Check the connection and try again.";
  album.querySelector(".album-alert")?.remove();
  album.querySelector(".album-head")?.after(alert);
});

enhance();
