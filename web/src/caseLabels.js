// Codes of the protection cases (docs/API.md "Protection cases", SPEC §6).

export const REPORTER_TYPES = {
  director: '儿童主任',
  school: '学校',
  medical: '医疗机构',
  village_committee: '村（居）委会',
  police: '公安',
  public: '群众',
  other: '其他',
}
export const SITUATIONS = {
  unsupervised: '无人监护',
  improper_guardianship: '监护不当',
  abuse: '遭受或疑似遭受虐待、遗弃、性侵害、暴力伤害',
  dropout: '失辍学',
  no_hukou: '无户籍',
  untreated_illness: '严重疾病或残疾无人照料',
  begging: '流浪乞讨',
  other: '其他',
}
export const CASE_STATES = {
  reported: '已报告，待受理',
  accepted: '已受理',
  emergency: '已应急处置',
  assessed: '已评估',
  planned: '帮扶中',
  closed: '已结案',
}
export function stateTagType(s) {
  return { reported: 'danger', accepted: 'warning', emergency: 'warning', assessed: 'primary', planned: 'primary', closed: 'info' }[s] || ''
}
export const EMERGENCY_MEASURES = {
  temporary_care: '临时照料',
  hospital: '送医',
  police: '报警',
  temporary_guardianship: '临时监护',
}
export const NEEDS = {
  living: '基本生活',
  guardianship: '家庭监护',
  mental_health: '心理健康',
  education: '学习教育',
}
export const REFERRAL_KINDS = {
  health: '卫生保健',
  rehabilitation: '医疗康复',
  psychological: '心理干预',
  social_assistance: '社会救助',
  judicial: '司法保护',
  education: '教育',
}
export const INTERVENTIONS = {
  criticism: '批评教育',
  urge_duty: '督促履责',
  temporary_guardianship: '临时监护',
  revoke_application: '申请撤销监护资格',
}
export const STEP_LABELS = {
  report: '报告',
  accept: '受理',
  emergency: '应急处置',
  assessment: '评估',
  plan: '制定帮扶方案',
  referral: '转介',
  referral_answer: '转介回复',
  intervention: '监护干预',
  close: '结案',
  escalate: '超时未受理，上报上一级',
}
export function stepType(step) {
  return { report: 'danger', escalate: 'danger', close: 'success', emergency: 'warning' }[step] || 'primary'
}
export const LEVEL_NAMES = { 1: '省级', 2: '市级', 3: '县级', 4: '乡镇' }
