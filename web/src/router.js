import { createRouter, createWebHashHistory } from 'vue-router'
import { session, setSession, clearSession } from './session.js'
import { request } from './api.js'
import { MANAGER_ROLES, AUDIT_ROLES } from './labels.js'
import { CHILD_READ_ROLES, CHILD_WRITE_ROLES } from './childLabels.js'

// Hash history: the server only has to serve index.html at "/"; every view
// is a separate chunk loaded on first use.
const Placeholder = () => import('./views/PlaceholderView.vue')
const ChildForm = () => import('./views/children/ChildForm.vue')

const routes = [
  { path: '/login', name: 'login', component: () => import('./views/LoginView.vue'), meta: { public: true, title: '登录' } },
  { path: '/password', name: 'password', component: () => import('./views/PasswordView.vue'), meta: { title: '修改密码' } },
  {
    path: '/',
    component: () => import('./layouts/MainFrame.vue'),
    children: [
      { path: '', name: 'dashboard', component: () => import('./views/DashboardView.vue'), meta: { title: '首页' } },
      // admin and auditor reach the list, which explains that child data is not theirs
      { path: 'children', name: 'children', component: () => import('./views/children/ChildrenList.vue'), meta: { title: '儿童档案' } },
      { path: 'children/new', name: 'child-new', component: ChildForm, meta: { title: '新增儿童', roles: CHILD_WRITE_ROLES } },
      { path: 'children/transfers', name: 'child-transfers', component: () => import('./views/children/TransfersView.vue'), meta: { title: '儿童迁移', roles: CHILD_READ_ROLES } },
      { path: 'children/exit-proposals', name: 'child-exit-proposals', component: () => import('./views/children/ExitProposals.vue'), meta: { title: '退出提示', roles: CHILD_WRITE_ROLES } },
      { path: 'children/:id(\\d+)', name: 'child', component: () => import('./views/children/ChildDetail.vue'), meta: { title: '儿童档案详情', roles: CHILD_READ_ROLES } },
      { path: 'children/:id(\\d+)/edit', name: 'child-edit', component: ChildForm, meta: { title: '编辑儿童档案', roles: CHILD_WRITE_ROLES } },
      { path: 'workforce/staff', name: 'staff', component: Placeholder, meta: { title: '督导员与儿童主任', placeholder: 'staff' } },
      { path: 'workforce/training', name: 'training', component: Placeholder, meta: { title: '培训', placeholder: 'training' } },
      { path: 'workforce/certificates', name: 'certificates', component: Placeholder, meta: { title: '证书', placeholder: 'certificates' } },
      { path: 'platforms', name: 'platforms', component: Placeholder, meta: { title: '服务阵地', placeholder: 'platforms' } },
      { path: 'cases', name: 'cases', component: Placeholder, meta: { title: '救助保护', placeholder: 'cases' } },
      { path: 'quarterly', name: 'quarterly', component: Placeholder, meta: { title: '季度核实', placeholder: 'quarterly' } },
      { path: 'women', name: 'women', component: Placeholder, meta: { title: '留守妇女', placeholder: 'women' } },
      { path: 'users', name: 'users', component: () => import('./views/UsersView.vue'), meta: { title: '用户管理', roles: MANAGER_ROLES } },
      { path: 'audit', name: 'audit', component: () => import('./views/AuditView.vue'), meta: { title: '审计日志', roles: AUDIT_ROLES } },
      { path: 'regions', name: 'regions', component: () => import('./views/RegionsView.vue'), meta: { title: '行政区划' } },
    ],
  },
  { path: '/:rest(.*)*', redirect: '/' },
]

export const router = createRouter({ history: createWebHashHistory(), routes })

async function loadSession() {
  try {
    setSession(await request('GET', '/session', { quiet: true, noRedirect: true }))
  } catch (e) {
    if (e.code === 'password_change_required' && e.status === 403) {
      // a server that refuses GET /session too while the password must change
      session.loaded = true
      session.user = session.user || { must_change_password: true, role: '', display_name: '', username: '' }
    } else {
      clearSession()
    }
  }
}

router.beforeEach(async (to) => {
  if (!session.loaded) await loadSession()
  const user = session.user
  if (to.meta.public) {
    if (user && to.name === 'login') return user.must_change_password ? { name: 'password' } : { path: '/' }
    return true
  }
  if (!user) {
    return { name: 'login', query: to.fullPath && to.fullPath !== '/' ? { redirect: to.fullPath } : {} }
  }
  if (user.must_change_password && to.name !== 'password') return { name: 'password' }
  if (to.meta.roles && !to.meta.roles.includes(user.role)) return { path: '/' }
  return true
})

router.afterEach((to) => {
  document.title = (to.meta.title ? to.meta.title + ' - ' : '') + '关爱保护信息系统'
})
