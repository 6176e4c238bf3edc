// A box above each <select data-filter> that narrows its options as you type, without accents
// (like the member search). No inline scripts (CSP): attached here.
(function () {
  "use strict";

  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d").replace(/Đ/g, "D")
      .replace(/\s+/g, " ").trim().toLowerCase();
  }

  function attach(select) {
    var box = document.createElement("input");
    box.type = "search";
    box.className = "form-control mb-1";
    box.autocomplete = "off";
    box.placeholder = select.dataset.filter;
    var label = select.labels && select.labels[0];
    box.setAttribute("aria-label", (label ? label.textContent.trim() + ": " : "") + box.placeholder);
    select.parentNode.insertBefore(box, select);
    var options = Array.prototype.slice.call(select.options);
    // Each word typed starts a word of the label: "oan" finds Oanh, not Hoàng; "oanh 1962" one of two.
    options.forEach(function (option) { option.dataset.key = " " + fold(option.textContent.replace(/[().,#]/g, " ")); });
    box.addEventListener("input", function () {
      var words = fold(box.value.replace(/[().,#]/g, " ")).split(" ").filter(Boolean);
      var key = words.length > 0;
      var matches = [];
      options.forEach(function (option) {
        var match = !option.value || !key || words.every(function (word) {
          return option.dataset.key.indexOf(" " + word) !== -1;
        });
        option.hidden = !match;
        option.disabled = !match && option.value !== select.value;
        if (match && option.value) matches.push(option);
      });
      if (key && matches.length === 1) select.value = matches[0].value;
      select.size = key && matches.length > 1 ? Math.min(matches.length + 1, 6) : 0;
    });
  }

  function start() {
    document.querySelectorAll("select[data-filter]").forEach(attach);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
