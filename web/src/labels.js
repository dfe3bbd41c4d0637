// Chinese labels for the codes of the API (docs/API.md) — the server's tables
// (codes.js) — and the UI's own texts.
import { labels, codeList } from './codes.js'

// What a role is called. What a role may do is not here: the session's
// `actions` and `grants` say it (session.js).
export const ROLE_LABELS = labels('role')

// The level of the scope region each role requires (the administrators and
// the auditor: null, any); a hint for the form, the server checks.
export const ROLE_LEVEL = labels('role', 'level')

// province, city, county, township, village
export const LEVELS = codeList('region_level')

// 省, 市（州）, 县（市、区）, 乡镇（街道）, 村（社区）
export const LEVEL_LABELS = labels('region_level')
// 省, 市, 县, 乡镇, 村: as a message says it (县级)
export const LEVEL_SHORT = labels('region_level', 'short')
// the length of a level's region codes: 2, 4, 6, 9, 12
export const LEVEL_DIGITS = labels('region_level', 'digits')

export const AUDIT_ACTIONS = labels('audit_action')

// Fallback texts for API error codes, used when the server sends no message
// and by the login page, which words some of them for the person at the door.
export const ERROR_TEXTS = {
  invalid_json: '请求格式错误',
  unknown_field: '请求包含不支持的字段',
  invalid_field: '填写的内容不正确',
  missing_field: '请填写必填项',
  invalid_region: '区划代码格式不正确',
  invalid_query: '查询条件不正确',
  weak_password: '密码强度不足：至少8位，包含大写字母、小写字母、数字、符号中的至少三类',
  unauthenticated: '登录已过期，请重新登录',
  invalid_credentials: '用户名或密码错误',
  csrf_failed: '页面已过期，请刷新后重试',
  password_change_required: '请先修改初始密码',
  forbidden: '没有权限执行此操作',
  wrong_password: '原密码错误',
  not_found: '记录不存在或不在您的管辖范围内',
  region_not_found: '区划不存在或不在您的管辖范围内',
  method_not_allowed: '不支持的操作',
  username_taken: '用户名已被使用',
  payload_too_large: '提交的内容过大',
  unsupported_media_type: '请求格式不受支持',
  too_many_attempts: '尝试次数过多，请稍后再试',
  password_reused: '新密码不能与最近5次使用过的密码相同',
  account_disabled: '账号已停用，请联系管理员',
  network: '网络连接失败，请检查网络后重试',
  server: '服务器出错，请稍后再试',
}

export const PASSWORD_RULE =
  '至少8位，包含大写字母、小写字母、数字、符号中的至少三类；不能包含用户名，不能是常见词加数字（如 Admin@123），不能与最近5次使用过的密码相同'

// Client-side mirror of the server's rule (the server is authoritative).
export function passwordProblem(pw) {
  if (!pw || pw.length < 8) return '密码至少8位'
  let classes = 0
  if (/[A-Z]/.test(pw)) classes++
  if (/[a-z]/.test(pw)) classes++
  if (/[0-9]/.test(pw)) classes++
  if (/[^A-Za-z0-9]/.test(pw)) classes++
  if (classes < 3) return '需包含大写字母、小写字母、数字、符号中的至少三类'
  return ''
}

// Level of a region code in its natural length (2/4/6/9/12 digits).
export function levelOfCode(code) {
  const n = String(code || '').length
  return Object.keys(LEVEL_DIGITS).find((l) => LEVEL_DIGITS[l] === n) || ''
}

export function userStatus(u) {
  if (u.disabled) return { text: '已停用', type: 'info' }
  // failed logins hold some address back (the account itself is never locked)
  if (u.locked) return { text: '登录受限', type: 'danger' }
  if (u.must_change_password) return { text: '待修改密码', type: 'warning' }
  return { text: '正常', type: 'success' }
}

export function formatTime(s) {
  if (!s) return ''
  const d = new Date(s)
  if (isNaN(d.getTime())) return s
  const p = (n) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`
}
