// Codes of the service platforms (docs/API.md "Service platforms", SPEC §5).

export const KINDS = {
  children_home: '儿童之家',
  activity_center: '儿童活动中心',
  protection_station: '未成年人保护工作站',
}
// a 儿童之家 lies in a village, the other kinds in a township
export function kindLevel(kind) {
  return kind === 'children_home' ? 'village' : 'township'
}
export const NAME_RULES = {
  children_home: 'XX村（社区）儿童之家',
  activity_center: 'XX乡镇（街道）儿童活动中心',
  protection_station: 'XX乡镇（街道）未成年人保护工作站',
}

export const HOSTS = {
  civil_affairs_station: '村（社区）民政工作站',
  village_school: '村小',
  kindergarten: '幼儿园',
  school: '学校',
  civil_affairs_office: '民政工作机构',
  youth_palace: '少年宫',
  womens_home: '妇女之家',
  rural_library: '农家书屋',
  other: '其他',
}

export const FIVE = ['有统一名称', '有固定场所', '有必要设施设备', '有专人管理', '有基本制度']

export const PLACE_CHECKS = {
  ventilation: '通风良好',
  lighting: '采光充足',
  fire_safety: '消防安全',
  no_hazards: '无危险设施',
}
export const EQUIPMENT = {
  desks_chairs: '桌椅',
  bookshelves: '图书架',
  av_equipment: '音像设备',
  age_books: '分龄图书',
  toys: '玩具',
  game_materials: '游戏材料',
  sports_equipment: '文体活动器材',
  computers: '电脑',
  file_cabinets: '档案柜',
}
export const RULES = {
  management_rules: '管理制度',
  activity_plan: '活动计划',
  emergency_plan: '灾害事故应急预案',
}

export const FUNCTIONS = {
  1: '建立儿童档案',
  2: '转介',
  3: '宣传教育和技能指导',
  4: '法治教育和心理健康指导',
  5: '不良行为预防和矫治',
  6: '文体娱乐阅读社会实践',
}

export const PLATFORM_STATUS = { active: '运行中', closed: '已关闭' }
