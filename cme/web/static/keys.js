// One key for a button or link that names it in data-key (e.g. "c" to confirm a match), unless
// the person is typing in a field or holding a modifier.
var pressed = false;
// A page brought back from the browser's cache (Back) takes keys again.
window.addEventListener("pageshow", function () { pressed = false; });
document.addEventListener("keydown", function (event) {
  if (pressed || event.ctrlKey || event.metaKey || event.altKey || event.repeat) return;
  var target = event.target;
  if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) return;
  var key = (event.key || "").toLowerCase();
  if (key.length !== 1) return;
  var found = document.querySelector('[data-key="' + key + '"]');
  if (!found) return;
  event.preventDefault();
  if (found.tagName === "A") { window.location.href = found.href; return; }
  pressed = true;  // one press, one decision
  if (found.form.requestSubmit) found.form.requestSubmit(found); else found.form.submit();
});
