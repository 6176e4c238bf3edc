/* The searchable branch picker (members/forms/picker.py): typing asks the server for up to 20
   branches whose name contains the text; a tap on one fills the hidden field; an empty box means
   every branch. Installs once, for every picker on the page. */
(function () {
  "use strict";
  if (window.chiboBranchPicker) return;
  window.chiboBranchPicker = true;
  var timer = null;

  function parts(el) {
    var box = el.closest(".branch-picker");
    return box && {
      box: box,
      value: box.querySelector("[data-pick-value]"),
      text: box.querySelector("[data-pick-text]"),
      results: box.querySelector("[data-pick-results]")
    };
  }

  function search(p) {
    var q = p.text.value.trim();
    if (!q) {
      p.value.value = "";
      p.results.innerHTML = "";
      return;
    }
    fetch(p.box.dataset.url + "?q=" + encodeURIComponent(q), { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : ""; })
      .then(function (html) { p.results.innerHTML = html; });
  }

  document.addEventListener("input", function (e) {
    if (!e.target.matches("[data-pick-text]")) return;
    var p = parts(e.target);
    p.value.value = "";
    clearTimeout(timer);
    timer = setTimeout(function () { search(p); }, 250);
  });

  document.addEventListener("click", function (e) {
    var button = e.target.closest("[data-pick-id]");
    if (!button) return;
    var p = parts(button);
    p.value.value = button.dataset.pickId;
    p.text.value = button.childNodes[0].textContent.trim();
    p.results.innerHTML = "";
  });
})();
