// The phone's queue of writes (IndexedDB, through idb-keyval), shared by the page (offline.js) and
// the service worker (sw.js, on Background Sync). Each write keeps the Idempotency-Key made when it
// was tapped and the time of the tap: sending it twice (the page and the worker at once, a retry
// after a lost answer) applies it once on the server (meetings.offline).
import { createStore, get, set, update, del } from "idb-keyval";

const store = createStore("chibo-offline", "queue");
const ITEMS = "items";

export function newKey() {
  if (self.crypto && self.crypto.randomUUID) return self.crypto.randomUUID();
  const bytes = self.crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export async function items() {
  return (await get(ITEMS, store)) || [];
}

export async function add(item) {
  await update(ITEMS, (list) => (list || []).concat([item]), store);
}

export async function remove(key) {
  await update(ITEMS, (list) => (list || []).filter((item) => item.key !== key), store);
}

export async function clear() {
  await del(ITEMS, store);
  await set("notApplied", [], store);
}

export async function noteNotApplied(item, reason) {
  await update("notApplied", (list) => (list || []).concat([{ label: item.label, reason }]).slice(-50), store);
}

export async function notApplied() {
  return (await get("notApplied", store)) || [];
}

// Sends one write. Resolves to {done, response}: done when the server has answered for good (saved,
// or refused with a reason, which the queue then forgets); not done when the network failed, the
// server failed, or the user must load a page or log in again (the write stays queued).
export async function send(item) {
  let response;
  try {
    response = await fetch(item.url, {
      method: "POST",
      body: item.body,
      credentials: "same-origin",
      redirect: "follow",
      headers: {
        "Content-Type": "application/x-www-form-urlencoded",
        "Idempotency-Key": item.key,
        "X-Tapped-At": String(item.tapped),
        "HX-Request": "true",
      },
    });
  } catch (error) {
    return { done: false, offline: true };
  }
  if (response.status >= 500 || response.status === 403 || response.status === 429) return { done: false, response };
  if (response.redirected && new URL(response.url).pathname.startsWith("/login")) return { done: false, login: true };
  return { done: true, response };
}

// Sends the queue in order, one write at a time, stopping at the first that cannot be sent.
// ``onSent(item, response)`` is called for each write the server answered.
let flushing = null;
export function flush(onSent) {
  if (flushing) return flushing;
  flushing = (async () => {
    let sent = 0;
    for (;;) {
      const list = await items();
      if (!list.length) break;
      const item = list[0];
      const result = await send(item);
      if (!result.done) return { sent, stopped: result };
      const reason = result.response.headers.get("X-Chibo-Not-Applied");
      if (reason) await noteNotApplied(item, reason);
      await remove(item.key);
      sent += 1;
      if (onSent) await onSent(item, result.response);
    }
    return { sent };
  })().finally(() => {
    flushing = null;
  });
  return flushing;
}
