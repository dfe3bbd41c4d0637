// Codes of the children's records (docs/API.md "Children", SPEC §4, §11) with
// their Chinese labels — the server's tables (codes.js) — and the client-side
// mirror of the server's checks (the server stays authoritative: its message
// is always shown).
import { labels, codeList } from './codes.js'

export const SEX = labels('sex')
export const PARENT_STATUS = labels('parent_status')
// a status whose parent works away: the form asks where
export const MIGRANT = labels('parent_status', 'migrant')

export const GUARDIANSHIP = labels('guardianship')
export const LIVING_SUPPORT = labels('living_support')
export const MENTAL_HEALTH = labels('mental_health')
export const EDUCATION = labels('education')
export const HEALTH = labels('health')
export const HUKOU_STATUS = labels('hukou_status')
// the key-attention flag a guardianship, education or health value raises
export const GUARDIANSHIP_FLAG = labels('guardianship', 'flag')
export const EDUCATION_FLAG = labels('education', 'flag')

export const CATEGORIES = labels('category')
export const FLAGS = labels('flag')
// key-attention flags: the protection risks in red, the rest in orange
const RED_FLAGS = ['unsupervised', 'poor_guardianship', 'dropout']
export function flagTagType(code) {
  return RED_FLAGS.includes(code) ? 'danger' : 'warning'
}
export function categoryTagType(code) {
  return { left_behind: 'primary', orphan: 'danger', de_facto_unsupported: 'danger' }[code] || 'success'
}

export const CHILD_STATUS = labels('child_status')
export const EXIT_REASONS = labels('exit_reason')
export const RISK_LEVELS = labels('risk_level')
export function riskTagType(r) {
  return { low: 'success', medium: 'warning', high: 'danger' }[r] || 'info'
}
export const TRANSFER_STATES = labels('transfer_state')
export const HISTORY_ACTIONS = labels('history_action')
// the four areas of a visit's findings and of a case's assessment (SPEC §4.3)
export const AREAS = labels('area')

export const SORTS = {
  region: '按村（社区）',
  name: '按姓名',
  birth_date: '按出生日期',
  last_visit: '按最近走访',
  id: '按登记顺序',
}
export const NOT_VISITED = [30, 90, 180, 365]

export const ETHNICITIES = codeList('ethnicity')

// Chinese labels of the record's fields, by the dotted paths the server uses
// in error.field and in the history's changes (the form's captions, not codes).
const PERSON = { name: '姓名', id_number: '身份证号', phone: '电话', status: '状况', work_place: '务工地', relationship: '与儿童关系' }
// ui-text: a field's caption may be the word of a code (心理健康, 学习教育)
export const FIELD_LABELS = {
  name: '姓名',
  sex: '性别',
  birth_date: '出生日期',
  id_number: '身份证号',
  ethnicity: '民族',
  region_code: '居住地（村/社区）',
  hukou_region: '户籍地',
  hukou_rural: '农村户籍',
  hukou_status: '户籍状态',
  address: '家庭住址',
  school: '就读学校',
  grade: '年级',
  contact_phone: '联系电话',
  father: '父亲',
  mother: '母亲',
  guardian: '受委托监护人',
  guardianship: '家庭监护情况',
  living_support: '基本生活保障',
  mental_health: '心理健康',
  mental_notes: '心理健康说明',
  education: '学习教育',
  dropout_explanation: '失辍学情况说明',
  health: '健康状况',
  illness: '所患疾病',
  disability: '残疾',
  'disability.type': '残疾类别',
  'disability.grade': '残疾等级',
  'disability.certificate_no': '残疾证号',
  confirmed_categories: '已确认分类',
  status: '档案状态',
  exit_reason: '退出原因',
}
for (const [p, pl] of [['father', '父亲'], ['mother', '母亲'], ['guardian', '受委托监护人']]) {
  for (const [k, kl] of Object.entries(PERSON)) FIELD_LABELS[p + '.' + k] = pl + kl
}
export function fieldLabel(path) {
  return FIELD_LABELS[path] || path
}

