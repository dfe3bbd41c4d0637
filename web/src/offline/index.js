// Working without a network (issue #23; docs/OFFLINE.md).
//
// - The copy: the director's village (GET /children/offline) kept in the
//   encrypted vault (vault.js); lists, records and visits are read from it
//   when the network is gone.
// - The queue: every new child, edit and visit is first written to the
//   vault's queue with an Idempotency-Key of its own, then sent; one that
//   gets no answer stays queued, survives a closed browser and is sent
//   again when the network is back. The server does each once, however
//   often it arrives (docs/API.md "Idempotency").
// - Conflicts: an edit whose record someone else changed meanwhile
//   (If-Match, 409 version_conflict) waits in the queue with the record as
//   it is now, for the director to choose field by field (SyncView).
//
// api.js hands this module the requests it takes (setOffline): the three
// writes always, and the reads of the copy when the network fails.
import { reactive } from 'vue'
import { send, setOffline, ApiError } from '../api.js'
import { session, setSession, can } from '../session.js'
import * as vault from './vault.js'

export const status = reactive({
  online: typeof navigator === 'undefined' ? true : navigator.onLine,
  unlocked: false, // the vault is open: drafts and the queue work
  offlineSession: false, // signed in from the device's copy, not the server
  pending: 0, // writes waiting to be sent
  conflicts: 0,
  failed: 0,
  syncing: false,
  needLogin: false, // the server wants a login before the queue can go
  copyAt: 0, // when the copy was last taken (ms)
  copyCount: 0,
  visitor: '', // the name a visit form starts with (the director in post)
  lastError: '',
})

const WRITES = [
  { method: 'POST', re: /^\/children$/, kind: 'create' },
  { method: 'PATCH', re: /^\/children\/(\d+)$/, kind: 'patch' },
  { method: 'POST', re: /^\/children\/(\d+)\/visits$/, kind: 'visit' },
]
const READS = [
  /^\/children$/,
  /^\/children\/(\d+)$/,
  /^\/children\/(\d+)\/visits$/,
  /^\/children\/(\d+)\/history$/,
  /^\/transfers$/,
]

function writeOf(method, path) {
  for (const w of WRITES) {
    const m = w.re.exec(path)
    if (w.method === method && m) return { kind: w.kind, id: m[1] ? Number(m[1]) : null }
  }
  return null
}

function uuid() {
  if (crypto.randomUUID) return crypto.randomUUID()
  const b = crypto.getRandomValues(new Uint8Array(16))
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('')
}

const networkError = () => new ApiError(0, 'network', '网络不可用')

// ---- opening and closing ----

// After a login (with the password, to keep the key wrapped for offline
// starts) or a start with a live session: asks the server for the device
// key and opens the vault; then sends what is queued and refreshes the copy.
// `key` (optional): the answer of GET /session/device-key already asked
// for, beside GET /session at start (one round trip for both).
export async function openOnline(password, key) {
  if (!vault.supported() || !session.user) return false
  try {
    const k = (await key) || (await send('GET', '/session/device-key', { quiet: true, noRedirect: true, noReauth: true }))
    await vault.unlockWithServerKey(session.user, k.key, password)
    // queued writes must not be evicted under storage pressure
    if (navigator.storage && navigator.storage.persist) navigator.storage.persist().catch(() => {})
    status.unlocked = true
    status.offlineSession = false
    status.needLogin = false
    // what an offline start needs to show the user's pages
    await vault.put('kv', 'session', { user: session.user, actions: session.actions, grants: session.grants })
    await counts()
    const copy = await vault.get('kv', 'copy')
    if (copy) Object.assign(status, { copyAt: copy.at, copyCount: copy.count, visitor: copy.visitor })
    return true
  } catch {
    return false
  }
}

// Starts without the server: the password unwraps the key kept on the
// device, and the session's user comes from the vault.
export async function openOffline(userId, password) {
  const ok = await vault.unlockWithPassword(userId, password)
  if (!ok) return false
  const s = await vault.get('kv', 'session')
  if (!s) return false
  setSession({ user: s.user, actions: s.actions, grants: s.grants, csrf_token: '' })
  status.unlocked = true
  status.offlineSession = true
  await counts()
  const copy = await vault.get('kv', 'copy')
  if (copy) Object.assign(status, { copyAt: copy.at, copyCount: copy.count, visitor: copy.visitor })
  return true
}

