// The service worker (issue #23): the app opens and works without a network.
// Written by hand (no workbox): what it keeps and why fits on this page.
//
// - The app shell — index.html, the manifest, the icons, and the chunks the
//   director's pages need offline (home, children's list, record and form,
//   the sync page, the offline unlock page) — is kept at install, named in
//   PRECACHE by the build (vite.config.js), in a cache per build.
// - Hashed assets (/assets/…) never change under a name: from the cache,
//   else from the network and kept.
// - Pages (navigations) get index.html from the cache at once, refreshed
//   in the background: a repeat visit costs no round trip for the shell.
// - GET /api/v1/codes (public code tables, nobody's data) likewise.
// - Nothing else of the API is ever kept here: people's records live only
//   in the app's encrypted vault (offline/vault.js).
const VERSION = self.__BUILD__
const SHELL = 'guanai-shell-' + VERSION
const ASSETS = 'guanai-assets'
const PUBLIC = 'guanai-public'
const PRECACHE = self.__PRECACHE__

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(SHELL)
      .then((c) => c.addAll(['./', 'manifest.webmanifest', ...PRECACHE]))
      .then(() => self.skipWaiting()),
  )
})

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith('guanai-shell-') && k !== SHELL).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  )
})

const scope = new URL(self.registration.scope)

async function fromCache(request, name) {
  const hit = await caches.match(request)
  if (hit) return hit
  const res = await fetch(request)
  if (res.ok) (await caches.open(name)).put(request, res.clone())
  return res
}

// the cached answer now, the network's for next time
async function staleWhileRevalidate(event, key, name) {
  const cache = await caches.open(name)
  const hit = await caches.match(key)
  const fresh = fetch(event.request)
    .then((res) => {
      if (res.ok) cache.put(key, res.clone())
      return res
    })
    .catch(() => null)
  if (hit) {
    event.waitUntil(fresh)
    return hit
  }
  const res = await fresh
  return res || new Response('离线，且本机没有保存此页面', { status: 503, headers: { 'Content-Type': 'text/plain; charset=utf-8' } })
}

self.addEventListener('fetch', (event) => {
  const req = event.request
  if (req.method !== 'GET') return
  const url = new URL(req.url)
  if (url.origin !== scope.origin || !url.pathname.startsWith(scope.pathname)) return
  const rel = url.pathname.slice(scope.pathname.length)
  if (req.mode === 'navigate') {
    event.respondWith(staleWhileRevalidate(event, './', SHELL))
    return
  }
  if (rel.startsWith('assets/') || /^(icon-[\w-]+\.png|favicon\.svg|manifest\.webmanifest)$/.test(rel)) {
    event.respondWith(fromCache(req, ASSETS))
    return
  }
  if (rel === 'api/v1/codes') event.respondWith(staleWhileRevalidate(event, req, PUBLIC))
})
