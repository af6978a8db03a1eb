// Search in the browser: "More" brings the next results in place (htmx), and the focus goes to the
// first of them rather than to the top of the page. The page works without this file.
"use strict";

let loading;

document.addEventListener("htmx:beforeRequest", (event) => {
  const more = event.detail.elt instanceof Element ? event.detail.elt.closest(".more") : null;
  const results = more?.closest(".search-results");
  loading = results ? { results, count: results.querySelectorAll(".tile").length } : undefined;
});

document.addEventListener("htmx:afterSettle", () => {
  if (!loading) return;
  loading.results.querySelectorAll(".tile")[loading.count]?.focus();
  loading = undefined;
});

// Empty fields stay out of the address, so that a search reads and shares well.
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || !form.matches(".search-form")) return;
  for (const field of form.querySelectorAll("input[name], select[name]")) {
    if ((field instanceof HTMLInputElement && field.type === "checkbox") || field.value !== "") continue;
    field.disabled = true;
  }
  // Back in history, the fields are there again.
  setTimeout(() => form.querySelectorAll(":disabled").forEach((field) => (field.disabled = false)));
});
