// Comptoir's own script: small behaviours every page shares. Pages work
// without it; it only saves clicks and double submissions.
(function () {
  "use strict";

  // A form acts once: a second submit while the first is on its way
  // (a double click, a double Enter) is dropped.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.method && form.method.toLowerCase() === "get") {
      return;
    }
    if (form.dataset.submitting === "1") {
      event.preventDefault();
      return;
    }
    form.dataset.submitting = "1";
    form.querySelectorAll("button[type=submit], button:not([type])").forEach(function (button) {
      button.setAttribute("aria-disabled", "true");
    });
  }, true);

  // Coming back with the back button shows the page as it was left.
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form[data-submitting]").forEach(function (form) {
      delete form.dataset.submitting;
      form.querySelectorAll("[aria-disabled]").forEach(function (button) {
        button.removeAttribute("aria-disabled");
      });
    });
  });

  // A select marked data-autosubmit submits its form when changed.
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.matches && target.matches("select[data-autosubmit]") && target.form) {
      target.form.requestSubmit();
    }
  });

  // Enter in an input marked data-no-submit (a search box listing
  // choices below it) does not send its form.
  document.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && event.target.matches && event.target.matches("input[data-no-submit]")) {
      event.preventDefault();
    }
  });

  // A button marked data-remove="selector" takes its closest such element
  // out of the page (a row of the document editor) instead of sending the
  // form, and says the form changed so the server recomputes what follows.
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button[data-remove]");
    if (!button) {
      return;
    }
    var gone = button.closest(button.dataset.remove);
    var form = button.form;
    if (!gone || !form) {
      return;
    }
    event.preventDefault();
    gone.remove();
    form.dispatchEvent(new Event("change", { bubbles: true }));
  });
})();
