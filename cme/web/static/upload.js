// Polls an import's status and moves the progress bar; reloads the page when it finishes so
// the server can show the summary or the problems. A failed or interrupted import is never
// drawn as a full, successful bar.
(function () {
  "use strict";
  var box = document.getElementById("import");
  if (!box || box.dataset.finished === "true") return;
  var bar = document.getElementById("import-progress");
  var stage = document.getElementById("import-stage");
  var label = document.getElementById("import-label");
  var note = document.getElementById("import-note");
  function show(s) {
    if (s.failed) {
      bar.hidden = true;
    } else {
      bar.value = s.progress;
      bar.textContent = s.progress + "%";
    }
    bar.classList.toggle("interrupted", !!s.interrupted);
    var word = s.interrupted ? "Interrupted" : s.label;
    if (label && label.textContent !== word) {
      label.textContent = word;
      label.className = "status s-" + s.status + (s.interrupted ? " s-interrupted" : "");
    }
    if (stage.textContent !== s.stage) stage.textContent = s.stage;
    if (note && note.textContent !== s.note) note.textContent = s.note;
    if (note) note.hidden = !s.note;
  }
  function poll() {
    fetch(box.dataset.statusUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (s) {
        show(s);
        if (s.finished) { window.location.reload(); }
        else { window.setTimeout(poll, s.interrupted ? 5000 : 400); }
      })
      .catch(function () { window.setTimeout(poll, 2000); });
  }
  window.setTimeout(poll, 200);
})();
