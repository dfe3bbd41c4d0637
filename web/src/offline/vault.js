// The encrypted copy on the device (issue #23; docs/OFFLINE.md has the
// threat model). One IndexedDB database per user, every value in it
// encrypted with AES-GCM under the user's device key, which the server
// releases to a logged-in session only (GET /session/device-key). The key
// is kept in memory while the page lives; on the device it is kept only
// wrapped under a key derived from the user's password (PBKDF2-SHA-256),
// so that the app can open offline after the browser was closed — the
// director types the password — and a phone at rest shows nothing
// without that password. Keys of the stores are record ids and sequence
// numbers, never anyone's name or number.
//
// Logging out deletes the database, the wrapped key and the caches.

const STORES = ['kv', 'children', 'visits', 'queue', 'drafts']
const ITERATIONS = 310000 // OWASP's figure for PBKDF2-SHA-256
const LAST = 'guanai.device' // localStorage: who last used the device (no secret)

const enc = new TextEncoder()
const dec = new TextDecoder()

// WebCrypto and IndexedDB need a secure context (https, or localhost)
export function supported() {
  return typeof window !== 'undefined' && !!(window.isSecureContext && window.crypto && crypto.subtle && window.indexedDB)
}

// ---- IndexedDB, promised ----

function req(r) {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result)
    r.onerror = () => reject(r.error)
  })
}

function dbName(userId) {
  return 'guanai-u' + userId
}

function open(userId) {
  const r = indexedDB.open(dbName(userId), 1)
  r.onupgradeneeded = () => {
    const db = r.result
    for (const s of STORES) if (!db.objectStoreNames.contains(s)) db.createObjectStore(s, s === 'queue' ? { keyPath: 'seq', autoIncrement: true } : undefined)
  }
  return req(r)
}

function tx(db, store, mode, fn) {
  return new Promise((resolve, reject) => {
    const t = db.transaction(store, mode)
    let out
    Promise.resolve(fn(t.objectStore(store))).then((v) => (out = v), reject)
    t.oncomplete = () => resolve(out)
    t.onerror = () => reject(t.error)
    t.onabort = () => reject(t.error)
  })
}

// ---- keys ----

function b64(bytes) {
  let s = ''
  for (const b of new Uint8Array(bytes)) s += String.fromCharCode(b)
  return btoa(s)
}
function unb64(s) {
  const bin = atob(s)
  const out = new Uint8Array(bin.length)
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i)
  return out
}

async function kek(password, salt, iterations) {
  const base = await crypto.subtle.importKey('raw', enc.encode(password), 'PBKDF2', false, ['deriveKey'])
  return crypto.subtle.deriveKey({ name: 'PBKDF2', salt, iterations, hash: 'SHA-256' }, base, { name: 'AES-GCM', length: 256 }, false, ['wrapKey', 'unwrapKey'])
}

// the vault of the page: { userId, db, key } once open
const state = { userId: null, db: null, key: null }

export function isOpen() {
  return !!state.key
}
export function openUser() {
  return state.userId
}

// Who last used this device, for the offline unlock page: id, username and
// display name only (no secret, no child's data).
export function lastUser() {
  try {
    return JSON.parse(localStorage.getItem(LAST) || 'null')
  } catch {
    return null
  }
}

async function use(userId, key) {
  if (state.db && state.userId !== userId) state.db.close()
  if (!state.db || state.userId !== userId) state.db = await open(userId)
  state.userId = userId
  state.key = key
}

