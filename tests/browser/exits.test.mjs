// Browser test of the 退出提示 page (web/src/views/children/ExitProposals.vue)
// against a server on a demo database (GUANAI_DEMO_URL, set by
// tests/browser/run.sh; nongan is the county officer of 农安县, whose demo
// has more children due to leave than one page holds).
// Issue #19 item 5: the page shows every child due with the total, pages
// through them, and exits several at once; the API agrees after.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { DEMO_PW, DESKTOP, launch, closeBrowser, newPage, stepper, unexpectedErrors, shot, waitHash, answer, login, menu, apiSession } from './lib.mjs'

const URL = process.env.GUANAI_DEMO_URL

test('退出提示: every due child, paged, and several exited at once', { timeout: 180_000 }, async (t) => {
  assert.ok(URL, 'GUANAI_DEMO_URL is set (use tests/browser/run.sh)')
  const browser = await launch()
  const pageErrors = []
  let page = null
  const step = stepper(t, 'failure-exits-', () => page)
  const call = await apiSession(URL, 'nongan', DEMO_PW)
  const apiTotal = async () => (await call('GET', '/children/exit-proposals?page_size=1')).data.total
  const rows = () => page.locator('[data-test="exit-table"] .el-table__body-wrapper tbody tr')
  let total = 0
  let picked = []

  try {
    await step('县级 (desktop): the total and the first page', async () => {
      total = await apiTotal()
      assert.ok(total > 50, `the demo has more than a page of children due (${total})`)
      page = await newPage(browser, DESKTOP, pageErrors)
      await login(page, URL, 'nongan', DEMO_PW)
      const got = answer(page, /\/api\/v1\/children\/exit-proposals\?/)
      await menu(page, '儿童档案', '退出提示')
      await waitHash(page, /^#\/children\/exit-proposals$/)
      const first = await (await got).json()
      assert.equal(first.total, total)
      await rows().first().waitFor()
      assert.equal(await rows().count(), 50)
      assert.match(await page.locator('[data-test="exit-total"]').innerText(), new RegExp(`共 ${total} 人`))
    })

    await step('the second page holds other children', async () => {
      const firstName = await rows().first().locator('td').nth(1).innerText()
      const got = answer(page, /\/api\/v1\/children\/exit-proposals\?.*page=2/)
      await page.locator('[data-test="exit-pager"] .number', { hasText: /^2$/ }).click()
      const second = await (await got).json()
      assert.equal(second.total, total)
      await page.waitForFunction(
        (n) => document.querySelector('[data-test="exit-table"] tbody tr td:nth-child(2)')?.innerText.trim() !== n,
        firstName.trim())
      assert.equal(await rows().count(), Math.min(50, total - 50))
      picked = second.items.slice(0, 2)
    })

    await step('two picked, exited at once', async () => {
      for (let i = 0; i < 2; i++) await rows().nth(i).locator('.el-checkbox').click()
      await page.locator('[data-test="exit-batch"]', { hasText: '已选 2 人' }).click()
      const dlg = page.locator('[data-test="exit-batch-dialog"]')
      await dlg.waitFor()
      for (const c of picked) assert.match(await dlg.innerText(), new RegExp(c.name))
      await shot(page, 'exits-batch')
      const reload = answer(page, /\/api\/v1\/children\/exit-proposals\?/)
      await page.locator('[data-test="exit-batch-save"]').click()
      const after = await (await reload).json()
      assert.equal(after.total, total - 2)
      await dlg.waitFor({ state: 'hidden' })
      assert.match(await page.locator('[data-test="exit-total"]').innerText(), new RegExp(`共 ${total - 2} 人`))
      for (const c of picked) {
        const r = await call('GET', `/children/${c.id}`)
        assert.equal(r.status, 200)
        assert.equal(r.data.status, 'exited')
        assert.equal(r.data.exit.reason, 'aged_out')
      }
      assert.equal(await apiTotal(), total - 2)
    })

    await step('no unexpected errors', async () => {
      assert.deepEqual(unexpectedErrors(pageErrors, [401]), [])
    })
  } finally {
    await closeBrowser(browser, page)
  }
})
