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
