// Region look-ups (GET /api/v1/regions), cached for the life of the page.
import { api } from './api.js'

const children = new Map() // parent code ('' = the caller's scope) → Promise<items>
const details = new Map() // code → Promise<region with path>

export function regionChildren(parent = '') {
  if (!children.has(parent)) {
    const p = api
      .get('/regions', parent ? { parent } : undefined)
      .then((d) => (d && d.items) || [])
    p.catch(() => children.delete(parent))
    children.set(parent, p)
  }
  return children.get(parent)
}

export function regionDetail(code) {
  if (!details.has(code)) {
    const p = api.get('/regions/' + encodeURIComponent(code))
    p.catch(() => details.delete(code))
    details.set(code, p)
  }
  return details.get(code)
}

export function forgetRegion(parent) {
  children.delete(parent)
}

export function forgetAllRegions() {
  children.clear()
  details.clear()
  quietDetails.clear()
}

// The detail of a region, or null when it is absent or outside the caller's
// scope (no message shown): for labels of codes the server gives bare, such as
// a transfer's other village or a child's 户籍地.
const quietDetails = new Map()
export function regionInfo(code) {
  code = String(code || '')
  if (!code) return Promise.resolve(null)
  if (details.has(code)) return details.get(code).catch(() => null)
  if (!quietDetails.has(code)) {
    quietDetails.set(
      code,
      api.get('/regions/' + encodeURIComponent(code), undefined, { quiet: true }).catch(() => null),
    )
  }
  return quietDetails.get(code)
}
