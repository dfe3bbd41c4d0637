import { createRouter, createWebHashHistory } from 'vue-router'
import { session, setSession, clearSession, can } from './session.js'
import { request } from './api.js'
import { loadCodes } from './codes.js'
import { openOnline, lastUser, status as offline, flush, refreshCopy } from './offline/index.js'
import LoginView from './views/LoginView.vue'

// Hash history: the server only has to serve index.html at "/"; every view
// is a separate chunk loaded on first use.
const ChildForm = () => import('./views/children/ChildForm.vue')
const StaffForm = () => import('./views/workforce/StaffForm.vue')
const PlatformForm = () => import('./views/platforms/PlatformForm.vue')
const WomanForm = () => import('./views/women/WomanForm.vue')

const routes = [
  // in the first chunk: the first page a phone loads, on a slow link
  { path: '/login', name: 'login', component: LoginView, meta: { public: true, title: '登录' } },
  // a start without a network: the device's copy, opened with the password
  { path: '/unlock', name: 'unlock', component: () => import('./views/UnlockView.vue'), meta: { public: true, title: '离线使用' } },
  // the public check of a printed certificate: no login
  { path: '/verify', name: 'verify', component: () => import('./views/workforce/VerifyView.vue'), meta: { public: true, title: '证书查验' } },
  { path: '/password', name: 'password', component: () => import('./views/PasswordView.vue'), meta: { title: '修改密码' } },
  {
    path: '/',
    component: () => import('./layouts/MainFrame.vue'),
    children: [
      // a director's home is its work (the village's children, visits due),
      // without the statistics' charts; every other role's is the dashboard
      { path: '', name: 'dashboard', component: () => (can('child.offline') ? import('./views/DirectorHome.vue') : import('./views/DashboardView.vue')), meta: { title: '首页' } },
      // what waits to be sent, and the edits that met someone else's
      { path: 'sync', name: 'sync', component: () => import('./views/SyncView.vue'), meta: { title: '待同步', plain: true } },
      // admin and auditor reach the list, which explains that child data is not theirs
      { path: 'children', name: 'children', component: () => import('./views/children/ChildrenList.vue'), meta: { title: '儿童档案' } },
      { path: 'children/new', name: 'child-new', component: ChildForm, meta: { title: '新增儿童', action: 'child.write' } },
      { path: 'children/transfers', name: 'child-transfers', component: () => import('./views/children/TransfersView.vue'), meta: { title: '儿童迁移', action: 'child.read' } },
      { path: 'children/exit-proposals', name: 'child-exit-proposals', component: () => import('./views/children/ExitProposals.vue'), meta: { title: '退出提示', action: 'child.write' } },
      { path: 'children/:id(\\d+)', name: 'child', component: () => import('./views/children/ChildDetail.vue'), meta: { title: '儿童档案详情', action: 'child.read' } },
      { path: 'children/:id(\\d+)/edit', name: 'child-edit', component: ChildForm, meta: { title: '编辑儿童档案', action: 'child.write' } },
      // 工作队伍: the list explains itself to the roles it is not for
      { path: 'workforce/staff', name: 'staff', component: () => import('./views/workforce/StaffList.vue'), meta: { title: '督导员与儿童主任' } },
      { path: 'workforce/staff/new', name: 'staff-new', component: StaffForm, meta: { title: '登记人员', action: 'staff.register' } },
      { path: 'workforce/staff/:id(\\d+)', name: 'staff-detail', component: () => import('./views/workforce/StaffDetail.vue'), meta: { title: '人员详情', action: 'staff.read' } },
      { path: 'workforce/staff/:id(\\d+)/edit', name: 'staff-edit', component: StaffForm, meta: { title: '修改人员信息', action: 'staff.register' } },
      { path: 'workforce/coverage', name: 'coverage', component: () => import('./views/workforce/CoverageView.vue'), meta: { title: '配备覆盖情况', action: 'stats.read' } },
      { path: 'workforce/training', name: 'training', component: () => import('./views/workforce/TrainingList.vue'), meta: { title: '培训', action: 'staff.read' } },
      { path: 'workforce/training/new', name: 'training-new', component: () => import('./views/workforce/TrainingForm.vue'), meta: { title: '新增培训', action: 'training.write' } },
      { path: 'workforce/training/:id(\\d+)', name: 'training-detail', component: () => import('./views/workforce/TrainingDetail.vue'), meta: { title: '培训详情', action: 'staff.read' } },
      { path: 'workforce/certificates', name: 'certificates', component: () => import('./views/workforce/CertificateList.vue'), meta: { title: '证书', action: 'staff.read' } },
      { path: 'workforce/campaigns', name: 'campaigns', component: () => import('./views/workforce/CampaignList.vue'), meta: { title: '工作任务', action: 'stats.read' } },
      // 服务阵地
      { path: 'platforms', name: 'platforms', component: () => import('./views/platforms/PlatformList.vue'), meta: { title: '服务阵地' } },
      { path: 'platforms/new', name: 'platform-new', component: PlatformForm, meta: { title: '新增服务阵地', action: 'platform.write' } },
      { path: 'platforms/:id(\\d+)', name: 'platform-detail', component: () => import('./views/platforms/PlatformDetail.vue'), meta: { title: '服务阵地详情', action: 'platform.read' } },
      { path: 'platforms/:id(\\d+)/edit', name: 'platform-edit', component: PlatformForm, meta: { title: '编辑服务阵地', action: 'platform.write' } },
      { path: 'platforms/compliance', name: 'platform-compliance', component: () => import('./views/platforms/ComplianceView.vue'), meta: { title: '“五有”达标', action: 'platform.read' } },
      { path: 'platforms/rule100', name: 'platform-rule100', component: () => import('./views/platforms/Rule100View.vue'), meta: { title: '百名儿童规则', action: 'platform.read' } },
      { path: 'platforms/activities', name: 'platform-activities', component: () => import('./views/platforms/ActivityStatsView.vue'), meta: { title: '活动统计', action: 'platform.read' } },
      // 救助保护
      { path: 'cases', name: 'cases', component: () => import('./views/cases/CaseList.vue'), meta: { title: '救助保护' } },
      { path: 'cases/report', name: 'case-report', component: () => import('./views/cases/CaseReport.vue'), meta: { title: '强制报告', action: 'case.report' } },
      { path: 'cases/watchlist', name: 'watchlist', component: () => import('./views/cases/WatchlistView.vue'), meta: { title: '监测预防', action: 'case.read' } },
      { path: 'cases/:id(\\d+)', name: 'case-detail', component: () => import('./views/cases/CaseDetail.vue'), meta: { title: '个案详情', action: 'case.read' } },
      // 季度核实
      { path: 'quarterly', name: 'quarterly', component: () => import('./views/quarterly/QualityView.vue'), meta: { title: '季度核实' } },
      { path: 'quarterly/progress', name: 'quarter-progress', component: () => import('./views/quarterly/ProgressView.vue'), meta: { title: '核实进度', action: 'quality.read' } },
      { path: 'quarterly/figures', name: 'quarter-figures', component: () => import('./views/quarterly/FiguresView.vue'), meta: { title: '季度数据', action: 'quality.read' } },
      // 留守妇女: the list explains itself to the roles it is not for
      { path: 'women', name: 'women', component: () => import('./views/women/WomenList.vue'), meta: { title: '留守妇女' } },
      { path: 'women/new', name: 'woman-new', component: WomanForm, meta: { title: '登记留守妇女', action: 'women.write' } },
      { path: 'women/stats', name: 'women-stats', component: () => import('./views/women/WomenStats.vue'), meta: { title: '留守妇女服务统计', action: 'stats.read' } },
      { path: 'women/:id(\\d+)', name: 'woman', component: () => import('./views/women/WomanDetail.vue'), meta: { title: '留守妇女详情', action: 'women.read' } },
      { path: 'women/:id(\\d+)/edit', name: 'woman-edit', component: WomanForm, meta: { title: '修改留守妇女信息', action: 'women.write' } },
      // large exports with whole identities: asked for, approved one level up
      { path: 'exports', name: 'exports', component: () => import('./views/ExportsView.vue'), meta: { title: '导出审批', action: 'export.read' } },
      { path: 'users', name: 'users', component: () => import('./views/UsersView.vue'), meta: { title: '用户管理', action: 'user.manage' } },
      { path: 'audit', name: 'audit', component: () => import('./views/AuditView.vue'), meta: { title: '审计日志', action: 'audit.read' } },
      { path: 'regions', name: 'regions', component: () => import('./views/RegionsView.vue'), meta: { title: '行政区划' } },
    ],
  },
  { path: '/:rest(.*)*', redirect: '/' },
]

