// Browser test of the guanai UI shell (web/) against a running server.
// Run through tests/browser/run.sh, which starts the server and sets
//   GUANAI_URL        e.g. http://127.0.0.1:41234/
//   GUANAI_ADMIN_OTP  the admin's one-time password printed by `guanai init`
//   GUANAI_AUDIT_ADMIN, GUANAI_AUDIT_OTP  the audit administrator made by
//                     `guanai user add --role audit_admin` and its password
// The browser and the helpers come from lib.mjs.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { launchPhone, stepper, unexpectedErrors, shot, hash, waitHash, input, dialog, answer, fillLogin, logout } from './lib.mjs'

const URL = process.env.GUANAI_URL
const OTP = process.env.GUANAI_ADMIN_OTP
const AUDIT_ADMIN = process.env.GUANAI_AUDIT_ADMIN
const AUDIT_OTP = process.env.GUANAI_AUDIT_OTP
const AUDIT_PW = 'Shenji#Guan2024'

const ADMIN_PW = 'Songhua-River-57' // not the user name, nor a common word (issue #17)
const COUNTY_PW = 'Erdao#County9'
const NEW_USER = 'erdao_county'
const NEW_NAME = '二道区民政局王芳'

// the administrator's menu: every module, but not the audit log (三权分立:
// the audit administrator reads it)
const MODULES = ['首页/统计', '儿童档案', '工作队伍', '服务阵地', '救助保护', '季度核实', '留守妇女', '用户管理', '行政区划']

