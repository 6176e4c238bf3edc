// Roll call pages. No inline scripts (CSP): behaviour is attached here.
(function () {
  "use strict";

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-print]");
    if (button) {
      event.preventDefault();
      window.print();
    }
  });

  // Names folded like the server's members.text.search_key: no accents, đ → d, lower case.
  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d").replace(/Đ/g, "D")
      .replace(/\s+/g, " ").trim().toLowerCase();
  }

  // --- The search box: filters the rows as the secretary types ----------------
  function setupSearch() {
    var input = document.querySelector("[data-roll-search]");
    if (!input) return;
    var none = document.querySelector("[data-roll-none]");
    input.hidden = false;
    // Each word typed starts a word of the name (or its number): "oan" finds Oanh, not Hoàng.
    input.addEventListener("input", function () {
      var words = fold(input.value.replace(/[().,#]/g, " ")).split(" ").filter(Boolean);
      var shown = 0;
      document.querySelectorAll(".roll > li[id]").forEach(function (row) {
        if (!row.dataset.key) row.dataset.key = " " + fold(row.querySelector("span").textContent).replace(/[().,#]/g, " ");
        var key = row.dataset.key;
        var match = words.every(function (word) { return key.indexOf(" " + word) !== -1; });
        row.hidden = !match;
        if (match) shown += 1;
      });
      if (none) none.hidden = shown > 0;
    });
  }

  // The sticky counts and search never cover a row: the page scrolls past them.
  function padScroll() {
    var top = document.getElementById("roll-top");
    if (!top) return;
    var set = function () {
      document.documentElement.style.setProperty("--roll-top", (top.offsetHeight + 8) + "px");
    };
    set();
    window.addEventListener("resize", set);
    if (window.ResizeObserver) new ResizeObserver(set).observe(top);
  }

  // --- Marks: shown at once, sent in order, retried until the server answers -----
  // The server sets a mark (it never adds one), so sending the same mark twice changes nothing:
  // a retry after a lost answer is safe. One pending mark per row: a newer tap replaces it.
  var queue = [];
  var sending = false;
  var delay = 1000;
  var timer = null;
  var status = document.querySelector("[data-roll-queue]");

  function showWaiting(waiting) {
    status = status || document.querySelector("[data-roll-queue]");
    if (status) status.hidden = !waiting;
  }

  function optimistic(row, form, submitter) {
    if (!submitter || !submitter.name) return;
    row.classList.add("on");
    form.querySelectorAll("[role=group] button").forEach(function (button) {
      button.setAttribute("aria-pressed", button === submitter ? "true" : "false");
    });
    row.setAttribute("aria-busy", "true");
  }

  // A key per tap (meetings.offline): a retry of the same tap is applied once; with the time of the
  // tap, the later of two taps on the same member wins, whatever the order they arrive in.
  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return "10000000-1000-4000-8000-100000000000".replace(/[018]/g, function (c) {
      return (c ^ (crypto.getRandomValues(new Uint8Array(1))[0] & (15 >> (c / 4)))).toString(16);
    });
  }

  function enqueue(row, form, submitter) {
    var body = new FormData(form);
    if (submitter && submitter.name) body.append(submitter.name, submitter.value || "");
    // On a meeting kept for offline use (build/offline.js), the phone's queue sends it.
    if (window.chiboOffline) {
      var name = row.querySelector("span").textContent;
      var mark = submitter && submitter.name ? submitter.name : body.get("mark");
      window.chiboOffline.queue({
        url: form.action,
        body: new URLSearchParams(body).toString(),
        row: row.id,
        mark: mark,
        label: name + (submitter && submitter.name ? " – " + submitter.textContent : ""),
      });
      return;
    }
    var job = {
      id: row.id, url: form.action, body: body, focus: row.contains(document.activeElement),
      key: newKey(), tapped: String(Date.now()),
    };
    queue = queue.filter(function (other) { return other.id !== job.id; });
    queue.push(job);
    send();
  }

  function swap(job, html) {
    var holder = document.createElement("template");
    holder.innerHTML = html;
    var fresh = holder.content.querySelector("li");
    var outOfBand = holder.content.querySelectorAll("[hx-swap-oob]");
    var old = document.getElementById(job.id);
    var waiting = queue.some(function (other) { return other.id === job.id; });
    if (fresh && old && !waiting) {
      var hadFocus = old.contains(document.activeElement) || job.focus;
      fresh.hidden = old.hidden;
      old.replaceWith(fresh);
      if (hadFocus) {
        var target = fresh.querySelector("[autofocus]") || fresh.querySelector("[aria-pressed=true]")
          || fresh.querySelector("button");
        if (target) target.focus({ preventScroll: true });
      }
    }
    // The counts and the "were present" button, from the same counts: swapped together.
    Array.prototype.forEach.call(outOfBand, function (part) {
      part.removeAttribute("hx-swap-oob");
      var current = document.getElementById(part.id);
      if (current) current.replaceWith(part);
    });
  }

  function retryLater() {
    showWaiting(true);
    clearTimeout(timer);
    timer = setTimeout(send, delay);
    delay = Math.min(delay * 2, 30000);
  }

  function send() {
    if (sending || !queue.length) return;
    var job = queue.shift();
    sending = true;
    fetch(job.url, {
      method: "POST",
      body: job.body,
      credentials: "same-origin",
      headers: { "HX-Request": "true", "Idempotency-Key": job.key, "X-Tapped-At": job.tapped },
    }).then(function (response) {
      if (response.status >= 500 || response.status === 429) throw new Error("server " + response.status);
      return response.text().then(function (html) {
        sending = false;
        delay = 1000;
        if (response.ok && !response.redirected) {
          swap(job, html);
        } else {
          // Refused (locked, no longer on the roll) or sent to the login page: reload to show why.
          window.location.reload();
          return;
        }
        if (!queue.length) showWaiting(false);
        send();
      });
    }).catch(function () {
      sending = false;
      // Put it back unless a newer tap on the same row is already waiting.
      if (!queue.some(function (other) { return other.id === job.id; })) queue.unshift(job);
      retryLater();
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var row = form.closest(".roll > li[id]");
    if (!row || !window.fetch) return;
    event.preventDefault();
    var submitter = event.submitter;
    optimistic(row, form, submitter);
    enqueue(row, form, submitter);
  });

  // The phone's queue says how many writes wait: the note under the search box follows it.
  document.addEventListener("chibo:waiting", function (event) {
    showWaiting(event.detail.count > 0);
  });

  // A mark the phone's queue has sent: the server's row replaces the one shown.
  document.addEventListener("chibo:sent", function (event) {
    var item = event.detail.item;
    if (!item.row || event.detail.status !== 200) return;
    swap({ id: item.row, focus: false }, event.detail.html);
  });

  window.addEventListener("online", function () {
    delay = 1000;
    clearTimeout(timer);
    send();
  });

  // Leaving with marks not yet sent: the browser asks first.
  window.addEventListener("beforeunload", function (event) {
    if (queue.length || sending) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  function start() {
    setupSearch();
    padScroll();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
