// A meeting's pages offline (loaded on the pages the server lets this user keep: body[data-offline-meeting]).
// Writes go through the phone's queue (queue.js) with their Idempotency-Key and the time of the tap,
// are sent in order, and stay "waiting" on screen until the server has answered. Offline, a banner
// says so with the count waiting; "Gửi ngay" sends at once; Background Sync sends when the network
// returns even if the page was closed.
import { add, flush, items, newKey, notApplied } from "./queue.js";

const body = document.body;
const meeting = body.dataset.offlineMeeting;
const text = JSON.parse(document.getElementById("offline-text").textContent);
let banner;

function el(tag, cls, content) {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (content) node.textContent = content;
  return node;
}

async function render() {
  const waiting = (await items()).filter((item) => item.meeting === meeting);
  const offline = !navigator.onLine;
  banner.hidden = !offline && !waiting.length;
  banner.querySelector("[data-offline-state]").textContent = offline ? text.offline : text.online;
  banner.querySelector("[data-offline-count]").textContent = text.waiting.replace("%(count)s", waiting.length);
  banner.querySelector("button").hidden = !waiting.length;
  const refused = await notApplied();
  const list = banner.querySelector("ul");
  list.replaceChildren(...refused.map((r) => el("li", "", `${r.label}: ${text.reasons[r.reason] || r.reason}`)));
  list.hidden = !refused.length;
  // Each roll row with a mark waiting says so (until the server's row replaces it).
  document.querySelectorAll(".roll > li[data-waiting]").forEach((row) => row.removeAttribute("data-waiting"));
  for (const item of waiting) {
    const row = item.row && document.getElementById(item.row);
    if (!row) continue;
    row.setAttribute("data-waiting", text.pending);
    row.classList.add("on");
    if (item.mark) {
      row.querySelectorAll("[role=group] button").forEach((button) => {
        button.setAttribute("aria-pressed", button.name === item.mark ? "true" : "false");
      });
    }
  }
  document.dispatchEvent(new CustomEvent("chibo:waiting", { detail: { count: waiting.length } }));
}

function onSent(item, response) {
  return response.text().then((html) => {
    document.dispatchEvent(new CustomEvent("chibo:sent", { detail: { item, html, status: response.status } }));
  });
}

let retry = null;
async function sendNow() {
  clearTimeout(retry);
  const result = await flush(onSent);
  await render();
  if (result.stopped && !result.stopped.login) retry = setTimeout(sendNow, navigator.onLine ? 5000 : 30000);
}

async function queue(item) {
  item.key = item.key || newKey();
  item.tapped = item.tapped || Date.now();
  item.meeting = meeting;
  await add(item);
  await render();
  requestSync();
  sendNow();
}

// Background Sync sends the queue when the network returns, even with the page closed. Without it
// (or without a service worker) the page sends on "online", on its next load, or with "Gửi ngay".
function requestSync() {
  if (!navigator.serviceWorker) return;
  navigator.serviceWorker
    .getRegistration()
    .then((registration) => registration && registration.sync && registration.sync.register("chibo-queue"))
    .catch(() => {});
}

function encode(form, submitter) {
  const data = new FormData(form);
  if (submitter && submitter.name) data.append(submitter.name, submitter.value || "");
  return new URLSearchParams(data).toString();
}

// Forms marked data-offline-form (a speech, a petition, a cadre's presence, a minutes step):
// offline they are queued, not lost; online they go as usual, an htmx one with a key, so that a
// request whose answer is lost is queued and sent again with the same key.
document.addEventListener(
  "submit",
  (event) => {
    const form = event.target.closest("form[data-offline-form]");
    if (!form || navigator.onLine) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    const label = form.dataset.offlineForm;
    queue({ url: form.action, body: encode(form, event.submitter), label }).then(() => {
      const note = el("p", "small text-danger mb-1", `${text.saved_here}: ${label}`);
      note.setAttribute("data-offline-note", "");
      form.before(note);
      form.reset();
      // A form kept on the phone carries the key it was rendered with: the next one needs its own.
      const submitKey = form.querySelector("[name=submit_key]");
      if (submitKey) submitKey.value = newKey();
    });
  },
  true,
);

document.addEventListener("htmx:configRequest", (event) => {
  const form = event.detail.elt.closest && event.detail.elt.closest("form[data-offline-form]");
  if (!form) return;
  form.dataset.key = form.dataset.key || newKey();
  form.dataset.tapped = form.dataset.tapped || String(Date.now());
  event.detail.headers["Idempotency-Key"] = form.dataset.key;
  event.detail.headers["X-Tapped-At"] = form.dataset.tapped;
});

document.addEventListener("htmx:afterRequest", (event) => {
  const form = event.detail.elt.closest && event.detail.elt.closest("form[data-offline-form]");
  if (!form) return;
  if (event.detail.successful) {
    delete form.dataset.key;
    delete form.dataset.tapped;
    return;
  }
  if (event.detail.xhr && event.detail.xhr.status) return; // answered (an error the page shows)
  // No answer: the request may or may not have reached the server. Queued with the same key.
  const item = {
    url: form.action,
    body: encode(form),
    label: form.dataset.offlineForm,
    key: form.dataset.key,
    tapped: Number(form.dataset.tapped),
  };
  delete form.dataset.key;
  delete form.dataset.tapped;
  queue(item).then(() => {
    const note = el("p", "small text-danger mb-1", `${text.saved_here}: ${item.label}`);
    note.setAttribute("data-offline-note", "");
    form.before(note);
  });
});

// Logging out with writes waiting would lose them (the server clears this site's data): ask first.
document.addEventListener(
  "submit",
  (event) => {
    const form = event.target;
    if (!form.matches("form[data-logout]") || form.dataset.confirmed) return;
    event.preventDefault();
    items().then((list) => {
      if (list.length && !window.confirm(text.logout)) return;
      form.dataset.confirmed = "1";
      form.requestSubmit();
    });
  },
  true,
);

function start() {
  banner = el("div", "alert alert-warning py-2 px-3 mb-2 d-print-none");
  banner.setAttribute("role", "status");
  banner.setAttribute("aria-live", "polite");
  banner.id = "offline-banner";
  const line = el("div", "d-flex flex-wrap gap-2 align-items-center");
  const state = el("strong", "");
  state.setAttribute("data-offline-state", "");
  const count = el("span", "");
  count.setAttribute("data-offline-count", "");
  const button = el("button", "btn btn-sm btn-danger ms-auto", text.send_now);
  button.type = "button";
  button.addEventListener("click", sendNow);
  line.append(state, count, button);
  const refused = el("ul", "small mb-0 mt-1 text-danger");
  banner.append(line, refused);
  const main = document.querySelector("main");
  main.prepend(banner);
  render();
  if (navigator.onLine) sendNow();
}

window.chiboOffline = { queue, render, sendNow };
window.addEventListener("online", sendNow);
window.addEventListener("offline", render);
if (navigator.serviceWorker) {
  navigator.serviceWorker.addEventListener("message", (event) => {
    if (event.data && event.data.type === "chibo:synced") render();
  });
}
start();
