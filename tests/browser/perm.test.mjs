// Browser test of what the UI shows and hides, by the actions the server's
// permission table gives each user (GET /api/v1/session), against a server on
// a demo database. Run through tests/browser/run.sh, which sets
//   GUANAI_DEMO_URL  a server on `guanai init --demo` (accounts dudao
//                    supervisor 农安镇, shenji auditor 农安县, anquan
//                    security_admin, shenjiguan audit_admin; password Guanai@2018)
// The story: the supervisor sees user management but neither the audit log
// nor the administrator's button for adding a region, and may give only the
// 儿童主任 role (issue #17: it made an auditor); the auditor's report menu has
// the figure tables, not the rosters, and downloads one (issue #19); the
// security administrator grants the administrators only; the audit
// administrator reads the log and manages nobody.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { DEMO_PW, DESKTOP, launch, closeBrowser, newPage, stepper, unexpectedErrors, shot, waitHash, dialog, login, logout } from './lib.mjs'

const URL = process.env.GUANAI_DEMO_URL

test('the UI shows and hides by the session’s actions', { timeout: 240_000 }, async (t) => {
  assert.ok(URL, 'GUANAI_DEMO_URL is set (use tests/browser/run.sh)')
  const browser = await launch()
  const pageErrors = []
  let page = null
  const step = stepper(t, 'failure-perm-', () => page)
  const side = () => page.locator('[data-test="side-nav"]')
  // each entry's label (without its icon and caret)
  const sideItems = () => side().locator('.nav-item, .nav-group-title').evaluateAll((els) => els.map((e) => (e.querySelector('.label') || e).textContent.trim()))
  // the role options of the 新增用户 dialog
  async function roleOptions() {
    await page.goto(URL + '#/users')
    await waitHash(page, '#/users')
    await page.locator('[data-test="user-add"]').click()
    const dlg = dialog(page, '新增用户')
    await dlg.waitFor()
    await dlg.locator('[data-test="user-role"]').click()
    const opts = page.locator('.el-select-dropdown:visible .el-select-dropdown__item')
    await opts.first().waitFor()
    const out = (await opts.allInnerTexts()).map((s) => s.trim())
    await page.keyboard.press('Escape')
    await dlg.locator('.el-dialog__footer button', { hasText: '取消' }).click()
    await dlg.waitFor({ state: 'hidden' })
    return out
  }

  try {
    await step('督导员: user management, but no audit log and no admin-only button', async () => {
      page = await newPage(browser, DESKTOP, pageErrors)
      await login(page, URL, 'dudao', DEMO_PW)
      await side().waitFor()
      const items = await sideItems()
      assert.ok(items.includes('用户管理'), `menu: ${items}`)
      assert.ok(!items.includes('审计日志'), `a supervisor sees the audit log: ${items}`)
      // the address does not open it either
      await page.goto(URL + '#/audit')
      await waitHash(page, '#/')
      // adding a region is the system administrator's
      await side().locator('.nav-item', { hasText: '行政区划' }).click()
      await waitHash(page, '#/regions')
      await page.locator('[data-test="region-info"]').waitFor()
      assert.equal(await page.locator('[data-test="region-add"]').count(), 0)
      await shot(page, '60-perm-supervisor-menu')
    })

    await step('督导员: may give the 儿童主任 role only — no 审计员', async () => {
      assert.deepEqual(await roleOptions(), ['儿童主任'])
      await logout(page)
    })

    await step('审计员: the figure tables, not the rosters, and one downloads', async () => {
      page = await newPage(browser, DESKTOP, pageErrors)
      await login(page, URL, 'shenji', DEMO_PW)
      await page.locator('[data-test="dashboard"]').waitFor()
      const items = await sideItems()
      assert.ok(items.includes('审计日志') && !items.includes('用户管理'), `menu: ${items}`)
      await page.locator('[data-test="dash-reports"] button').click()
      const menu = page.locator('.el-dropdown-menu:visible')
      await menu.waitFor()
      const reports = (await menu.locator('.el-dropdown-menu__item').allInnerTexts()).map((s) => s.trim())
      assert.deepEqual(reports, ['分乡镇儿童分类统计表', '个案汇总表'])
      const exported = page.waitForResponse((r) => /\/api\/v1\/reports\/children/.test(r.url()))
      const dl = page.waitForEvent('download', { timeout: 20_000 }).catch((e) => e)
      await menu.locator('[data-test="report-children"]').click()
      // every file is asked for with its purpose (the watermark)
      const box = page.locator('.export-purpose')
      await box.waitFor()
      await box.locator('.el-button--primary').click()
      assert.equal((await exported).status(), 200)
      const download = await dl
      assert.ok(!(download instanceof Error), String(download))
      await shot(page, '61-perm-auditor-reports')
      await logout(page)
    })

    await step('安全管理员: grants the administrators only; no data, no audit log', async () => {
      page = await newPage(browser, DESKTOP, pageErrors)
      await login(page, URL, 'anquan', DEMO_PW)
      await side().waitFor()
      const items = await sideItems()
      assert.ok(items.includes('用户管理') && !items.includes('审计日志'), `menu: ${items}`)
      assert.deepEqual(await roleOptions(), ['审计管理员', '系统管理员'])
      await logout(page)
    })

    await step('审计管理员: reads the log, manages nobody', async () => {
      page = await newPage(browser, DESKTOP, pageErrors)
      await login(page, URL, 'shenjiguan', DEMO_PW)
      await side().waitFor()
      const items = await sideItems()
      assert.ok(items.includes('审计日志') && !items.includes('用户管理'), `menu: ${items}`)
      await side().locator('.nav-item', { hasText: '审计日志' }).click()
      await waitHash(page, '#/audit')
      const table = page.locator('[data-test="audit-table"] .el-table__body-wrapper')
      await table.locator('tr').first().waitFor()
      // the other administrators' logins are in it
      assert.match(await table.innerText(), /anquan/)
      await page.goto(URL + '#/users')
      await waitHash(page, '#/')
      await shot(page, '62-perm-audit-admin')
      await logout(page)
      page = null
    })

    await step('no unexpected script errors', async () => {
      assert.deepEqual(unexpectedErrors(pageErrors, [401, 403]), [])
    })
  } finally {
    await closeBrowser(browser, page)
  }
})
