// Administration in the browser: the focus kept in place while the job counts refresh and after
// htmx swaps the accounts in. Its panels are app.js's. The page works without this file.
"use strict";

// The job counts refresh every few seconds; not while a queue button has the focus, so that a
// keyboard user does not lose their place.
document.addEventListener("htmx:beforeRequest", (event) => {
  const queues = document.getElementById("admin-queues");
  if (
    event.detail.elt === queues &&
    queues.contains(document.activeElement) &&
    event.detail.requestConfig?.verb === "get"
  )
    event.preventDefault();
});

// The libraries' progress refreshes likewise, but not under a focused button or an open "Delete…".
document.addEventListener("htmx:beforeRequest", (event) => {
  const list = document.getElementById("library-list");
  if (event.detail.elt !== list || event.detail.requestConfig?.verb !== "get") return;
  if (list.contains(document.activeElement) || list.querySelector("details[open]")) event.preventDefault();
});

// After a change to the libraries, the focus goes to its outcome: the error, or the section's heading.
document.addEventListener("htmx:afterSettle", (event) => {
  if (event.detail.elt?.id === "admin-libraries")
    focusIfLost(document.querySelector("#admin-libraries .form-error") ?? document.getElementById("libraries-heading"));
});

// After a change to the accounts, the focus goes to its outcome: the error, or the users' heading.
document.addEventListener("htmx:afterSettle", (event) => {
  if (event.detail.elt?.id === "admin-main")
    focusIfLost(document.querySelector("#admin-main .form-error") ?? document.getElementById("users-heading"));
  // "Check now" swapped the integrity section, its own button with it, in place.
  if (event.detail.elt?.id === "admin-integrity" && event.detail.requestConfig?.verb === "post")
    focusIfLost(document.getElementById("integrity-heading"));
});

document.addEventListener("htmx:responseError", (event) => window.alert(refusalOf(event.detail.xhr)));