test('guanai UI shell in a 360-px phone and a desktop browser', { timeout: 240_000 }, async (t) => {
  assert.ok(URL, 'GUANAI_URL is set (use tests/browser/run.sh)')
  assert.ok(OTP, 'GUANAI_ADMIN_OTP is set (use tests/browser/run.sh)')
  const pageErrors = []
  const { context, page, close } = await launchPhone(pageErrors)
  const step = stepper(t, 'failure-', () => page)

  let county_otp = ''
  const visibleOptions = () => page.locator('.el-select-dropdown:visible .el-select-dropdown__item')
  async function optionTexts() {
    await visibleOptions().first().waitFor()
    return (await visibleOptions().allInnerTexts()).map((s) => s.trim())
  }

  // submit the login form and wait for the server's answer
  async function loginAnswered(username, password) {
    const answered = answer(page, /\/api\/v1\/session$/, 'POST')
    await fillLogin(page, username, password)
    return (await answered).status()
  }
  async function changePassword(oldPw, newPw) {
    await input(page, 'pw-old').fill(oldPw)
    await input(page, 'pw-new').fill(newPw)
    await input(page, 'pw-confirm').fill(newPw)
    await page.locator('[data-test="pw-submit"]').click()
  }
  // choose a path of region names in the RegionPicker whose wrapper has data-test=id
  async function pickRegion(id, names) {
    await page.locator(`[data-test="${id}"] .el-cascader`).click()
    const popper = page.locator('.region-picker-popper:visible')
    await popper.waitFor()
    for (const n of names) {
      await popper.locator('.el-cascader-node__label', { hasText: new RegExp('^' + n + '$') }).click()
    }
  }
  async function openDrawerItem(title) {
    await page.locator('[data-test="menu-toggle"]').click()
    const drawer = page.locator('.menu-drawer:visible')
    await drawer.waitFor()
    await drawer.locator('.nav-item', { hasText: title }).first().click()
    await drawer.waitFor({ state: 'hidden' })
  }

  try {
    await step('login page, wrong password gives the Chinese error', async () => {
      await page.goto(URL)
      await input(page, 'login-username').waitFor()
      assert.equal(hash(page), '#/login')
      assert.match(await page.locator('.login-box').innerText(), /关爱保护信息系统/)
      await fillLogin(page, 'admin', 'Not-the-password-1')
      const err = page.locator('[data-test="login-error"]')
      await err.waitFor()
      assert.match(await err.innerText(), /用户名或密码错误/)
      await shot(page, '01-login-error-360')
    })

    await step('first login with the one-time password forces a password change', async () => {
      await fillLogin(page, 'admin', OTP)
      await waitHash(page, '#/password')
      assert.match(await page.locator('[data-test="password-rule"]').innerText(), /至少8位，包含大写字母、小写字母、数字、符号中的至少三类/)
      assert.match(await page.locator('[data-test="password-forced"]').innerText(), /一次性密码/)
      // another place is refused while the password must change
      await page.goto(URL + '#/users')
      await waitHash(page, '#/password')
      await shot(page, '02-password-360')
    })

    await step('a weak new password is refused on the page', async () => {
      await changePassword(OTP, 'abcdefgh')
      const err = page.locator('.el-form-item.is-error .el-form-item__error').first()
      await err.waitFor()
      assert.match(await err.innerText(), /至少三类/)
      assert.equal(hash(page), '#/password')
    })

    await step('a guessable password is refused by the server, which says why', async () => {
      await changePassword(OTP, 'Admin@123')
      const err = page.locator('[data-test="password-error"]')
      await err.waitFor()
      assert.match(await err.innerText(), /用户名/)
      assert.equal(hash(page), '#/password')
    })

    await step('changing the password opens the frame with name, role and scope', async () => {
      await changePassword(OTP, ADMIN_PW)
      await waitHash(page, '#/')
      const role = page.locator('[data-test="header-role"]')
      await role.waitFor()
      assert.equal((await role.innerText()).trim(), '系统管理员')
      assert.ok((await page.locator('[data-test="header-name"]').innerText()).trim().length > 0)
      assert.match(await page.locator('[data-test="welcome"]').innerText(), /系统管理员/)
      // phone layout: no side bar, a menu button instead
      assert.equal(await page.locator('[data-test="side-nav"]').count(), 0)
      assert.ok(await page.locator('[data-test="menu-toggle"]').isVisible())
      await shot(page, '03-frame-360')
    })

    await step('the drawer menu lists every module; modules not for the role explain themselves', async () => {
      await page.locator('[data-test="menu-toggle"]').click()
      const drawer = page.locator('.menu-drawer:visible')
      await drawer.waitFor()
      const text = await drawer.innerText()
      for (const m of MODULES) assert.ok(text.includes(m), `drawer has ${m}`)
      assert.ok(!text.includes('审计日志'), 'the administrator does not read the audit log')
      assert.match(text, /系统管理员/)
      await shot(page, '04-drawer-360')
      await drawer.locator('.nav-item', { hasText: '救助保护' }).click()
      await drawer.waitFor({ state: 'hidden' })
      await waitHash(page, '#/cases')
      // 救助保护 is not for the administrator: the page says so and what the module is
      const ph = await page.locator('[data-test="no-access"]').innerText()
      assert.match(ph, /不对本角色开放/)
      assert.match(ph, /五位一体/)
      assert.match(ph, /强制报告/)
    })

    await step('user management lists the admin', async () => {
      await openDrawerItem('用户管理')
      await waitHash(page, '#/users')
      const card = page.locator('[data-test="user-card"]', { hasText: 'admin' })
      await card.first().waitFor()
      assert.match(await card.first().innerText(), /系统管理员/)
    })

    await step('add a county user for 二道区 and see the one-time password', async () => {
      await page.locator('[data-test="user-add"]').click()
      const dlg = dialog(page, '新增用户')
      await dlg.waitFor()
      await input(page, 'user-username').fill(NEW_USER)
      await input(page, 'user-display-name').fill(NEW_NAME)
      await dlg.locator('[data-test="user-role"]').click()
      const opts = await optionTexts()
      // below its own role, the auditor included; the administrators come from security_admin
      assert.deepEqual(opts, ['省级民政干部', '市级民政干部', '县级民政干部', '儿童督导员', '儿童主任', '审计员'])
      await visibleOptions().filter({ hasText: '县级民政干部' }).click()
      await pickRegion('user-region', ['吉林省', '长春市', '二道区'])
      // a leaf closes the dropdown
      await page.locator('.region-picker-popper:visible').first().waitFor({ state: 'hidden' })
      assert.equal(await input(page, 'user-region').inputValue(), '吉林省 / 长春市 / 二道区')
      await shot(page, '05-add-user-360')
      await dlg.locator('[data-test="user-save"]').click()
      const otpDlg = dialog(page, '一次性密码')
      await otpDlg.waitFor()
      county_otp = (await otpDlg.locator('[data-test="otp"]').innerText()).trim()
      assert.match(county_otp, /^\S{8,}$/)
      assert.match(await otpDlg.innerText(), new RegExp(NEW_USER))
      await shot(page, '06-otp-360')
      await otpDlg.locator('[data-test="otp-close"]').click()
      await otpDlg.waitFor({ state: 'hidden' })
    })

    await step('the new user is in the list, and the keyword filter finds only it', async () => {
      const card = page.locator('[data-test="user-card"]', { hasText: NEW_USER })
      await card.waitFor()
      const text = await card.innerText()
      assert.match(text, new RegExp(NEW_NAME))
      assert.match(text, /县级民政干部/)
      assert.match(text, /二道区/)
      assert.match(text, /待修改密码/)
      await shot(page, '07-users-360')
      await input(page, 'user-filter-q').fill('erdao')
      await page.locator('[data-test="user-search"]').click()
      await page.waitForFunction(() => document.querySelectorAll('[data-test="user-card"]').length === 1)
      assert.match(await page.locator('[data-test="user-card"]').innerText(), new RegExp(NEW_USER))
    })

    await step('the new county user logs in, changes the password, sees its own scope', async () => {
      await logout(page, { close: false, hash: '#/login' })
      await fillLogin(page, NEW_USER, county_otp)
      await waitHash(page, '#/password')
      await changePassword(county_otp, COUNTY_PW)
      await waitHash(page, '#/')
      await page.locator('[data-test="header-role"]').waitFor()
      assert.equal((await page.locator('[data-test="header-role"]').innerText()).trim(), '县级民政干部')
      assert.match(await page.locator('[data-test="header-scope"]').innerText(), /二道区/)
      assert.match(await page.locator('[data-test="header-name"]').innerText(), new RegExp(NEW_NAME))
    })

    await step('a county user grants only county roles and below, from its own county', async () => {
      await openDrawerItem('用户管理')
      await waitHash(page, '#/users')
      await page.locator('[data-test="user-add"]').click()
      const dlg = dialog(page, '新增用户')
      await dlg.waitFor()
      await dlg.locator('[data-test="user-role"]').click()
      const opts = await optionTexts()
      // strictly below its own role; the auditor only from admin
      assert.deepEqual(opts, ['儿童督导员', '儿童主任'])
      await page.keyboard.press('Escape')
      await dlg.locator('.el-dialog__footer button', { hasText: '取消' }).click()
      await dlg.waitFor({ state: 'hidden' })
      // the region picker starts at the user's scope
      await page.locator('[data-test="user-filter-region"] .el-cascader').click()
      const popper = page.locator('.region-picker-popper:visible')
      await popper.waitFor()
      const first = popper.locator('.el-cascader-menu').first()
      assert.deepEqual((await first.locator('.el-cascader-node__label').allInnerTexts()).map((s) => s.trim()), ['二道区'])
      await first.locator('.el-cascader-node__label', { hasText: '二道区' }).click()
      // townships load lazily from GET /regions?parent=220102
      await popper.locator('.el-cascader-menu').nth(1).locator('.el-cascader-node').first().waitFor()
      assert.ok((await popper.locator('.el-cascader-menu').nth(1).locator('.el-cascader-node').count()) > 3)
      await shot(page, '08-county-picker-360')
      await page.keyboard.press('Escape')
      await logout(page, { close: false, hash: '#/login' })
    })

    await step('five wrong passwords hold this browser back, with the Chinese message', async () => {
      for (let i = 0; i < 5; i++) await loginAnswered(NEW_USER, 'Wrong-Password-' + i)
      const status = await loginAnswered(NEW_USER, COUNTY_PW)
      assert.equal(status, 429)
      assert.match(await page.locator('[data-test="login-error"]').innerText(), /尝试次数过多，请\d+秒后再试/)
      assert.equal(hash(page), '#/login')
      await shot(page, '09-locked-360')
    })

    await step('desktop: the user table shows the new user', async () => {
      await page.setViewportSize({ width: 1280, height: 800 })
      await fillLogin(page, 'admin', ADMIN_PW)
      await waitHash(page, '#/')
      await page.locator('[data-test="side-nav"]').waitFor()
      await page.goto(URL + '#/users')
      const row = page.locator('[data-test="user-table"] .el-table__body-wrapper tr', { hasText: NEW_USER })
      await row.waitFor()
      const text = await row.innerText()
      assert.match(text, /县级民政干部/)
      assert.match(text, /二道区/)
      assert.match(text, new RegExp(NEW_NAME))
      assert.match(text, /登录受限/)
      await shot(page, '10-users-desktop')
    })

    await step('desktop: unlock the user, then reset its password', async () => {
      const row = () => page.locator('[data-test="user-table"] .el-table__body-wrapper tr', { hasText: NEW_USER })
      await row().locator('button', { hasText: '解锁' }).click()
      await page.waitForFunction((u) => {
        const r = [...document.querySelectorAll('[data-test="user-table"] .el-table__body-wrapper tr')].find((x) => x.innerText.includes(u))
        return r && r.innerText.includes('正常')
      }, NEW_USER)
      assert.doesNotMatch(await row().innerText(), /登录受限/)
      await row().locator('button', { hasText: '重置密码' }).click()
      const box = page.locator('.el-message-box:visible')
      await box.waitFor()
      assert.match(await box.innerText(), new RegExp(NEW_USER))
      await box.locator('button', { hasText: '重置' }).click()
      const otpDlg = dialog(page, '一次性密码')
      await otpDlg.waitFor()
      assert.match(await otpDlg.innerText(), /密码已重置/)
      const otp = (await otpDlg.locator('[data-test="otp"]').innerText()).trim()
      assert.match(otp, /^\S{8,}$/)
      assert.notEqual(otp, county_otp)
      await shot(page, '11-reset-desktop')
      await otpDlg.locator('[data-test="otp-close"]').click()
      await otpDlg.waitFor({ state: 'hidden' })
      await page.waitForFunction((u) => {
        const r = [...document.querySelectorAll('[data-test="user-table"] .el-table__body-wrapper tr')].find((x) => x.innerText.includes(u))
        return r && r.innerText.includes('待修改密码')
      }, NEW_USER)
    })

    await step('desktop: edit the user; the picker shows its region', async () => {
      const row = page.locator('[data-test="user-table"] .el-table__body-wrapper tr', { hasText: NEW_USER })
      await row.locator('button', { hasText: '编辑' }).click()
      const dlg = dialog(page, '编辑用户')
      await dlg.waitFor()
      assert.equal(await input(page, 'user-username').inputValue(), NEW_USER)
      assert.ok(await input(page, 'user-username').isDisabled())
      // the lazily loaded cascader shows the stored region's path
      await page.waitForFunction(() => document.querySelector('[data-test="user-region"] input').value === '吉林省 / 长春市 / 二道区')
      await input(page, 'user-display-name').fill('二道区民政局李明')
      const patched = page.waitForResponse((r) => /\/api\/v1\/users\/\d+$/.test(r.url()) && r.request().method() === 'PATCH')
      await dlg.locator('[data-test="user-save"]').click()
      const res = await patched
      assert.equal(res.status(), 200)
      assert.deepEqual(JSON.parse(res.request().postData()), { display_name: '二道区民政局李明' })
      await dlg.waitFor({ state: 'hidden' })
      await page.locator('[data-test="user-table"] .el-table__body-wrapper tr', { hasText: '二道区民政局李明' }).waitFor()
    })

    await step('audit log: not for the administrator; the audit administrator reads it', async () => {
      assert.equal(await page.locator('[data-test="side-nav"] .nav-item', { hasText: '审计日志' }).count(), 0)
      await page.goto(URL + '#/audit')
      await waitHash(page, '#/')
      await logout(page, { close: false, hash: '#/login' })
      await fillLogin(page, AUDIT_ADMIN, AUDIT_OTP)
      await waitHash(page, '#/password')
      await changePassword(AUDIT_OTP, AUDIT_PW)
      await waitHash(page, '#/')
      await page.locator('[data-test="side-nav"]').waitFor()
      assert.equal((await page.locator('[data-test="header-role"]').innerText()).trim(), '审计管理员')
      // it manages nobody
      assert.equal(await page.locator('[data-test="side-nav"] .nav-item', { hasText: '用户管理' }).count(), 0)
      await page.locator('[data-test="side-nav"] .nav-item', { hasText: '审计日志' }).click()
      await waitHash(page, '#/audit')
      const table = page.locator('[data-test="audit-table"] .el-table__body-wrapper')
      await table.locator('tr').first().waitFor()
      const all = await table.innerText()
      assert.match(all, /登录失败/)
      assert.match(all, /新增用户/)
      assert.match(all, /修改密码/)
      assert.match(all, /解锁账号/)
      assert.match(all, /重置密码/)
      assert.match(all, /修改用户/)
      await page.locator('[data-test="audit-action"]').click()
      await visibleOptions().filter({ hasText: /^新增用户$/ }).click()
      await page.waitForFunction(() => {
        const rows = [...document.querySelectorAll('[data-test="audit-table"] .el-table__body-wrapper tr')]
        return rows.length > 0 && rows.every((r) => r.innerText.includes('新增用户'))
      })
      assert.match(await table.innerText(), new RegExp(NEW_USER))
      await shot(page, '12-audit-desktop')
      await logout(page, { close: false, hash: '#/login' })
      await fillLogin(page, 'admin', ADMIN_PW)
      await waitHash(page, '#/')
      await page.locator('[data-test="side-nav"]').waitFor()
    })

    await step('行政区划: browse the province and add a non-statistical region', async () => {
      await page.locator('[data-test="side-nav"] .nav-item', { hasText: '行政区划' }).click()
      await waitHash(page, '#/regions')
      const kids = page.locator('[data-test="region-children"] .el-table__body-wrapper')
      await kids.locator('tr', { hasText: '长春市' }).waitFor()
      assert.match(await page.locator('[data-test="region-info"]').innerText(), /吉林省/)
      await page.locator('[data-test="region-add"]').click()
      const dlg = dialog(page, '新增非统计区划')
      await dlg.waitFor()
      await input(page, 'region-name').fill('长白山管委会')
      await dlg.locator('[data-test="region-save"]').click()
      await dlg.waitFor({ state: 'hidden' })
      const row = kids.locator('tr', { hasText: '长白山管委会' })
      await row.waitFor()
      assert.match(await row.innerText(), /非统计/)
      await shot(page, '13-regions-desktop')
    })

    await step('an expired session asks the password in place; declined, the login page and back', async () => {
      await context.clearCookies()
      await page.locator('[data-test="side-nav"] .nav-item', { hasText: '用户管理' }).click()
      // issue #23: the page and what was typed stay while the password is asked
      await page.locator('[data-test="reauth"]').waitFor()
      await page.locator('[data-test="reauth-cancel"]').click()
      await page.waitForFunction(() => location.hash.startsWith('#/login'))
      assert.match(decodeURIComponent(hash(page)), /redirect=\/users/)
      await input(page, 'login-username').waitFor()
      await fillLogin(page, 'admin', ADMIN_PW)
      await waitHash(page, '#/users')
      await page.locator('[data-test="user-table"] .el-table__body-wrapper tr', { hasText: NEW_USER }).waitFor()
    })

    await step('no script errors in the page', async () => {
      // 4xx answers that the UI expects (a refused new password, wrong password, password change
      // required, held back after failures) log as resource errors
      const real = unexpectedErrors(pageErrors, [400, 401, 403, 429])
      assert.deepEqual(real, [])
    })
  } finally {
    await close()
  }
})
