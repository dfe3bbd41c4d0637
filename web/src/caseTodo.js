// The count of open cases the signed-in user's level answers for (the badge in
// the header): GET /api/v1/cases?todo=true&page_size=1 → total.
import { reactive } from 'vue'
import { api } from './api.js'
import { session, can } from './session.js'

export const caseTodo = reactive({ count: 0, loaded: false })

let inflight = null
let last = 0
// `force` skips the short pause that keeps quick navigation from asking twice
export function refreshCaseTodo(force = false) {
  if (!can('case.handle') || (session.user && session.user.must_change_password)) {
    caseTodo.count = 0
    caseTodo.loaded = false
    return Promise.resolve(0)
  }
  if (inflight) return force ? inflight.then(() => refreshCaseTodo(true)) : inflight
  if (!force && Date.now() - last < 1500) return Promise.resolve(caseTodo.count)
  last = Date.now()
  inflight = api
    .get('/cases', { todo: 'true', page_size: 1 }, { quiet: true })
    .then((d) => {
      caseTodo.count = (d && d.total) || 0
      caseTodo.loaded = true
      return caseTodo.count
    })
    .catch(() => caseTodo.count)
    .finally(() => (inflight = null))
  return inflight
}
