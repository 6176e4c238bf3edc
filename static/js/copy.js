/* A "copy" button (templates/accounts/two_factor_setup.html): copies the text of the element named
   by data-copy, without its spaces, and says so on the button for a few seconds. The button is
   hidden until this runs and the browser can copy; without it the key is still there to type. */
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    if (!navigator.clipboard) return;
    document.querySelectorAll("button[data-copy]").forEach(function (button) {
      var label = button.textContent;
      button.hidden = false;
      button.addEventListener("click", function () {
        var source = document.getElementById(button.dataset.copy);
        navigator.clipboard.writeText(source.textContent.replace(/\s+/g, "")).then(function () {
          button.textContent = button.dataset.copied;
          setTimeout(function () { button.textContent = label; }, 3000);
        });
      });
    });
  });
})();
