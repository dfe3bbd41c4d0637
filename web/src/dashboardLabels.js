// The dashboard (docs/API.md "Dashboard", SPEC §9): the standard report
// tables, and how its figures are written for people.

// GET /api/v1/reports/{kind}?region=&quarter= (xlsx), in the order of the
// menu, each with the action it needs: the figure tables are statistics, the
// rosters name people (docs/API.md)
export const REPORTS = [
  { kind: 'children', title: '分乡镇儿童分类统计表', action: 'stats.read' },
  { kind: 'workforce', title: '工作队伍花名册', action: 'staff.read' },
  { kind: 'training', title: '培训花名册', action: 'staff.read' },
  { kind: 'platforms', title: '服务阵地名册', action: 'platform.read' },
  { kind: 'cases', title: '个案汇总表', action: 'stats.read' },
]

// short names of the categories for cards and chart axes on a phone
export const CATEGORY_SHORT = {
  left_behind: '留守儿童',
  orphan: '孤儿',
  de_facto_unsupported: '事实无人抚养',
  difficult_poverty: '困境·家庭贫困',
  difficult_disability: '困境·残疾重病',
  difficult_guardianship: '困境·监护缺失',
}

// the name of the regions one level below `level`
export function childLevelName(level) {
  return { province: '市（州）', city: '县（市、区）', county: '乡镇（街道）', township: '村（社区）' }[level] || '下级区域'
}

// 5.25 → "5.3 小时"; 50 → "50 小时（2.1 天）"; null → "—"
export function hoursText(h) {
  if (h === null || h === undefined || isNaN(h)) return '—'
  const r = Math.round(Number(h) * 10) / 10
  const t = (Number.isInteger(r) ? String(r) : r.toFixed(1)) + ' 小时'
  return r >= 48 ? `${t}（${(r / 24).toFixed(1)} 天）` : t
}

// a count that may be missing from an older server's answer
export function num(v) {
  return v === null || v === undefined || isNaN(v) ? '—' : String(v)
}
