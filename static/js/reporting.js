// The bilan's text editor (templates/reporting/document_detail.html):
// - a figure of the list "Chiffres du bilan" inserts its reference ([[unisvers.participants]])
//   where the cursor was in the last text field used, and gives the focus back to that field;
// - the preview under the form shows each text with the figures the next version will print,
//   updated as the manager types (the page draws it first, so it also works without script).
(function () {
  "use strict";

  var REFERENCE = /\[\[([\s\S]*?)\]\]/g;

  function values() {
    var script = document.getElementById("valeurs-references");
    return script ? JSON.parse(script.textContent) : {};
  }

  function renderPreview(field, preview, known) {
    var text = field.value;
    preview.textContent = "";
    var last = 0;
    var match;
    REFERENCE.lastIndex = 0;
    while ((match = REFERENCE.exec(text)) !== null) {
      preview.appendChild(document.createTextNode(text.slice(last, match.index)));
      var key = match[1].trim();
      var mark = document.createElement("mark");
      mark.className = "ceis-ref";
      if (Object.prototype.hasOwnProperty.call(known, key)) {
        mark.textContent = known[key];
      } else {
        mark.textContent = match[0];
        mark.className += " ceis-ref-unknown";
        mark.title = "Référence inconnue";
      }
      preview.appendChild(mark);
      last = match.index + match[0].length;
    }
    preview.appendChild(document.createTextNode(text.slice(last)));
    if (!text) {
      preview.textContent = "—";
    }
  }

  function init() {
    var fields = document.querySelectorAll("[data-references]");
    if (!fields.length) {
      return;
    }
    var known = values();
    var target = fields[0];
    fields.forEach(function (field) {
      field.addEventListener("focus", function () {
        target = field;
      });
      var preview = document.querySelector('[data-preview-for="' + field.id + '"]');
      if (preview && Object.keys(known).length) {
        field.addEventListener("input", function () {
          renderPreview(field, preview, known);
        });
      }
    });
    document.querySelectorAll("[data-reference]").forEach(function (button) {
      button.addEventListener("click", function () {
        var token = "[[" + button.getAttribute("data-reference") + "]]";
        var start = target.selectionStart === null ? target.value.length : target.selectionStart;
        var end = target.selectionEnd === null ? start : target.selectionEnd;
        target.setRangeText(token, start, end, "end");
        target.dispatchEvent(new Event("input", { bubbles: true }));
        target.focus();
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
