// CEIS front-end behaviour. No inline scripts anywhere (CSP): everything lives in static files.
document.addEventListener("keydown", (event) => {
  // Escape closes the header's search results.
  if (event.key === "Escape") {
    const results = document.getElementById("recherche-resultats");
    if (results) results.innerHTML = "";
  }
});

// One-tap forms (the visit counter's "+1 visite"): a second tap before the next page comes is
// ignored, so that a bounce of the finger sends one form, not two (the server also counts one:
// the form's token and a short-window guard).
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || !form.classList.contains("ceis-once")) return;
  if (form.dataset.sent) {
    event.preventDefault();
    return;
  }
  form.dataset.sent = "1";
});
// Back to a page kept in the browser's memory: its forms can be sent again.
window.addEventListener("pageshow", (event) => {
  if (!event.persisted) return;
  document.querySelectorAll("form.ceis-once").forEach((form) => delete form.dataset.sent);
});

// A field that matters for one answer only (the dropout reason, for an abandon): its block
// `.ceis-shown-if[data-field][data-value]` is hidden while the field `data-field` of the same
// form has another value. Without JavaScript it stays visible, with its help text.
function ceisShowIfs(root) {
  root.querySelectorAll(".ceis-shown-if[data-field]").forEach((block) => {
    const form = block.closest("form");
    if (!form) return;
    const controls = form.querySelectorAll(`[name="${CSS.escape(block.dataset.field)}"]`);
    const value = Array.from(controls)
      .filter((control) => control.type !== "radio" || control.checked)
      .map((control) => control.value)[0];
    const shown = value === block.dataset.value || block.querySelector(".is-invalid") !== null;
    block.hidden = !shown;
  });
}
document.addEventListener("DOMContentLoaded", () => ceisShowIfs(document));
document.addEventListener("change", (event) => {
  const form = event.target.form;
  if (form) ceisShowIfs(form);
});

// Back on a page at the entry just saved (`#suivi-<id>`): the focus goes there too, so that a
// keyboard or screen reader user continues from it.
document.addEventListener("DOMContentLoaded", () => {
  if (!window.location.hash) return;
  const target = document.getElementById(decodeURIComponent(window.location.hash.slice(1)));
  if (target && target.classList.contains("ceis-anchor-target")) target.focus();
});
