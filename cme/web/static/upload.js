// Polls an import's status and moves the progress bar; reloads the page when it finishes so
// the server can show the summary or the errors.
(function () {
  "use strict";
  var box = document.getElementById("import");
  if (!box || box.dataset.finished === "true") return;
  var bar = document.getElementById("import-progress");
  var stage = document.getElementById("import-stage");
  function poll() {
    fetch(box.dataset.statusUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (s) {
        bar.value = s.progress;
        bar.textContent = s.progress + "%";
        if (stage.textContent !== s.stage) stage.textContent = s.stage;
        if (s.finished) { window.location.reload(); } else { window.setTimeout(poll, 400); }
      })
      .catch(function () { window.setTimeout(poll, 2000); });
  }
  window.setTimeout(poll, 200);
})();
