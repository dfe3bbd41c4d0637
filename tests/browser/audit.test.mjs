// Browser test of the audit log page (web/src/views/AuditView.vue) against a
// server on a demo database (GUANAI_DEMO_URL; shenjiguan is the audit
// administrator). Issue #19 item 10: Chinese action names, the person and
// the region's name, the scheduler named; filtered by action and user; the
// filtered log exported.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { DEMO_PW, DESKTOP, launch, closeBrowser, newPage, stepper, unexpectedErrors, shot, waitHash, answer, login, input, apiSession } from './lib.mjs'

const URL = process.env.GUANAI_DEMO_URL

test('审计日志: readable, filtered, exported', { timeout: 180_000 }, async (t) => {
  assert.ok(URL, 'GUANAI_DEMO_URL is set (use tests/browser/run.sh)')
  const browser = await launch()
  const pageErrors = []
  let page = null
  const step = stepper(t, 'failure-audit-', () => page)
  const call = await apiSession(URL, 'shenjiguan', DEMO_PW)
  const rows = () => page.locator('[data-test="audit-table"] .el-table__body-wrapper tbody tr')

  try {
    await step('审计管理员 (desktop): names, not codes', async () => {
      page = await newPage(browser, DESKTOP, pageErrors)
      await login(page, URL, 'shenjiguan', DEMO_PW)
      await page.goto(URL + '#/audit')
      await waitHash(page, '#/audit')
      await rows().first().waitFor()
      const text = await page.locator('[data-test="audit-table"]').innerText()
      assert.doesNotMatch(text, /case_escalate|\bsystem\b/)
    })

    await step('filtered by action: the scheduler and its rule', async () => {
      const want = (await call('GET', '/audit?action=case_escalate&page_size=1')).data.total
      assert.ok(want > 0, 'the demo escalates its late reports at start')
      const got = answer(page, /\/api\/v1\/audit\?.*action=case_escalate/)
      await page.locator('[data-test="audit-action"]').click()
      await page.locator('.el-select-dropdown:visible .el-select-dropdown__item', { hasText: /^超时未受理，逐级上报$/ }).click()
      const body = await (await got).json()
      assert.equal(body.total, want)
      await page.waitForFunction(() => {
        const r = [...document.querySelectorAll('[data-test="audit-table"] .el-table__body-wrapper tr')]
        return r.length > 0 && r.every((x) => x.innerText.includes('超时未受理，逐级上报'))
      })
      const text = await page.locator('[data-test="audit-table"]').innerText()
      assert.match(text, /系统定时任务（调度程序）/)
      assert.match(text, /触发规则：一般报告受理时限/)
      assert.match(text, /村委会|社区/) // the region's name
      await shot(page, 'audit-escalations')
    })

    await step('filtered by user, exported', async () => {
      await page.reload()
      await rows().first().waitFor()
      const got = answer(page, /\/api\/v1\/audit\?.*actor=shenjiguan/)
      await input(page, 'audit-actor').fill('shenjiguan')
      await input(page, 'audit-actor').press('Enter')
      const body = await (await got).json()
      assert.ok(body.total > 0 && body.items.every((e) => e.actor === 'shenjiguan'))
      await page.waitForFunction(() => {
        const r = [...document.querySelectorAll('[data-test="audit-table"] .el-table__body-wrapper tr')]
        return r.length > 0 && r.every((x) => x.innerText.includes('（shenjiguan）'))
      })
      const dl = page.waitForEvent('download')
      await page.locator('[data-test="audit-export"]').click()
      const box = page.locator('.export-purpose')
      await box.waitFor()
      await box.locator('.el-button--primary').click()
      const file = await dl
      assert.match(file.suggestedFilename(), /\.xlsx$/)
      const log = (await call('GET', '/audit?action=audit_export&page_size=1')).data
      assert.equal(log.items[0].detail.actor, 'shenjiguan')
      assert.equal(log.items[0].detail.rows, body.total)
    })

    await step('no unexpected errors', async () => {
      assert.deepEqual(unexpectedErrors(pageErrors, [401]), [])
    })
  } finally {
    await closeBrowser(browser, page)
  }
})
