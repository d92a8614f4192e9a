// Small progressive enhancements; every page works without this file.
document.addEventListener("change", (event) => {
  const select = event.target.closest("select[data-navigate]");
  if (select && select.value) {
    window.location.assign(select.value);
  }
});
document.addEventListener("change", (event) => {
  const field = event.target.closest("form[data-autosubmit] select");
  if (field) {
    field.form.requestSubmit();
  }
});
// Pickers (core/pickers.py): the search box asks the server only through htmx, so it shows only
// when htmx runs; without it the select's bounded list is the picker.
document.addEventListener("htmx:load", (event) => {
  for (const box of event.detail.elt.querySelectorAll("[data-picker-search]")) {
    box.hidden = false;
  }
});