export const router = createRouter({ history: createWebHashHistory(), routes })

async function loadSession() {
  // the device key beside the session: one round trip for both
  const key = request('GET', '/session/device-key', { quiet: true, noRedirect: true, noReauth: true }).catch(() => null)
  try {
    setSession(await request('GET', '/session', { quiet: true, noRedirect: true }))
    // the device's copy opens; what waits goes, the copy is taken again
    // (neither holds up the first page)
    const opened = openOnline(undefined, key)
    opened.then((ok) => ok && flush().then(() => refreshCopy()))
    if (can('child.offline')) await opened
  } catch (e) {
    if (e.code === 'network' && lastUser()) {
      // no network: the device's copy, once the password opens it
      session.loaded = true
      session.needUnlock = true
    } else if (e.code === 'password_change_required' && e.status === 403) {
      // a server that refuses GET /session too while the password must change
      session.loaded = true
      session.user = session.user || { must_change_password: true, role: '', display_name: '', username: '' }
    } else {
      clearSession()
    }
  }
}

router.beforeEach(async (to) => {
  // the code tables (every label a page shows) beside the session, before the
  // first page; once they are here this costs nothing
  const tables = loadCodes()
  if (!session.loaded) await loadSession()
  // the login page shows no code: on a slow link it does not wait for them
  if (!(to.name === 'login' && !session.user)) await tables
  if (session.needUnlock && !session.user && !offline.unlocked) {
    if (to.name === 'unlock') return true
    return { name: 'unlock' }
  }
  const user = session.user
  if (to.meta.public) {
    if (user && to.name === 'login') return user.must_change_password ? { name: 'password' } : { path: '/' }
    return true
  }
  if (!user) {
    return { name: 'login', query: to.fullPath && to.fullPath !== '/' ? { redirect: to.fullPath } : {} }
  }
  if (user.must_change_password && to.name !== 'password') return { name: 'password' }
  // the server's permission table, through the session's actions
  if (to.meta.action && !can(to.meta.action)) return { path: '/' }
  return true
})

router.afterEach((to) => {
  document.title = (to.meta.title ? to.meta.title + ' - ' : '') + '关爱保护信息系统'
})
