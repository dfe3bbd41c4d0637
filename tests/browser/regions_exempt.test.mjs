// Browser test of the marks on the 行政区划 page (web/src/views/RegionsView.vue)
// against a server on a demo database (GUANAI_DEMO_URL; nongan is the county
// officer of 农安县, whose one unit that looks like no village is
// 洼中高农场虚拟生活区). Issue #19 item 7: the unit is proposed with the rule
// it matched, marked with a reason, then left out of the coverage page, which
// says so; unmarked again from the list of marked units.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { DEMO_PW, DESKTOP, launch, closeBrowser, newPage, stepper, unexpectedErrors, shot, waitHash, answer, login, input, apiSession } from './lib.mjs'

const URL = process.env.GUANAI_DEMO_URL
const UNIT = '220122400598'
const NAME = '洼中高农场虚拟生活区'

test('行政区划: a unit proposed, marked as needing no posts, left out, unmarked', { timeout: 180_000 }, async (t) => {
  assert.ok(URL, 'GUANAI_DEMO_URL is set (use tests/browser/run.sh)')
  const browser = await launch()
  const pageErrors = []
  let page = null
  const step = stepper(t, 'failure-regions-exempt-', () => page)
  const call = await apiSession(URL, 'nongan', DEMO_PW)
  const box = () => page.locator('[data-test="exempt-box"]')
  const rows = () => page.locator('[data-test="exempt-table"] .el-table__body-wrapper tbody tr')
  const villages0 = (await call('GET', '/staff/coverage')).data.total.villages

  try {
    await step('县级 (desktop): the proposal with its rule', async () => {
      const p = (await call('GET', '/regions/exempt-proposals')).data
      assert.equal(p.total, 1)
      assert.equal(p.items[0].code, UNIT)
      page = await newPage(browser, DESKTOP, pageErrors)
      await login(page, URL, 'nongan', DEMO_PW)
      await page.goto(URL + '#/regions')
      await waitHash(page, '#/regions')
      await box().waitFor()
      await page.locator('.el-tabs__item', { hasText: '建议标记（1）' }).waitFor()
      await rows().first().waitFor()
      const text = await rows().first().innerText()
      assert.match(text, new RegExp(NAME))
      assert.match(text, /名称含“虚拟”/)
      assert.match(await box().innerText(), /不计入儿童主任配备率/)
    })

    await step('marked with a reason', async () => {
      await rows().first().locator('[data-test="exempt-mark"]').click()
      const dlg = page.locator('[data-test="exempt-dialog"]')
      await dlg.waitFor()
      assert.match(await dlg.innerText(), new RegExp(NAME))
      await input(page, 'exempt-reason').fill('统计用虚拟单位，无常住儿童')
      const saved = answer(page, new RegExp(`/api/v1/regions/${UNIT}/exempt$`), 'POST')
      await page.locator('[data-test="exempt-save"]').click()
      const r = await saved
      assert.equal(r.status(), 200)
      await dlg.waitFor({ state: 'hidden' })
      await page.locator('.el-tabs__item', { hasText: '已标记（1）' }).waitFor()
      await page.locator('.el-tabs__item', { hasText: '建议标记（0）' }).waitFor()
      const u = (await call('GET', `/regions/${UNIT}`)).data
      assert.equal(u.exempt, true)
      assert.equal(u.exempt_reason, '统计用虚拟单位，无常住儿童')
      await shot(page, 'regions-exempt-marked')
    })

    await step('the coverage page leaves it out and says so', async () => {
      const got = answer(page, /\/api\/v1\/staff\/coverage/)
      await page.goto(URL + '#/workforce/coverage')
      const body = await (await got).json()
      assert.equal(body.total.villages, villages0 - 1)
      assert.equal(body.total.villages_exempt, 1)
      const note = page.locator('[data-test="coverage-exempt"]')
      await note.waitFor()
      assert.match(await note.innerText(), /另有 1 个统计单位已标记为无需配备儿童主任/)
    })

    await step('unmarked from the list of marked units', async () => {
      await page.goto(URL + '#/regions')
      await box().waitFor()
      await page.locator('.el-tabs__item', { hasText: '已标记（1）' }).click()
      await page.locator('[data-test="exempt-table"]', { hasText: '统计用虚拟单位，无常住儿童' }).waitFor()
      assert.match(await rows().first().innerText(), /nongan/)
      await rows().first().locator('[data-test="exempt-unmark"]').click()
      await page.locator('[data-test="exempt-dialog"]').waitFor()
      await input(page, 'exempt-reason').fill('核实后仍需配备')
      const saved = answer(page, new RegExp(`/api/v1/regions/${UNIT}/exempt$`), 'POST')
      await page.locator('[data-test="exempt-save"]').click()
      assert.equal((await saved).status(), 200)
      await page.locator('.el-tabs__item', { hasText: '已标记（0）' }).waitFor()
      assert.equal((await call('GET', `/regions/${UNIT}`)).data.exempt, false)
      assert.equal((await call('GET', '/staff/coverage')).data.total.villages, villages0)
    })

    await step('no unexpected errors', async () => {
      assert.deepEqual(unexpectedErrors(pageErrors, [401]), [])
    })
  } finally {
    // leave the demo as it was for the other tests
    if ((await call('GET', `/regions/${UNIT}`)).data.exempt)
      await call('POST', `/regions/${UNIT}/exempt`, { exempt: false, reason: '测试结束恢复' })
    await closeBrowser(browser, page)
  }
})
