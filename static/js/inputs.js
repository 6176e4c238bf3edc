/* Typed dates and the file picker (members/forms/widgets.py, templates/_file_pick.html).
   Dates, times and months: a numeric keyboard may have no "/" or ":", so the separators are put in
   as digits are typed (0512 becomes 05/12), unless the user types them. The file picker shows the
   chosen file's name beside its button. Loaded by the pages that have such inputs; installs once. */
(function () {
  "use strict";
  if (window.chiboInputs) return;
  window.chiboInputs = true;

  // Digits to "dd/mm/yyyy", "mm/yyyy" or "HH:MM"; a first digit that cannot start a two-digit
  // day, month or hour stands alone (5 → 5/, 9 → 9:).
  function parts(digits, sizes) {
    var out = [], rest = digits;
    for (var i = 0; i < sizes.length && rest; i++) {
      var size = sizes[i][0];
      if (sizes[i][1] && Number(rest[0]) > sizes[i][1]) size = 1;
      out.push(rest.slice(0, size));
      rest = rest.slice(size);
    }
    return out;
  }
  var LAYOUTS = {
    date: { sizes: [[2, 3], [2, 1], [4, 0]], sep: "/" },
    month: { sizes: [[2, 1], [4, 0]], sep: "/" },
    time: { sizes: [[2, 2], [2, 0]], sep: ":" }
  };
  function format(kind, digits) {
    var layout = LAYOUTS[kind], got = parts(digits, layout.sizes), text = got.join(layout.sep);
    // The separator comes as soon as a part is complete, so the next digit goes after it.
    var n = got.length, size = n && layout.sizes[n - 1], last = n && got[n - 1];
    if (n && n < layout.sizes.length && (last.length === size[0] || (size[1] && Number(last[0]) > size[1]))) {
      text += layout.sep;
    }
    return text;
  }

  document.addEventListener("input", function (event) {
    var input = event.target, kind = input.getAttribute && input.getAttribute("data-typed");
    if (!kind || !LAYOUTS[kind] || event.inputType !== "insertText") return;
    if (input.selectionStart !== input.value.length) return; // editing in the middle: leave it alone
    var sep = LAYOUTS[kind].sep;
    if (event.data === sep && input.value.slice(-2) === sep + sep) {
      input.value = input.value.slice(0, -1); // the user typed the separator this script had put in
      return;
    }
    if (!/^\d$/.test(event.data || "")) return;
    var before = input.value.slice(0, -1), digits = input.value.replace(/\D/g, "");
    // Only while the field holds digits alone or what this script wrote: separators the user
    // typed (1/1/2026) are kept, and so is anything else (2026-12-05).
    if (!/^\d*$/.test(before) && before !== format(kind, before.replace(/\D/g, ""))) return;
    input.value = format(kind, digits);
  });

  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches("input[type=file][data-file-pick]")) return;
    var box = input.closest(".file-pick"), name = box && box.querySelector("[data-file-name]");
    if (!name) return;
    var names = Array.prototype.map.call(input.files || [], function (file) { return file.name; });
    name.textContent = names.length ? names.join(", ") : name.getAttribute("data-none");
  });
})();
