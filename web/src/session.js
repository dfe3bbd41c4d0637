// The signed-in user and the CSRF token of the session (docs/API.md § Session).
import { reactive } from 'vue'

export const session = reactive({
  loaded: false, // GET /api/v1/session has answered once
  user: null, // User object of the API, or null when signed out
  csrf: '', // csrf_token of the session response
})

export function setSession(data) {
  if (data && data.user) session.user = data.user
  if (data && typeof data.csrf_token === 'string') session.csrf = data.csrf_token
  session.loaded = true
}

export function clearSession() {
  session.user = null
  session.csrf = ''
  session.loaded = true
}
