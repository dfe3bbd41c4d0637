// Codes of the protection cases (docs/API.md "Protection cases", SPEC §6):
// the server's tables (codes.js), and how a page colours them.
import { labels } from './codes.js'

export const REPORTER_TYPES = labels('case_reporter_type')
export const SITUATIONS = labels('case_situation')
export const CASE_STATES = labels('case_state')
export function stateTagType(s) {
  return { reported: 'danger', accepted: 'warning', emergency: 'warning', assessed: 'primary', planned: 'primary', closed: 'info' }[s] || ''
}
export const EMERGENCY_MEASURES = labels('case_emergency')
// the four areas of an assessment, as of a visit (SPEC §4.3)
export const NEEDS = labels('area')
export const REFERRAL_KINDS = labels('case_referral_kind')
export const INTERVENTIONS = labels('case_intervention')
export const STEP_LABELS = labels('case_step')
export function stepType(step) {
  return { report: 'danger', escalate: 'danger', close: 'success', emergency: 'warning' }[step] || 'primary'
}
