// A page's "Print" button (data-print): shown only where scripts run, since it needs one; the
// browser's own Print does the same without it.
for (const button of document.querySelectorAll("button[data-print]")) {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
}
