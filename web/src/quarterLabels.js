// Quarterly verification (docs/API.md "Quarterly verification", SPEC §7).
import { formatTime } from './labels.js'

export const SEVERITY = { error: '错误', warning: '警告', info: '提示' }
export function severityType(s) {
  return { error: 'danger', warning: 'warning', info: 'info' }[s] || 'info'
}
export const RULE_TEXTS = {
  Q01: '留守儿童未完整填写受委托监护人姓名、关系和电话',
  Q02: '失辍学儿童未填写情况说明',
  Q03: '身份证号校验位错误',
  Q04: '身份证号与出生日期或性别不一致',
  Q05: '年龄已超过所确认类别的年龄上限',
  Q06: '已确认的类别与系统认定的类别不一致',
  Q07: '父亲或母亲的姓名或状况未填写',
  Q08: '本季度未走访',
  Q09: '同一身份证号有两条在册记录',
  Q10: '电话号码格式错误',
  Q11: '本季度尚未核实',
}
export const SIGNOFF = { open: '未提交', submitted: '已提交', changed: '报送后有变更', returned: '已退回', approved: '已审批' }
export function signoffType(s) {
  return { open: 'info', submitted: 'primary', changed: 'warning', returned: 'danger', approved: 'success' }[s] || 'info'
}
// who set a sign-off state and when (progress `signoff_by`, `signoff_at`)
export function signoffWho(x) {
  if (!x || !x.signoff_by) return ''
  const at = x.signoff_at ? formatTime(x.signoff_at) : ''
  return `${x.signoff_by}${at ? ' · ' + at : ''}`
}
export const OUTCOMES = { unchanged: '核实无变化', updated: '已更新信息' }

export function quarterOf(date = new Date()) {
  return `${date.getFullYear()}Q${Math.floor(date.getMonth() / 3) + 1}`
}
export function quarterText(q) {
  const m = /^(\d{4})Q([1-4])$/.exec(q || '')
  return m ? `${m[1]}年第${'一二三四'[Number(m[2]) - 1]}季度` : q
}
// the current quarter and the ones before it, back to 2018Q3 (the notice)
export function recentQuarters(n = 12) {
  const out = []
  let [y, k] = quarterOf().split('Q').map(Number)
  while (out.length < n && (y > 2018 || (y === 2018 && k >= 3))) {
    out.push(`${y}Q${k}`)
    k--
    if (k === 0) {
      k = 4
      y--
    }
  }
  return out
}
