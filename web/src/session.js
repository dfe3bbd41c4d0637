// The signed-in user, the CSRF token of the session, and what the user may do
// (docs/API.md § Session). Whether to show a menu, a page or a button is asked
// of `can(action)`: the server's permission table answers through `actions`,
// so no list of roles lives in the UI.
import { reactive } from 'vue'
import { levelOfCode } from './labels.js'

export const session = reactive({
  loaded: false, // GET /api/v1/session has answered once
  user: null, // User object of the API, or null when signed out
  csrf: '', // csrf_token of the session response
  actions: [], // the user's actions ("child.read", …) of the session response
  grants: [], // the roles the user may grant, highest first
  needUnlock: false, // no network at start: the device's copy waits for the password
})

export function setSession(data) {
  if (data && data.user) session.user = data.user
  if (data && typeof data.csrf_token === 'string') session.csrf = data.csrf_token
  if (data && Array.isArray(data.actions)) session.actions = data.actions
  if (data && Array.isArray(data.grants)) session.grants = data.grants
  session.loaded = true
  session.needUnlock = false
}

export function clearSession() {
  session.user = null
  session.csrf = ''
  session.actions = []
  session.grants = []
  session.loaded = true
}

// May the signed-in user take `action`? (The server checks again.)
export function can(action) {
  return session.actions.includes(action)
}

// The level of the user's own region: a village's user (儿童主任) has one
// village and nothing to choose, a township's user picks among its villages.
export function scopeLevel() {
  return levelOfCode((session.user && session.user.region_code) || '')
}
