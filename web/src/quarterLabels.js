// Quarterly verification (docs/API.md "Quarterly verification", SPEC §7): the
// server's tables (codes.js) and how a page shows quarters.
import { labels } from './codes.js'
import { formatTime } from './labels.js'

export const SEVERITY = labels('severity')
export function severityType(s) {
  return { error: 'danger', warning: 'warning', info: 'info' }[s] || 'info'
}
// the quality rules' messages (Q01 …), as the server words them
export const RULE_TEXTS = labels('quality_rule')
export const SIGNOFF = labels('signoff_state')
export function signoffType(s) {
  return { open: 'info', submitted: 'primary', changed: 'warning', returned: 'danger', approved: 'success' }[s] || 'info'
}
// who set a sign-off state and when (progress `signoff_by`, `signoff_at`)
export function signoffWho(x) {
  if (!x || !x.signoff_by) return ''
  const at = x.signoff_at ? formatTime(x.signoff_at) : ''
  return `${x.signoff_by}${at ? ' · ' + at : ''}`
}
export const OUTCOMES = labels('verification_outcome')

export function quarterOf(date = new Date()) {
  return `${date.getFullYear()}Q${Math.floor(date.getMonth() / 3) + 1}`
}
export function quarterText(q) {
  const m = /^(\d{4})Q([1-4])$/.exec(q || '')
  return m ? `${m[1]}年第${'一二三四'[Number(m[2]) - 1]}季度` : q
}
// the current quarter and the ones before it, back to 2018Q3 (the notice)
export function recentQuarters(n = 12) {
  const out = []
  let [y, k] = quarterOf().split('Q').map(Number)
  while (out.length < n && (y > 2018 || (y === 2018 && k >= 3))) {
    out.push(`${y}Q${k}`)
    k--
    if (k === 0) {
      k = 4
      y--
    }
  }
  return out
}
