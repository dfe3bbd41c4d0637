// Codes of the rural left-behind women module (docs/API.md "Rural left-behind
// women", SPEC §8) with their Chinese labels.

export const EMPLOYMENTS = {
  farming: '务农',
  local_work: '就地就近务工',
  self_employed: '个体经营',
  unemployed: '无业',
  other: '其他',
}
export const WOMAN_STATUS = { active: '在册', exited: '已退出' }

export const SERVICE_KINDS = {
  employment_guidance: '就业指导',
  entrepreneurship: '创业支持',
  cancer_screening: '两癌筛查',
  rights: '权益保障',
}
export const SCREENING_RESULTS = {
  normal: '未见异常',
  abnormal: '异常，需复查',
  diagnosed: '确诊',
}
// what the free text of each kind of service holds
export const DETAIL_LABELS = {
  employment_guidance: '指导内容',
  entrepreneurship: '支持内容',
  cancer_screening: '说明',
  rights: '案件情况与处理结果',
}

export function serviceTagType(s) {
  if (s.kind !== 'cancer_screening') return 'info'
  return s.result === 'normal' ? 'success' : s.result === 'diagnosed' ? 'danger' : 'warning'
}
// a screening other than "normal" needs its follow-up
export function needsFollowUp(kind, result) {
  return kind === 'cancer_screening' && !!result && result !== 'normal'
}
