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

  // A menu group (a <details> of the menu bar) closes on Escape, the
  // cursor back on its name, and when the reader clicks elsewhere. The
  // browser itself opens one group at a time (they share a name).
  document.addEventListener("keydown", function (event) {
    var group = event.key === "Escape" && event.target.closest && event.target.closest("nav details[open]");
    if (group) {
      group.open = false;
      group.querySelector("summary").focus();
    }
  });
  document.addEventListener("click", function (event) {
    document.querySelectorAll("nav details[open]").forEach(function (group) {
      if (!group.contains(event.target)) {
        group.open = false;
      }
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

  // A scan field (data-scan="/url"): a USB scanner types a barcode then
  // Enter. Enter asks the server what the barcode names instead of sending
  // the form; the answer (a fragment) goes into data-scan-target, and the
  // cursor moves to data-scan-next once a product was found.
  document.addEventListener("keydown", function (event) {
    var input = event.target;
    if (event.key !== "Enter" || !input.matches || !input.matches("input[data-scan]")) {
      return;
    }
    event.preventDefault();
    var target = document.getElementById(input.dataset.scanTarget);
    var url = input.dataset.scan + "?barcode=" + encodeURIComponent(input.value.trim());
    fetch(url, { credentials: "same-origin", headers: { "HX-Request": "true" } })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        target.innerHTML = html;
        var next = document.getElementById(input.dataset.scanNext);
        if (target.querySelector("[data-found]") && next) {
          next.focus();
          next.select();
        } else {
          input.select();
        }
      });
  });

  // The count screen's scan-or-search field (data-count-search="#list"):
  // typing narrows the lines by code or name; Enter on a barcode or a
  // code puts the cursor in its line's count, the line in view.
  function countLines(input) {
    return document.querySelectorAll(input.dataset.countSearch + " > li");
  }
  document.addEventListener("input", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches("input[data-count-search]")) {
      return;
    }
    var q = input.value.trim().toLowerCase();
    countLines(input).forEach(function (line) {
      var match = !q || line.dataset.code.indexOf(q) >= 0 || line.dataset.name.indexOf(q) >= 0 ||
        line.dataset.barcode === q;
      line.hidden = !match;
    });
    document.getElementById("scan-missing").hidden = true;
  });
  document.addEventListener("keydown", function (event) {
    var input = event.target;
    if (event.key !== "Enter" || !input.matches || !input.matches("input[data-count-search]")) {
      return;
    }
    event.preventDefault();
    var q = input.value.trim().toLowerCase();
    var found = null;
    countLines(input).forEach(function (line) {
      if (!found && q && (line.dataset.barcode === q || line.dataset.code === q)) {
        found = line;
      }
    });
    if (!found) {
      var shown = Array.prototype.filter.call(countLines(input), function (line) { return !line.hidden; });
      found = shown.length === 1 ? shown[0] : null;
    }
    document.getElementById("scan-missing").hidden = !!found;
    if (found) {
      countLines(input).forEach(function (line) { line.hidden = false; });
      var count = found.querySelector("input[name=counted]");
      found.scrollIntoView({ block: "center" });
      count.focus();
      count.select();
    } else {
      input.select();
    }
  });

  // A form freed once htmx has its answer, for another try.
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.detail.elt;
    if (form.dataset) {
      delete form.dataset.submitting;
    }
  });

  // A form swapped in by htmx with data-refocus="#field" hands the cursor
  // back, emptied, to that field (on the count screen, the next scan),
  // unless it came back refused: then the cursor stays in it to correct.
  // After the settle, since htmx puts the focus back where it was.
  document.addEventListener("htmx:afterSettle", function (event) {
    var swapped = event.target;
    var form = swapped.querySelector && swapped.querySelector("form[data-refocus]");
    if (!form) {
      return;
    }
    var wrong = form.querySelector("[aria-invalid=true]");
    var field = wrong || document.querySelector(form.dataset.refocus);
    if (!wrong) {
      field.value = "";
    }
    field.focus();
    field.select();
  });
})();
