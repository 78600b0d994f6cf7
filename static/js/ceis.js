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
