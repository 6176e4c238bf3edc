// Registers the service worker (/sw.js, built with Workbox: assets/sw.js) once the page has loaded,
// so that it never slows the first page; on a meeting page kept offline, loads the offline script then. Logging out forgets the pages it kept (the server's
// Clear-Site-Data answer does the same, and the queue of writes with them).
(function () {
  "use strict";
  if (!("serviceWorker" in navigator)) return;
  window.addEventListener("load", function () {
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () {});
    // A meeting page kept for offline use: its queue and banner (build/offline.js), after the page too.
    var script = document.body.dataset.offlineScript;
    if (script) {
      var tag = document.createElement("script");
      tag.src = script;
      document.head.appendChild(tag);
    }
  });
  document.addEventListener("submit", function (event) {
    if (!event.target.matches("form[data-logout]") || !window.caches) return;
    caches.delete("chibo-meeting-pages");
  });
})();
