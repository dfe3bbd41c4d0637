// Codes of the workforce module (docs/API.md "Workforce", SPEC §3) with their
// Chinese labels.

export const POSTS = { supervisor: '儿童督导员', director: '儿童主任' }
// the region level of each post
export const POST_LEVEL = { supervisor: 'township', director: 'village' }

export const SOURCES = {
  supervisor: {
    civil_affairs_office: '乡镇（街道）民政办干部',
    womens_federation: '妇联干部',
    dedicated: '专人',
  },
  director: {
    civil_affairs_assistant: '村（社区）民政协理员',
    community_worker: '社区工作人员',
    women_director: '妇女主任',
    college_graduate: '大学生村官',
    left_behind_woman: '留守妇女',
    volunteer: '爱心人士',
    other: '其他',
  },
}
export function sourceLabel(post, code, other) {
  const l = (SOURCES[post] && SOURCES[post][code]) || SOURCES.supervisor[code] || SOURCES.director[code] || code || ''
  return code === 'other' && other ? `${l}（${other}）` : l
}

export const EMPLOYMENT = { full_time: '专职', part_time: '兼职' }
export const STAFF_STATUS = { active: '在岗', left: '离任' }
export const STAFF_ACTIONS = { appoint: '任职登记', update: '修改信息', leave: '离任' }
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

export const TRAINING_MODES = { lecture: '集中授课', regional: '分点分片', institution: '委托培训机构', other: '其他' }
export const CORE_TOPICS = ['家庭走访', '信息更新', '强制报告', '政策链接', '推动落实家庭监护主体责任']
export const ATTEND_RESULTS = { attended: '参加培训', assessed: '参加考核' }

export const CERT_STATUS = { valid: '有效', revoked: '已撤销' }
export const CERT_TITLES = { supervisor: '儿童督导员培训合格证', director: '儿童主任培训合格证' }

export const CAMPAIGN_MEASURES = {
  staff_registered: '定岗定人并实名登记',
  staff_trained: '完成培训',
  certificate_issued: '颁发培训合格证',
}

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
