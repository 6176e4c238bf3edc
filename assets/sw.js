// Chi bộ's service worker, built with Workbox (npm run build:js → static/build/sw.js, served at /sw.js).
//
// Pages: only the pages the server marks for offline use (header X-Chibo-Offline: meeting-<id>,
// sent to the secretary, the chair and the minute-taker of a meeting not yet adopted) are kept,
// and only one meeting's: storing a page of another meeting forgets the first. A page answered
// without the header (logged out, adopted, no longer theirs) is forgotten. Offline, a kept page
// opens from the store; any other page gets the offline page (/offline/).
// Writes: the page queues them (queue.js); Background Sync sends them here when the network returns.
import { registerRoute, setCatchHandler } from "workbox-routing";
import { CacheFirst, NetworkFirst } from "workbox-strategies";
import { ExpirationPlugin } from "workbox-expiration";
import { clientsClaim } from "workbox-core";
import { flush } from "./queue.js";

const PAGES = "chibo-meeting-pages";
const STATIC = "chibo-static";
const FALLBACK = "/offline/";
const MARK = "X-Chibo-Offline";

self.skipWaiting();
clientsClaim();

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(STATIC).then((cache) => cache.add(new Request(FALLBACK, { credentials: "omit" }))));
});

async function forgetOthers(request, meeting) {
  const cache = await caches.open(PAGES);
  for (const key of await cache.keys()) {
    if (key.url === request.url) continue;
    const kept = await cache.match(key);
    if (!kept || kept.headers.get(MARK) !== meeting) await cache.delete(key);
  }
}

export async function forgetAll() {
  await caches.delete(PAGES);
}

const meetingPages = {
  // Kept only when the server says so.
  cacheWillUpdate: async ({ response }) => {
    const meeting = response && response.status === 200 ? response.headers.get(MARK) : null;
    return meeting && /^meeting-\d+$/.test(meeting) ? response : null;
  },
  cacheDidUpdate: async ({ request, newResponse }) => {
    await forgetOthers(request, newResponse.headers.get(MARK));
  },
  // A page answered without the mark is not (or no longer) to be kept.
  fetchDidSucceed: async ({ request, response }) => {
    if (response.ok && !response.headers.get(MARK)) {
      const cache = await caches.open(PAGES);
      await cache.delete(request, { ignoreVary: true });
      if (response.headers.get("X-Chibo-Offline-Forget")) await caches.delete(PAGES);
    }
    return response;
  },
};

registerRoute(
  ({ request, url }) => request.mode === "navigate" && url.origin === self.location.origin,
  new NetworkFirst({ cacheName: PAGES, networkTimeoutSeconds: 8, plugins: [meetingPages] }),
);

registerRoute(
  ({ url }) => url.origin === self.location.origin && url.pathname.startsWith("/static/"),
  new CacheFirst({ cacheName: STATIC, plugins: [new ExpirationPlugin({ maxEntries: 60 })] }),
);

setCatchHandler(async ({ request }) => {
  if (request.mode === "navigate") {
    const fallback = await caches.match(FALLBACK, { cacheName: STATIC });
    if (fallback) return fallback;
  }
  return Response.error();
});

async function tellPages(message) {
  for (const client of await self.clients.matchAll({ type: "window" })) client.postMessage(message);
}

// An open page sends the queue itself (on each tap, on "online", every few seconds while waiting)
// and shows each answer; sending it from here too would race it, and the page would miss the
// answers (the counts) of what was sent here. Background Sync is for a closed page.
async function syncWhenNoPageIsOpen() {
  const pages = await self.clients.matchAll({ type: "window" });
  if (pages.some((page) => page.visibilityState === "visible")) return { sent: 0 };
  return flush();
}

self.addEventListener("sync", (event) => {
  if (event.tag === "chibo-queue") {
    event.waitUntil(
      syncWhenNoPageIsOpen().then(async (result) => {
        await tellPages({ type: "chibo:synced" });
        if (result.stopped && result.stopped.offline) throw new Error("still offline"); // sync retries later
      }),
    );
  }
});

self.addEventListener("message", (event) => {
  if (event.data && event.data.type === "chibo:forget") event.waitUntil(forgetAll());
});
