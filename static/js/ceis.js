// CEIS front-end behaviour. No inline scripts anywhere (CSP): everything lives in static files.
document.addEventListener("keydown", (event) => {
  // Escape closes the header's search results.
  if (event.key === "Escape") {
    const results = document.getElementById("recherche-resultats");
    if (results) results.innerHTML = "";
  }
});