// Opens the vault with the key the server released (base64), for a user
// signed in now. `password` (known at login only) wraps the key for
// offline starts; without it the wrapped copy already on the device stays.
export async function unlockWithServerKey(user, keyB64, password) {
  if (!supported()) return false
  const raw = unb64(keyB64)
  const key = await crypto.subtle.importKey('raw', raw, 'AES-GCM', true, ['encrypt', 'decrypt'])
  await use(user.id, key)
  if (password) {
    const salt = crypto.getRandomValues(new Uint8Array(16))
    const iv = crypto.getRandomValues(new Uint8Array(12))
    const wrapped = await crypto.subtle.wrapKey('raw', key, await kek(password, salt, ITERATIONS), { name: 'AES-GCM', iv })
    await tx(state.db, 'kv', 'readwrite', (s) => s.put({ salt: b64(salt), iv: b64(iv), wrapped: b64(wrapped), iterations: ITERATIONS }, 'wrapped'))
  }
  raw.fill(0)
  localStorage.setItem(LAST, JSON.stringify({ id: user.id, username: user.username, display_name: user.display_name || '' }))
  return true
}

// Opens the vault offline with the password: unwraps the key kept on the
// device. Resolves to false for a wrong password (or nothing kept).
export async function unlockWithPassword(userId, password) {
  if (!supported()) return false
  const db = await open(userId)
  const w = await tx(db, 'kv', 'readonly', (s) => req(s.get('wrapped')))
  if (!w) {
    db.close()
    return false
  }
  try {
    const k = await kek(password, unb64(w.salt), w.iterations)
    const key = await crypto.subtle.unwrapKey('raw', unb64(w.wrapped), k, { name: 'AES-GCM', iv: unb64(w.iv) }, 'AES-GCM', false, ['encrypt', 'decrypt'])
    if (state.db && state.db !== db) state.db.close()
    state.db = db
    state.userId = userId
    state.key = key
    return true
  } catch {
    db.close()
    return false
  }
}

export function lock() {
  state.key = null
}

// Deletes the user's database and what says the device was used.
export async function wipe(userId = state.userId) {
  state.key = null
  if (state.db) state.db.close()
  state.db = null
  state.userId = null
  const last = lastUser()
  if (last && (userId === null || last.id === userId)) localStorage.removeItem(LAST)
  if (userId !== null && userId !== undefined && window.indexedDB) await req(indexedDB.deleteDatabase(dbName(userId))).catch(() => {})
}

// ---- values ----

async function seal(value) {
  const iv = crypto.getRandomValues(new Uint8Array(12))
  const ct = await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, state.key, enc.encode(JSON.stringify(value)))
  return { iv, ct }
}
async function unseal(box) {
  if (!box) return null
  const pt = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: box.iv }, state.key, box.ct)
  return JSON.parse(dec.decode(pt))
}

function need() {
  if (!state.key) throw new Error('vault locked')
}

export async function get(store, key) {
  need()
  return unseal(await tx(state.db, store, 'readonly', (s) => req(s.get(key))))
}

export async function put(store, key, value) {
  need()
  const box = await seal(value)
  return tx(state.db, store, 'readwrite', (s) => req(store === 'queue' ? s.put({ ...box, seq: key }) : s.put(box, key)))
}

export async function del(store, key) {
  need()
  return tx(state.db, store, 'readwrite', (s) => req(s.delete(key)))
}

// every value of a store, with its key: [{ key, value }]
export async function all(store) {
  need()
  const rows = await tx(state.db, store, 'readonly', (s) =>
    Promise.all([req(s.getAllKeys()), req(s.getAll())]),
  )
  const [keys, boxes] = rows
  const out = []
  for (let i = 0; i < keys.length; i++) out.push({ key: keys[i], value: await unseal(boxes[i]) })
  return out
}

// replaces a store's whole content with `entries` ([key, value]) at once
export async function replace(store, entries) {
  need()
  const boxes = []
  for (const [k, v] of entries) boxes.push([k, await seal(v)])
  return tx(state.db, store, 'readwrite', (s) => {
    s.clear()
    for (const [k, b] of boxes) s.put(b, k)
  })
}

// adds to the queue: resolves to its sequence number
export async function append(value) {
  need()
  const box = await seal(value)
  return tx(state.db, 'queue', 'readwrite', (s) => req(s.add(box)))
}
