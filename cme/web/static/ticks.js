// "Tick every case on this page": a checkbox with data-ticks="name" ticks or clears every
// checkbox of that name in its form. Without scripts each case is ticked one by one.
document.addEventListener("change", (event) => {
  const all = event.target;
  if (!(all instanceof HTMLInputElement) || !all.dataset.ticks) return;
  for (const box of all.form.querySelectorAll(`input[type=checkbox][name="${all.dataset.ticks}"]`)) {
    box.checked = all.checked;
  }
});
