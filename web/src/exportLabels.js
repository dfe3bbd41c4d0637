// Exports (docs/API.md "Exports", "Masking"): the labels of a request.
// Who asks and who approves is the session's actions (export.request,
// export.approve), never a role list. Kinds and states are the server's
// tables (codes.js).
import { labels } from './codes.js'

export const EXPORT_KIND = labels('export_kind')
export const EXPORT_STATE = labels('export_state')
export const EXPORT_STATE_TAG = {
  pending: 'warning',
  approved: 'success',
  rejected: 'danger',
  downloaded: 'info',
  expired: 'info',
}
export const DEFAULT_PURPOSE = '日常工作'

// The client's mirror of the server's check of a purpose (exportmark_init):
// 2–60 characters of one line, nothing invisible.
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]/
export function purposeError(v) {
  const s = (v || '').trim()
  if (INVISIBLE.test(v || '')) return '用途含有不可见的控制字符，请删除后重新输入'
  if ([...s].length < 2) return '请填写导出用途（2至60个字符）'
  if ([...s].length > 60) return '导出用途最多60个字符'
  return ''
}