export function lastUser() {
  return vault.supported() ? vault.lastUser() : null
}

// Logging out wipes the device: the vault, and every cache of the service
// worker (the app's files come back from the server next time).
export async function wipe() {
  await vault.wipe(session.user ? session.user.id : vault.openUser())
  Object.assign(status, { unlocked: false, offlineSession: false, pending: 0, conflicts: 0, failed: 0, copyAt: 0, copyCount: 0, visitor: '' })
  if (window.caches) for (const k of await caches.keys()) await caches.delete(k)
}

export async function queuedCount() {
  if (!status.unlocked) return 0
  return (await vault.all('queue')).length
}

async function counts() {
  const q = await vault.all('queue')
  status.pending = q.filter((x) => !x.value.state).length
  status.conflicts = q.filter((x) => x.value.state === 'conflict').length
  status.failed = q.filter((x) => x.value.state === 'failed').length
}

// ---- the copy ----

// Takes the village's copy again (director only): records, their last
// visits, the name a visit form starts with. Records with an edit still
// queued keep the local version until it is sent.
export async function refreshCopy() {
  if (!status.unlocked || !can('child.offline') || status.offlineSession) return false
  let data
  try {
    data = await send('GET', '/children/offline', { quiet: true, noRedirect: true, noReauth: true })
  } catch {
    return false
  }
  const queue = (await vault.all('queue')).map((x) => x.value)
  const held = new Set(queue.filter((o) => o.kind === 'patch').map((o) => o.childId))
  const local = new Map((await vault.all('children')).map((x) => [x.key, x.value]))
  const records = data.items.map((c) => [c.id, held.has(c.id) && local.has(c.id) ? local.get(c.id) : c])
  await vault.replace('children', records)
  const byChild = new Map()
  for (const v of data.visits) {
    if (!byChild.has(v.child_id)) byChild.set(v.child_id, [])
    byChild.get(v.child_id).push(v)
  }
  // visits still queued stay at the top of their child's list
  for (const o of queue) if (o.kind === 'visit' && !o.state) (byChild.get(o.childId) || byChild.set(o.childId, []).get(o.childId)).unshift(pendingVisit(o))
  await vault.replace('visits', [...byChild.entries()])
  const copy = { at: Date.now(), as_of: data.as_of, visitor: data.visitor, count: data.items.length, region_code: data.region_code }
  await vault.put('kv', 'copy', copy)
  Object.assign(status, { copyAt: copy.at, copyCount: copy.count, visitor: copy.visitor })
  return true
}

export async function hasCopy() {
  return status.unlocked && !!(await vault.get('kv', 'copy'))
}

// ---- local answers ----

function maskId(id) {
  return id && id.length === 18 ? id.slice(0, 6) + '********' + id.slice(14) : id || null
}

// A record as GET /children lists it: the ID number masked and no birth date
// beside it (docs/API.md "Masking" rule 5).
function listItem(c) {
  return {
    id: c.id,
    name: c.name,
    sex: c.sex,
    birth_date: null,
    age: c.age,
    id_number: maskId(c.id_number),
    region_code: c.region_code,
    region_name: c.region_name,
    categories: c.categories || [],
    flags: c.flags || [],
    last_visit_date: c.last_visit_date || null,
    guardian_name: c.guardian ? c.guardian.name : null,
    contact_phone: c.contact_phone || null,
    status: c.status,
    _pending: !!c._pending,
  }
}

// the children queued for registration, as list items
function pendingCreates(queue) {
  return queue
    .filter((o) => o.kind === 'create')
    .map((o) => ({
      ...listItem({ ...o.body, id: null, status: 'active', age: ageOf(o.body.birth_date), categories: [], flags: [], region_name: '' }),
      id: null,
      local: o.seq,
      _pending: true,
      _state: o.state || '',
    }))
}

