// API client for /api/v1 (docs/API.md).
//  - same-origin cookies; X-CSRF-Token on POST/PUT/PATCH/DELETE;
//  - 401 unauthenticated of a signed-in user → the password asked in place
//    (setReauth: the page and what was typed stay), then the request again;
//    otherwise, or when that is cancelled, the login page;
//  - 403 password_change_required → password page;
//  - any other error shows the server's error.message (unless the caller
//    handles it itself with { quiet: true }) and rejects with an ApiError;
//  - the requests the offline layer takes (setOffline: the writes that
//    queue, the reads of the device's copy) go through it (offline/index.js).
import { session, clearSession } from './session.js'
import { ERROR_TEXTS } from './labels.js'

const BASE = 'api/v1' // relative to the page, so the UI also works under a sub-path

let router = null
export function bindRouter(r) {
  router = r
}

export class ApiError extends Error {
  constructor(status, code, message, field) {
    super(message)
    this.status = status
    this.code = code
    this.field = field || ''
  }
}

export function errorText(err) {
  if (!err) return ''
  if (err instanceof ApiError) return err.message || ERROR_TEXTS[err.code] || ERROR_TEXTS.server
  return String(err.message || err)
}

// Element Plus's message, loaded on the first one: the login page and the
// director's home need none of it.
export async function message(opts) {
  const [{ ElMessage }] = await Promise.all([
    import('element-plus/es/components/message/index.mjs'),
    import('element-plus/es/components/message/style/css'),
  ])
  return ElMessage({ offset: 60, grouping: true, ...opts })
}

function toast(text) {
  message({ type: 'error', message: text, showClose: true, duration: 4000 }).catch(() => {})
}

let offline = null
// The offline layer: { handles(method, path), request(method, path, options) }.
export function setOffline(handler) {
  offline = handler
}
let reauth = null
// fn() → Promise<boolean>: asks the signed-in user's password again in place
// (true once signed in again).
export function setReauth(fn) {
  reauth = fn
}

function query(params) {
  if (!params) return ''
  const q = new URLSearchParams()
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === '') continue
    q.set(k, String(v))
  }
  const s = q.toString()
  return s ? '?' + s : ''
}

/**
 * request('GET', '/users', { params: { page: 1 } })
 * request('POST', '/users', { body: {...} })
 * options.quiet: do not show a message for errors other than 401/403-password
 * options.noRedirect: do not navigate on 401/403-password (used at boot and login)
 */
export async function request(method, path, options = {}) {
  if (offline && !options.blob && offline.handles(method, path)) return offline.request(method, path, options)
  return send(method, path, options)
}

// request() without the offline layer: what it and the offline layer send.
// options.noReauth: on 401, do not ask the password in place.
export async function send(method, path, options = {}) {
  const { body, params, quiet = false, noRedirect = false, raw, headers: extra, blob = false } = options
  const headers = { Accept: blob ? '*/*' : 'application/json', ...(extra || {}) }
  const init = { method, headers, credentials: 'same-origin', cache: 'no-store' }
  if (raw !== undefined) {
    // a file as the body, with its own Content-Type
    headers['Content-Type'] = raw.type || 'application/octet-stream'
    init.body = raw
  } else if (body !== undefined) {
    headers['Content-Type'] = 'application/json'
    init.body = JSON.stringify(body)
  }
  if (!['GET', 'HEAD'].includes(method) && session.csrf) headers['X-CSRF-Token'] = session.csrf

  let res
  try {
    res = await fetch(BASE + path + query(params), init)
  } catch (e) {
    const err = new ApiError(0, 'network', ERROR_TEXTS.network)
    if (!quiet) toast(err.message)
    throw err
  }

  if (blob && res.ok) {
    return { blob: await res.blob(), filename: dispositionName(res.headers.get('Content-Disposition')) }
  }

  let data = null
  const text = res.status === 204 ? '' : await res.text()
  if (text) {
    try {
      data = JSON.parse(text)
    } catch {
      data = null
    }
  }
  if (res.ok) return data

  const e = (data && data.error) || {}
  const code = e.code || (res.status >= 500 ? 'server' : 'http_' + res.status)
  const err = new ApiError(res.status, code, e.message || ERROR_TEXTS[code] || ERROR_TEXTS.server, e.field)

  if (res.status === 401 && code === 'unauthenticated') {
    const wasSignedIn = !!session.user
    // the session ended under a signed-in user (idle time): the password
    // in place, then the same request again, with what the page holds
    if (wasSignedIn && reauth && !options.noReauth && !noRedirect) {
      if (await reauth()) return send(method, path, { ...options, noReauth: true })
    }
    clearSession()
    if (!noRedirect && router) {
      if (wasSignedIn) toast(err.message)
      const cur = router.currentRoute.value
      if (cur.name !== 'login') {
        router.replace({ name: 'login', query: cur.fullPath && cur.fullPath !== '/' ? { redirect: cur.fullPath } : {} })
      }
    }
    throw err
  }
  if (res.status === 403 && code === 'password_change_required') {
    if (session.user) session.user.must_change_password = true
    if (!noRedirect && router && router.currentRoute.value.name !== 'password') {
      toast(err.message)
      router.replace({ name: 'password' })
    }
    throw err
  }
  if (!quiet) toast(err.message)
  throw err
}

// The file name of a Content-Disposition header (RFC 6266 filename* first).
function dispositionName(h) {
  if (!h) return ''
  const star = /filename\*\s*=\s*UTF-8''([^;]+)/i.exec(h)
  if (star) {
    try {
      return decodeURIComponent(star[1].trim())
    } catch {
      /* fall through */
    }
  }
  const plain = /filename\s*=\s*"([^"]*)"/i.exec(h) || /filename\s*=\s*([^;]+)/i.exec(h)
  return plain ? plain[1].trim() : ''
}

// Hands a Blob to the browser as a download named `filename`.
export function saveBlob(blob, filename) {
  const url = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = url
  a.download = filename || 'download'
  a.style.display = 'none'
  document.body.appendChild(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 60_000)
}

// GET a file (export, template, PDF) with the session and save it; errors
// show the server's message like every other request.
export async function downloadFile(path, params, fallbackName, opts = {}) {
  const { blob, filename } = await request('GET', path, { params, blob: true, quiet: !!opts.quiet })
  saveBlob(blob, filename || fallbackName)
  return filename || fallbackName
}

export const api = {
  get: (path, params, opts) => request('GET', path, { ...opts, params }),
  post: (path, body, opts) => request('POST', path, { ...opts, body }),
  put: (path, body, opts) => request('PUT', path, { ...opts, body }),
  patch: (path, body, opts) => request('PATCH', path, { ...opts, body }),
  del: (path, opts) => request('DELETE', path, opts),
}
