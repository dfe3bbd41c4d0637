// Codes of the workforce module (docs/API.md "Workforce", SPEC §3): the
// server's tables (codes.js).
import { labels, codeList } from './codes.js'

export const POSTS = labels('staff_post')
// the region level of each post
export const POST_LEVEL = labels('staff_post', 'level')
// the certificate of each post's initial training
export const CERT_TITLES = labels('staff_post', 'certificate')

export const SOURCES = {
  supervisor: labels('staff_source', 'label', (e) => e.post === 'supervisor'),
  director: labels('staff_source', 'label', (e) => e.post === 'director'),
}
export function sourceLabel(post, code, other) {
  const l = (SOURCES[post] && SOURCES[post][code]) || SOURCES.supervisor[code] || SOURCES.director[code] || code || ''
  return code === 'other' && other ? `${l}（${other}）` : l
}

export const EMPLOYMENT = labels('staff_employment')
export const STAFF_STATUS = labels('staff_status')
export const STAFF_ACTIONS = labels('staff_action')
export const STAFF_FIELDS = {
  name: '姓名',
  phone: '电话',
  source: '来源',
  source_other: '其他来源说明',
  employment: '专兼职',
  user_id: '关联账号',
  left_on: '离任日期',
  reason: '离任原因',
  leave_reason: '离任原因',
  status: '状态',
}

export const TRAINING_MODES = labels('training_mode')
// the five core contents the notice names (a training may add more)
export const CORE_TOPICS = codeList('training_topic')
export const ATTEND_RESULTS = labels('attendance_result')

export const CERT_STATUS = labels('certificate_status')

export const CAMPAIGN_MEASURES = labels('campaign_measure')

// A campaign is judged at its due date; what was done after it is shown
// apart as 补齐 with its days (issue #19), never added to the verdict.
export function madeGoodText(m) {
  if (!m || !m.count) return ''
  const days = m.from && m.to && m.from !== m.to ? `${m.from} 至 ${m.to}` : m.from || ''
  return `截止后补齐 ${m.count}${days ? `（${days}）` : ''}`
}

// whole-number percentages as people read them: 96.1%
export function pctText(v) {
  if (v === null || v === undefined || isNaN(v)) return '—'
  const r = Math.round(Number(v) * 10) / 10
  return (Number.isInteger(r) ? String(r) : r.toFixed(1)) + '%'
}

// the colour of a progress bar: red when late, green when done
export function progressColor(late, pct) {
  if (late) return '#f56c6c'
  if (Number(pct) >= 100) return '#67c23a'
  return '#1f6f5c'
}