function ageOf(birth) {
  if (!birth) return null
  const b = new Date(birth + 'T00:00:00')
  const t = new Date()
  let a = t.getFullYear() - b.getFullYear()
  if (t.getMonth() < b.getMonth() || (t.getMonth() === b.getMonth() && t.getDate() < b.getDate())) a--
  return a
}

// GET /children from the copy: the filters a phone uses (name or number,
// category, flag, not visited for N days, status), sorted and paged.
async function localList(params = {}) {
  const recs = (await vault.all('children')).map((x) => x.value)
  const queue = (await vault.all('queue')).map((x) => ({ ...x.value, seq: x.key }))
  const today = new Date().toISOString().slice(0, 10)
  let items = recs.filter((c) => c.status === (params.status || 'active'))
  const q = String(params.q || '').trim()
  if (q) items = items.filter((c) => (c.name || '').includes(q) || (/^\d{4,}/.test(q) && (c.id_number || '').startsWith(q.toUpperCase())))
  if (params.category) items = items.filter((c) => (c.categories || []).includes(params.category))
  if (params.flag) items = items.filter((c) => (c.flags || []).includes(params.flag))
  if (params.not_visited_days) {
    const n = Number(params.not_visited_days)
    const before = new Date(Date.parse(today) - n * 86400000).toISOString().slice(0, 10)
    items = items.filter((c) => !c.last_visit_date || c.last_visit_date < before)
  }
  const key = { name: (c) => c.name, id: (c) => c.id, last_visit: (c) => c.last_visit_date || '', birth_date: (c) => c.birth_date || '' }[params.sort] || ((c) => c.name)
  items.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : a.id - b.id))
  if (params.order === 'desc') items.reverse()
  let out = items.map(listItem)
  if (!params.status || params.status === 'active') out = pendingCreates(queue).filter((c) => !q || (c.name || '').includes(q)).concat(out)
  const size = Number(params.page_size || 50)
  const page = Number(params.page || 1)
  return { items: out.slice((page - 1) * size, page * size), total: out.length, as_of: today, offline: true }
}

function pendingVisit(o) {
  return { id: null, ...o.body, child_id: o.childId, created_by: '', _pending: true, _seq: o.seq }
}

async function localRead(path, params) {
  let m
  if (path === '/children') return localList(params)
  if ((m = /^\/children\/(\d+)$/.exec(path))) {
    const c = await vault.get('children', Number(m[1]))
    if (!c) throw new ApiError(0, 'offline_missing', '离线状态下本机没有这份档案，请联网后再打开')
    return c
  }
  if ((m = /^\/children\/(\d+)\/visits$/.exec(path))) return { items: (await vault.get('visits', Number(m[1]))) || [], offline: true }
  if (/\/history$/.test(path) || path === '/transfers') return { items: [], offline: true }
  throw networkError()
}

// The device's answer to a GET, or null (no copy, nothing of it kept):
// what a page shows at once before the server's answer comes.
export async function peek(path, params) {
  if (!status.unlocked) return null
  try {
    if (/^\/children\/\d+(\/visits)?$/.test(path)) {
      const m = /^\/children\/(\d+)/.exec(path)
      const c = await vault.get('children', Number(m[1]))
      if (!c) return null
      return path.endsWith('/visits') ? { items: (await vault.get('visits', c.id)) || [] } : c
    }
    if (path === '/children' && (await vault.get('kv', 'copy'))) return await localList(params)
  } catch {
    /* locked meanwhile */
  }
  return null
}

// ---- writes ----

// the record with a merge patch (RFC 7386) applied
function merge(target, patch) {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return patch
  const out = target && typeof target === 'object' && !Array.isArray(target) ? { ...target } : {}
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k]
    else out[k] = merge(out[k], v)
  }
  return out
}

// What the write changes in the copy before the server has it.
async function applyLocally(op) {
  if (op.kind === 'patch') {
    const c = await vault.get('children', op.childId)
    if (c) await vault.put('children', op.childId, { ...merge(c, op.body), _pending: true })
  } else if (op.kind === 'visit') {
    const list = (await vault.get('visits', op.childId)) || []
    await vault.put('visits', op.childId, [pendingVisit(op), ...list])
    const c = await vault.get('children', op.childId)
    if (c && (!c.last_visit_date || op.body.visit_date > c.last_visit_date)) await vault.put('children', op.childId, { ...c, last_visit_date: op.body.visit_date })
  }
}

