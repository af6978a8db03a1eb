// Albums in the browser: selecting photos, the photo picker, copying links (the panels and "Show
// more" are app.js's). The pages work without this file; it makes them quicker to use. htmx swaps the
// album in after each change, so everything here listens on the document rather than on elements
// that get replaced.
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

// Escape clears the selection, unless it closed a panel (app.js) or the picker.
document.addEventListener("keydown", (event) => {
  if (event.key === "Escape" && !event.defaultPrevented && !picker()?.open && selectionState().chosen.length)
    clearSelection();
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
  focusIfLost(document.querySelector("#album > .form-error") ?? document.querySelector("#album h1"));
});

// Why a change failed, above the album (in place of the last such message).
function showAlert(album, message) {
  album.querySelector(".album-alert")?.remove();
  const alert = document.createElement("p");
  alert.className = "form-error album-alert";
  alert.setAttribute("role", "alert");
  alert.textContent = message;
  album.querySelector(".album-head")?.after(alert);
}

// A refused change (not the album's owner any more, say) shows why.
document.addEventListener("htmx:responseError", (event) => {
  const album = document.getElementById("album");
  if (!album) return;
  showAlert(album, refusalOf(event.detail.xhr));
  picker()?.close();
});

document.addEventListener("htmx:sendError", () => {
  const album = document.getElementById("album");
  if (album) showAlert(album, "The server could not be reached. Check the connection and try again.");
});

enhance();
