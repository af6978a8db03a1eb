// Administration in the browser: the focus kept in place while the job counts refresh and after
// htmx swaps the accounts in. Its panels are app.js's. The page works without this file.
"use strict";

// The job counts refresh every few seconds; not while a queue button has the focus, so that a
// keyboard user does not lose their place.
document.addEventListener("htmx:beforeRequest", (event) => {
  const queues = document.getElementById("admin-queues");
  if (event.detail.elt === queues && queues.contains(document.activeElement) && event.detail.requestConfig?.verb === "get") event.preventDefault();
});

// After a change to the accounts, the focus goes to its outcome: the error, or the users' heading.
document.addEventListener("htmx:afterSettle", (event) => {
  if (event.detail.elt?.id === "admin-main") focusIfLost(document.querySelector("#admin-main .form-error") ?? document.getElementById("users-heading"));
});

document.addEventListener("htmx:responseError", (event) => window.alert(refusalOf(event.detail.xhr)));