// ...and takes it back (a write the server refused at once).
async function undoLocally(op) {
  if (op.kind === 'patch' && op.base) await vault.put('children', op.childId, op.base)
  if (op.kind === 'visit') {
    const list = (await vault.get('visits', op.childId)) || []
    await vault.put('visits', op.childId, list.filter((v) => v._seq !== op.seq))
    const c = await vault.get('children', op.childId)
    if (c && op.lastVisitBefore !== undefined) await vault.put('children', op.childId, { ...c, last_visit_date: op.lastVisitBefore })
  }
}

// What the server's answer changes in the copy.
async function applyAnswer(op, data) {
  if (op.kind === 'create' && data && data.id) {
    await vault.put('children', data.id, data)
    await vault.put('visits', data.id, [])
  } else if (op.kind === 'patch' && data && data.id) {
    await vault.put('children', data.id, data)
  } else if (op.kind === 'visit' && data) {
    const list = ((await vault.get('visits', op.childId)) || []).filter((v) => v._seq !== op.seq)
    await vault.put('visits', op.childId, [data, ...list])
  }
}

// Sends one queued write. Resolves to 'ok' (its answer in op.answer),
// 'network', 'auth', 'conflict' or 'failed'; `interactive` lets the login
// dialog come up on an expired session and rejects with the server's error
// for a refused write.
async function sendOp(op, interactive) {
  const headers = { 'Idempotency-Key': op.key }
  if (op.ifMatch) headers['If-Match'] = op.ifMatch
  try {
    op.answer = await send(op.method, op.path, { body: op.body, headers, quiet: true, noRedirect: !interactive, noReauth: !interactive })
  } catch (e) {
    if (e.code === 'network' || e.status >= 500) return 'network'
    if (e.status === 401 || e.code === 'csrf_failed') {
      status.needLogin = true
      return 'auth'
    }
    if (e.code === 'version_conflict' && op.kind === 'patch') {
      let server = null
      try {
        server = await send('GET', '/children/' + op.childId, { quiet: true, noRedirect: true, noReauth: true })
      } catch {
        return 'network'
      }
      await vault.put('queue', op.seq, { ...op, state: 'conflict', server, error: { code: e.code, message: e.message } })
      return 'conflict'
    }
    if (interactive) {
      await vault.del('queue', op.seq)
      await undoLocally(op)
      await counts()
      throw e
    }
    await vault.put('queue', op.seq, { ...op, state: 'failed', error: { code: e.code, message: e.message, field: e.field } })
    return 'failed'
  }
  await vault.del('queue', op.seq)
  await applyAnswer(op, op.answer)
  return 'ok'
}

// The answer a queued write gives the page meanwhile.
function queuedAnswer(op, base) {
  if (op.kind === 'patch') return { ...merge(base || {}, op.body), _queued: true }
  if (op.kind === 'visit') return { ...op.body, id: null, child_id: op.childId, _queued: true }
  return { ...op.body, id: null, _queued: true, local: op.seq }
}

async function write(method, path, options, w) {
  const op = {
    method,
    path,
    kind: w.kind,
    childId: w.id,
    body: options.body,
    key: uuid(),
    ifMatch: options.headers && options.headers['If-Match'],
    at: Date.now(),
  }
  if (op.kind === 'patch') op.base = await vault.get('children', op.childId)
  if (op.kind === 'visit') {
    const c = await vault.get('children', op.childId)
    op.lastVisitBefore = c ? c.last_visit_date || null : undefined
  }
  op.seq = await vault.append(op)
  await vault.put('queue', op.seq, op)
  await applyLocally(op)
  await counts()
  if (navigator.onLine !== false && !status.offlineSession) {
    const r = await sendOp(op, true)
    await counts()
    if (r === 'ok') {
      kick() // anything queued before goes now too
      return op.answer
    }
    if (r === 'conflict') {
      const e = new ApiError(409, 'version_conflict', '该档案已被他人修改：请到“待同步”中对照后选择保留哪些修改')
      e.queued = true // the edit waits in the queue beside the record as it is now
      throw e
    }
  }
  return queuedAnswer(op, op.base)
}

