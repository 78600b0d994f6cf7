// Vill@ges connectés. No inline scripts (CSP). The check-in works without this file; it only
// keeps the keyboard focus on the button that was just toggled after htmx swaps the row.
document.addEventListener("htmx:afterSwap", (event) => {
  const row = event.detail.target;
  if (row && row.classList && row.classList.contains("vc-checkin-row")) {
    const button = document.querySelector(`#${CSS.escape(row.id)} .vc-toggle`);
    if (button) button.focus();
  }
});
