// The offline classroom: after a first visit the playground works with the server gone. At install
// this worker stores the site's pages, scripts, styles and weights (the build writes their list and
// a version, a hash of every file, over the two placeholders below: scripts/service-worker.mjs);
// the page then hands it the module build it loaded (www/app.js), the only large file, so one
// build is kept, not both. Requests go to the network first, so an online visit always gets the
// current files and refreshes the cache; the cache answers only when the network fails. A new
// build is a new version: the browser installs the new worker, which stores the new build's files
// (those on its list and those the old cache held besides) and then drops the old cache.
const VERSION = 'development';
const PRECACHE = [];
const CACHE = `playground-${VERSION}`;

// What an earlier version stored beyond its list (the module build its pages loaded), fetched
// anew for this version, so the site works offline right after an update too. Failures are
// left for the page to hand over again.
async function carryOver(cache) {
  for (const name of await caches.keys()) {
    if (!name.startsWith('playground-') || name === CACHE) continue;
    const old = await caches.open(name);
    for (const request of await old.keys()) {
      if (!(await cache.match(request, { ignoreSearch: true }))) await cache.add(request.url).catch(() => {});
    }
  }
}

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE)
    .then((cache) => cache.addAll(PRECACHE).then(() => carryOver(cache)))
    .then(() => self.skipWaiting()));
});

// Pages opened before the worker was there stay uncontrolled (no clients.claim()): the next load
// is the first the worker answers.
self.addEventListener('activate', (event) => {
  event.waitUntil(caches.keys()
    .then((names) => Promise.all(names.filter((n) => n.startsWith('playground-') && n !== CACHE).map((n) => caches.delete(n)))));
});

// From the page: `{ keep: [urls] }`, the files it loaded; the reply says when they are stored.
self.addEventListener('message', (event) => {
  const urls = (event.data?.keep ?? []).filter((u) => new URL(u).origin === self.location.origin);
  event.waitUntil(caches.open(CACHE)
    .then((cache) => Promise.all(urls.map((u) => cache.match(u).then((hit) => hit ?? cache.add(u)))))
    .then(() => event.source?.postMessage({ kept: urls.length, version: VERSION }), (e) => event.source?.postMessage({ error: String(e) })));
});

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET' || new URL(request.url).origin !== self.location.origin) return;
  event.respondWith(fetch(request).then((response) => {
    if (response.ok && response.type === 'basic') {
      const copy = response.clone();
      caches.open(CACHE).then((cache) => cache.put(request, copy));
    }
    return response;
  }, async (offline) => {
    // A page's URL carries its settings (?demo=...): any query finds the page.
    const hit = await caches.match(request, { ignoreSearch: request.mode === 'navigate' });
    if (hit) return hit;
    throw offline;
  }));
});
