// Search in the browser: empty fields stay out of the address ("More" is app.js's). The page works
// without this file.
"use strict";

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
