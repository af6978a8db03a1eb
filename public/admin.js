// Administration in the browser: one panel open at a time, closed with Escape or a click elsewhere,
// and the focus kept in place after htmx swaps the accounts in. The page works without this file.
"use strict";

let openedByHand;
document.addEventListener("click", (event) => {
  if (!(event.target instanceof Element)) return;
  const summary = event.target.closest("details.disclosure > summary");
  openedByHand = summary?.parentElement;
  for (const open of document.querySelectorAll("details.disclosure[open]")) if (!open.contains(event.target)) open.open = false;
});

document.addEventListener(
  "toggle",
  (event) => {
    const details = event.target;
    if (!(details instanceof HTMLDetailsElement) || !details.open || !details.matches(".disclosure")) return;
    for (const other of document.querySelectorAll("details.disclosure[open]")) if (other !== details) other.open = false;
    if (details === openedByHand) details.querySelector("input:not([type=hidden]):not(:disabled), button")?.focus();
    openedByHand = undefined;
  },
  true,
);

document.addEventListener("keydown", (event) => {
  if (event.key !== "Escape") return;
  const open = document.activeElement?.closest("details.disclosure[open]") ?? document.querySelector("details.disclosure[open]");
  if (!open) return;
  open.open = false;
  open.querySelector("summary")?.focus();
  event.preventDefault();
});

// The job counts refresh every few seconds; not while a queue button has the focus, so that a
// keyboard user does not lose their place.
document.addEventListener("htmx:beforeRequest", (event) => {
  const queues = document.getElementById("admin-queues");
  if (event.detail.elt === queues && queues.contains(document.activeElement) && event.detail.requestConfig?.verb === "get") event.preventDefault();
});

// After a change to the accounts, the focus goes to its outcome: the error, or the users' heading.
document.addEventListener("htmx:afterSettle", (event) => {
  if (event.detail.elt?.id !== "admin-main" || (document.activeElement && document.activeElement !== document.body)) return;
  const target = document.querySelector("#admin-main .form-error") ?? document.getElementById("users-heading");
  if (!target) return;
  target.setAttribute("tabindex", "-1");
  target.focus();
});

document.addEventListener("htmx:responseError", (event) => {
  const page = new DOMParser().parseFromString(event.detail.xhr.responseText, "text/html");
  window.alert(page.querySelector(".card p")?.textContent || "That did not work. Reload the page and try again.");
});