const VALUE_LABELS = {
  sex: SEX,
  hukou_status: HUKOU_STATUS,
  guardianship: GUARDIANSHIP,
  living_support: LIVING_SUPPORT,
  mental_health: MENTAL_HEALTH,
  education: EDUCATION,
  health: HEALTH,
  'father.status': PARENT_STATUS,
  'mother.status': PARENT_STATUS,
  status: CHILD_STATUS,
}

// A value of the history (before/after) as the user reads it.
export function valueText(path, v) {
  if (v === null || v === undefined || v === '') return '（空）'
  if (typeof v === 'boolean') return v ? '是' : '否'
  if (Array.isArray(v)) {
    if (!v.length) return '（无）'
    return v.map((c) => CATEGORIES[c] || FLAGS[c] || c).join('、')
  }
  if (typeof v === 'object') return JSON.stringify(v)
  const t = VALUE_LABELS[path]
  return (t && t[v]) || String(v)
}

// ---- dates ----
export function todayISO() {
  const d = new Date()
  const p = (n) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`
}
export function daysBetween(a, b) {
  const ta = Date.parse(a + 'T00:00:00Z')
  const tb = Date.parse(b + 'T00:00:00Z')
  if (isNaN(ta) || isNaN(tb)) return null
  return Math.round((tb - ta) / 86400000)
}
export function validDate(s) {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s || '')) return false
  const [y, m, d] = s.split('-').map(Number)
  if (y < 1900 || m < 1 || m > 12 || d < 1) return false
  return d <= new Date(Date.UTC(y, m, 0)).getUTCDate()
}
// Server timestamps: Unix seconds (children) or ISO strings (users).
export function formatTs(v) {
  if (v === null || v === undefined || v === '') return ''
  const d = typeof v === 'number' ? new Date(v * 1000) : new Date(v)
  if (isNaN(d.getTime())) return String(v)
  const p = (n) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`
}

// ---- ID numbers (GB 11643-1999) ----
const W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
export function idCheckChar(first17) {
  if (!/^\d{17}/.test(first17 || '')) return ''
  let sum = 0
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * W[i]
  return '10X98765432'[sum % 11]
}
export function normalizeId(s) {
  return String(s || '').trim().toUpperCase()
}
// The problem of an ID number, in the server's words, or '' when valid.
export function idProblem(raw, today = todayISO()) {
  const id = normalizeId(raw)
  if (id.length !== 18) return '身份证号应为18位'
  if (!/^\d{17}/.test(id)) return '身份证号前17位应为数字'
  if (!/[\dX]$/.test(id)) return '身份证号第18位（校验位）应为数字或X'
  const birth = idBirth(id)
  if (!validDate(birth)) return `身份证号中的出生日期无效（${id.slice(6, 14)}）`
  if (birth > today) return `身份证号中的出生日期（${birth}）晚于今天`
  if (idCheckChar(id) !== id[17]) return '身份证号校验位错误，请核对号码'
  return ''
}
export function idBirth(id) {
  id = normalizeId(id)
  return `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`
}
export function idSex(id) {
  return Number(normalizeId(id)[16]) % 2 === 1 ? 'male' : 'female'
}

// ---- phones: an 11-digit mobile, or a landline 0 + area code + number ----
export function phoneValid(s) {
  if (!s) return true
  if (/^1[3-9]\d{9}$/.test(s)) return true
  if (s.length < 10 || s.length > 13 || s[0] !== '0') return false
  if (!/^0\d*(-\d+)?$/.test(s)) return false
  const digits = s.replace(/-/g, '').length
  return digits >= 10 && digits <= 12
}
export const PHONE_RULE = '电话号码格式不正确（手机11位，或区号-号码）'

// Free text for the server: it refuses line breaks and other control
// characters, and text of spaces only; '' means "not given".
export function cleanText(s) {
  return String(s || '')
    .replace(/[\u0000-\u001f\u007f]+/g, ' ')
    .replace(/ {2,}/g, ' ')
    .trim()
}
