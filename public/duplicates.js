// The duplicates page: after htmx replaces a group with its outcome, the focus goes to that outcome
// rather than to the top of the page; a refused change shows why, in place of the buttons.
"use strict";

document.addEventListener("htmx:afterSwap", (event) => {
  // An outerHTML swap leaves the old element detached: the outcome is found by its id.
  const id = event.detail.target instanceof Element ? event.detail.target.id : "";
  const group = id ? document.getElementById(id) : null;
  if (group?.matches(".duplicate-group.is-done")) focusIfLost(group.querySelector("p"));
});

document.addEventListener("htmx:responseError", (event) => {
  const form = event.detail.elt instanceof Element ? event.detail.elt.closest(".duplicate-group form") : null;
  if (!form) return;
  let error = form.querySelector(".form-error");
  if (!error) {
    error = document.createElement("p");
    error.className = "form-error";
    error.setAttribute("role", "alert");
    form.prepend(error);
  }
  error.textContent = refusalOf(event.detail.xhr);
});
