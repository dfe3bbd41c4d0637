// Codes of the rural left-behind women module (docs/API.md "Rural left-behind
// women", SPEC §8): the server's tables (codes.js).
import { labels } from './codes.js'

export const EMPLOYMENTS = labels('woman_employment')
export const WOMAN_STATUS = labels('woman_status')
export const SERVICE_KINDS = labels('woman_service')
export const SCREENING_RESULTS = labels('screening_result')
// what the free text of each kind of service holds
export const DETAIL_LABELS = labels('woman_service', 'detail')

export function serviceTagType(s) {
  if (s.kind !== 'cancer_screening') return 'info'
  return s.result === 'normal' ? 'success' : s.result === 'diagnosed' ? 'danger' : 'warning'
}
// a screening other than "normal" needs its follow-up
export function needsFollowUp(kind, result) {
  return kind === 'cancer_screening' && !!result && result !== 'normal'
}
