// Codes of the service platforms (docs/API.md "Service platforms", SPEC §5):
// the server's tables (codes.js).
import { labels } from './codes.js'
import { LEVEL_LABELS } from './labels.js'

export const KINDS = labels('platform_kind')
const KIND_LEVEL = labels('platform_kind', 'level')
// a 儿童之家 lies in a village, the other kinds in a township
export function kindLevel(kind) {
  return KIND_LEVEL[kind] || ''
}
// the unified name (统一名称) of a kind: XX村（社区）儿童之家, XX乡镇（街道）儿童活动中心 …
export function nameRule(kind) {
  return KINDS[kind] ? `XX${LEVEL_LABELS[kindLevel(kind)] || ''}${KINDS[kind]}` : ''
}

export const HOSTS = labels('platform_host')
export const PLACE_CHECKS = labels('platform_place_check')
export const EQUIPMENT = labels('platform_equipment')
export const RULES = labels('platform_rule')
export const FUNCTIONS = labels('platform_function')
export const PLATFORM_STATUS = labels('platform_status')
