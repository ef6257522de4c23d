// Keeps the Pseudonymise page usable without a network once it has loaded (issue 15): the page
// itself and the static scripts it runs (the React bundle, the hashing Web Worker) are kept in
// this browser's cache. Nothing is ever sent from here; the page holds no partner data (it only
// holds the tool), and every other address of the portal is left alone.
const CACHE = "pseudonymise-v1";
const PAGE = "/pseudonymise";

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) if (name.startsWith("pseudonymise-") && name !== CACHE) await caches.delete(name);
      await self.clients.claim();
    })(),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  const page = request.mode === "navigate" && url.pathname === PAGE;
  // Built assets have content hashes in their names: a cached copy is never stale.
  const asset = url.pathname.startsWith("/_next/static/");
  if (!page && !asset) return;
  event.respondWith(
    (async () => {
      const cache = await caches.open(CACHE);
      if (asset) {
        const hit = await cache.match(request);
        if (hit) return hit;
        const response = await fetch(request);
        if (response.ok) await cache.put(request, response.clone());
        return response;
      }
      // The page: the network when there is one (fresh, and the sign-in check), else the last copy.
      try {
        const response = await fetch(request);
        if (response.ok && !response.redirected) await cache.put(PAGE, response.clone());
        return response;
      } catch (error) {
        const hit = await cache.match(PAGE);
        if (hit) return hit;
        throw error;
      }
    })(),
  );
});
