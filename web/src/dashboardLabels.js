// The dashboard (docs/API.md "Dashboard", SPEC §9): the standard report
// tables, and how its figures are written for people.
import { entries, labels } from './codes.js'
import { LEVELS, LEVEL_LABELS } from './labels.js'

// GET /api/v1/reports/{kind}?region=&quarter= (xlsx): the server's menu of
// standard tables, each { code, label, action } with the action it needs — the
// figure tables are statistics, the rosters name people (docs/API.md)
export const REPORTS = entries('report')

// short names of the categories for cards and chart axes on a phone
export const CATEGORY_SHORT = labels('category', 'short')

// the name of the regions one level below `level`
export function childLevelName(level) {
  const i = LEVELS.indexOf(level)
  return i >= 0 && i + 1 < LEVELS.length ? LEVEL_LABELS[LEVELS[i + 1]] : '下级区域'
}

// 5.25 → "5.3 小时"; 50 → "50 小时（2.1 天）"; null → "—"
export function hoursText(h) {
  if (h === null || h === undefined || isNaN(h)) return '—'
  const r = Math.round(Number(h) * 10) / 10
  const t = (Number.isInteger(r) ? String(r) : r.toFixed(1)) + ' 小时'
  return r >= 48 ? `${t}（${(r / 24).toFixed(1)} 天）` : t
}

// a count that may be missing from an older server's answer
export function num(v) {
  return v === null || v === undefined || isNaN(v) ? '—' : String(v)
}
