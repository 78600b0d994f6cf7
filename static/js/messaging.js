// Live count of an SMS template's characters (GSM-7: the extension table counts twice; a
// character outside the alphabet is named). The server's preview, filled with an example,
// stays the reference: this count is of the template's text as typed.
(function () {
  "use strict";
  var BASIC = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡" +
    "ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
  var EXTENDED = "^{}\\[~]|€\f";

  function count(text) {
    var length = 0;
    var outside = [];
    for (var i = 0; i < text.length; i++) {
      var c = text.charAt(i);
      if (EXTENDED.indexOf(c) >= 0) { length += 2; }
      else { length += 1; if (BASIC.indexOf(c) < 0 && outside.indexOf(c) < 0) { outside.push(c); } }
    }
    return { length: length, outside: outside };
  }

  function update(area, output) {
    var result = count(area.value.replace(/\r\n/g, "\n"));
    var text = "Texte du modèle : " + result.length + " caractère" + (result.length > 1 ? "s" : "") +
      " (les champs entre accolades sont remplacés à l'envoi).";
    if (result.outside.length) {
      text += " Hors de l'alphabet des SMS : « " + result.outside.join(" », « ") + " ».";
    }
    output.textContent = text;
    output.classList.toggle("text-danger", result.outside.length > 0);
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("textarea[data-sms-counter]").forEach(function (area) {
      var output = document.getElementById(area.getAttribute("data-sms-counter"));
      if (!output) { return; }
      area.addEventListener("input", function () { update(area, output); });
      update(area, output);
    });
  });
})();