// ---- sending what is queued ----

let flushing = null
export function flush(interactive = false) {
  if (!status.unlocked || status.offlineSession) return Promise.resolve()
  if (flushing) return flushing
  flushing = (async () => {
    status.syncing = true
    try {
      const ops = (await vault.all('queue')).map((x) => ({ ...x.value, seq: x.key })).sort((a, b) => a.seq - b.seq)
      for (const op of ops) {
        if (op.state) continue
        const r = await sendOp(op, false).catch(() => 'network')
        if (r === 'network' || r === 'auth') break
      }
      if (interactive && status.needLogin) status.lastError = '登录已过期，请重新登录后上传'
    } finally {
      await counts()
      status.syncing = false
      flushing = null
    }
  })()
  return flushing
}

let timer = null
// sends soon (the network came back, a write was queued), and every half
// minute while anything waits
export function kick() {
  if (timer) clearTimeout(timer)
  timer = setTimeout(async () => {
    timer = null
    await flush()
    if (status.pending) kick()
  }, status.pending ? 30000 : 50)
}

// ---- conflicts and failures (SyncView) ----

export async function queue() {
  return (await vault.all('queue')).map((x) => ({ ...x.value, seq: x.key })).sort((a, b) => a.seq - b.seq)
}

// Sends a conflicting edit again with the fields the director chose to
// keep (a merge patch against the record as it is now), or drops it.
export async function resolve(seq, patch) {
  const op = await vault.get('queue', seq)
  if (!op) return
  if (!patch || !Object.keys(patch).length) {
    await vault.del('queue', seq)
    if (op.server) await vault.put('children', op.childId, op.server)
    await counts()
    return 'dropped'
  }
  const next = { ...op, seq, body: patch, ifMatch: String(op.server.version), key: uuid(), base: op.server, state: undefined, server: undefined, error: undefined }
  await vault.put('queue', seq, next)
  await vault.put('children', op.childId, { ...merge(op.server, patch), _pending: true })
  await counts()
  const r = await sendOp(next, true)
  await counts()
  return r
}

export async function discard(seq) {
  const op = await vault.get('queue', seq)
  if (!op) return
  await vault.del('queue', seq)
  await undoLocally({ ...op, seq })
  await counts()
}

// ---- drafts ----

export async function saveDraft(key, value) {
  if (!status.unlocked) return false
  await vault.put('drafts', key, { value, at: Date.now() })
  return true
}
export async function loadDraft(key) {
  if (!status.unlocked) return null
  return vault.get('drafts', key)
}
export async function dropDraft(key) {
  if (status.unlocked) await vault.del('drafts', key)
}

// ---- the hook in api.js ----

setOffline({
  handles(method, path) {
    return status.unlocked && (!!writeOf(method, path) || (method === 'GET' && READS.some((re) => re.test(path))))
  },
  async request(method, path, options) {
    const w = writeOf(method, path)
    if (w) return write(method, path, options, w)
    if (navigator.onLine === false || status.offlineSession) return localRead(path, options.params)
    try {
      const data = await send(method, path, options)
      // a record read online refreshes the copy's
      const m = /^\/children\/(\d+)$/.exec(path)
      if (m && can('child.offline') && data && data.status === 'active') {
        const mine = await vault.get('children', data.id)
        if (mine && !mine._pending) await vault.put('children', data.id, data)
      }
      return data
    } catch (e) {
      if (e.code !== 'network') throw e
      return localRead(path, options.params)
    }
  },
})

if (typeof window !== 'undefined') {
  window.addEventListener('online', () => {
    status.online = true
    kick()
  })
  window.addEventListener('offline', () => (status.online = false))
  // for the benchmark and the tests: resolves once the service worker has
  // what the app needs offline
  window.__guanaiOffline = {
    // what the device holds, as counts (no record's content)
    get status() {
      return { ...status }
    },
    get ready() {
      return navigator.serviceWorker ? navigator.serviceWorker.ready.then((r) => r.active && new Promise((res) => setTimeout(res, 100))) : null
    },
  }
}
