// Browser test of the rural left-behind women module (web/src/views/women)
// against a server on a demo database. Run through tests/browser/run.sh, which
// sets GUANAI_DEMO_URL (a server on `guanai init --demo`: women in every
// village of 农安县; zhuren is the director of 十里堡村委会 220122100207,
// sheng the province officer; password Guanai@2018).
// The story: on a 360-px phone the 儿童主任 sees her village's registry,
// registers a woman, records an abnormal 两癌筛查 with its follow-up, finds her
// in the list (also under the screening filter) and reads the counts; on a
// desktop the province officer sees the same woman with her ID number and
// phone masked.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { DEMO_PW, PHONE, DESKTOP, launch, closeBrowser, newPage, stepper, unexpectedErrors, shot, waitHash, input, answer, login, logout as signOut, menu, choose, idNumber as withCheckDigit, apiSession } from './lib.mjs'

const URL = process.env.GUANAI_DEMO_URL
const VILLAGE_CODE = '220122100207'
const MASKED_ID = /^\d{6}\*{8}\d{3}[\dX]$/

// A woman's number (even order digit) of 农安县; the demo's adults are born
// 1965–1995, so a 1996 birth cannot collide with them.
function womanId() {
  const order = String(Math.floor(Math.random() * 500) * 2).padStart(3, '0')
  return withCheckDigit('220122' + '19960315' + order)
}

test('留守妇女: a director registers and serves a woman on a phone; the province sees her masked', { timeout: 240_000 }, async (t) => {
  assert.ok(URL, 'GUANAI_DEMO_URL is set (use tests/browser/run.sh)')
  const browser = await launch()
  const pageErrors = []
  let page = null
  const step = stepper(t, 'failure-women-', () => page)
  // a logout closes the page's context
  async function logout() {
    await signOut(page)
    page = null
  }
  // no horizontal scrolling at 360 px
  async function fitsPhone() {
    const w = await page.evaluate(() => document.documentElement.scrollWidth)
    assert.ok(w <= PHONE.width, `the page is ${w}px wide on a 360-px phone`)
  }

  const name = '冯' + ['春燕', '秀梅', '丽华', '桂芝'][Math.floor(Math.random() * 4)] + '妹'
  const idNumber = womanId()
  let womanIdNo = 0

  try {
    await step('儿童主任 (phone): the village registry from the demo', async () => {
      page = await newPage(browser, PHONE, pageErrors)
      await login(page, URL, 'zhuren', DEMO_PW)
      const got = answer(page, /\/api\/v1\/women(\?|$)/)
      await menu(page, '留守妇女', '留守妇女名册')
      await waitHash(page, /^#\/women$/)
      const data = await (await got).json()
      assert.ok(data.total > 0, 'the demo registers women in every village')
      assert.ok(data.items.every((w) => w.region_code === VILLAGE_CODE))
      await page.locator('[data-test="women-card"]').first().waitFor()
      assert.equal(await page.locator('[data-test="women-card"]').count(), Math.min(data.total, 20))
      assert.match(await page.locator('[data-test="women-total"]').innerText(), new RegExp(`共 ${data.total} 人`))
      // lists mask ID numbers for every role, the director's too (issue #23 item 5)
      const first = await page.locator('[data-test="women-card"] [data-test="women-id-number"]').first().innerText()
      assert.match(first.trim(), /^\d{6}\*{8}\d{3}[\dX]$/)
      await fitsPhone()
      await shot(page, '60-women-list-360')
    })

    await step('儿童主任: register a woman (her village is given)', async () => {
      await page.locator('[data-test="women-add"]').click()
      await waitHash(page, /^#\/women\/new$/)
      assert.match(await page.locator('[data-test="wf-region-static"]').innerText(), /十里堡/)
      await input(page, 'wf-name').fill(name)
      // a man's number is refused before saving
      await input(page, 'wf-id-number').fill('220122199603150011')
      await input(page, 'wf-phone').click()
      await page.locator('.el-form-item__error', { hasText: /男性|校验位/ }).first().waitFor()
      await input(page, 'wf-id-number').fill(idNumber)
      await input(page, 'wf-phone').fill('13904318888')
      await input(page, 'wf-husband').fill('北京市大兴区')
      await choose(page, 'wf-employment', '就地就近务工')
      await input(page, 'wf-skills').fill('手工编织')
      await fitsPhone()
      await shot(page, '61-woman-form-360')
      const saved = answer(page, /\/api\/v1\/women$/, 'POST')
      await page.locator('[data-test="wf-save"]').click()
      const r = await saved
      assert.equal(r.status(), 201, await r.text())
      womanIdNo = (await r.json()).id
      await waitHash(page, new RegExp(`^#/women/${womanIdNo}$`))
      assert.equal((await page.locator('[data-test="woman-name"]').innerText()).trim(), name)
      assert.equal((await page.locator('[data-test="woman-id-number"]').innerText()).trim(), idNumber)
      const info = await page.locator('[data-test="woman-info"]').innerText()
      for (const s of ['1996-03-15', '13904318888', '北京市大兴区', '就地就近务工', '手工编织']) assert.ok(info.includes(s), `the detail shows ${s}`)
    })

    await step('儿童主任: record an abnormal 两癌筛查 with its follow-up', async () => {
      await page.locator('[data-test="woman-add-service"]').click()
      const dlg = page.locator('[data-test="service-dialog"]')
      await dlg.waitFor()
      // the result belongs to a screening only
      assert.equal(await page.locator('[data-test="service-result-input"]').count(), 0)
      await page.locator('[data-test="service-kind"] .el-radio-button', { hasText: '两癌筛查' }).click()
      await page.locator('[data-test="service-result-input"]').waitFor()
      assert.equal(await page.locator('[data-test="service-follow-up"]').count(), 0)
      await page.locator('[data-test="service-result-input"] .el-radio', { hasText: '异常，需复查' }).click()
      // an abnormal result needs its follow-up: refused empty, in the form
      await page.locator('[data-test="service-save"]').click()
      await page.locator('.el-dialog .el-form-item__error', { hasText: '后续跟进' }).waitFor()
      await input(page, 'service-follow-up').fill('已转县妇幼保健院复查，妇女主任跟进')
      await shot(page, '62-service-dialog-360')
      const saved = answer(page, new RegExp(`/api/v1/women/${womanIdNo}/services$`), 'POST')
      await page.locator('[data-test="service-save"]').click()
      const r = await saved
      assert.equal(r.status(), 201, await r.text())
      await dlg.waitFor({ state: 'hidden' })
      const card = page.locator('[data-test="woman-service"]').first()
      await card.waitFor()
      const text = await card.innerText()
      assert.match(text, /两癌筛查/)
      assert.match(text, /异常，需复查/)
      assert.match(text, /已转县妇幼保健院复查/)
      await fitsPhone()
      await shot(page, '63-woman-detail-360', true)
      // what the server keeps
      const call = await apiSession(URL, 'zhuren', DEMO_PW)
      const w = await call('GET', `/women/${womanIdNo}`)
      assert.equal(w.data.services.length, 1)
      assert.equal(w.data.services[0].result, 'abnormal')
    })

    await step('儿童主任: the woman in the list, also under the screening filter, and in the counts', async () => {
      await menu(page, '留守妇女', '留守妇女名册')
      await waitHash(page, /^#\/women$/)
      await page.locator('[data-test="women-card"]', { hasText: name }).waitFor()
      const got = answer(page, /\/api\/v1\/women\?.*service=cancer_screening/)
      await choose(page, 'women-filter-service', '接受过两癌筛查')
      const data = await (await got).json()
      assert.ok(data.items.some((w) => w.id === womanIdNo))
      await page.locator('[data-test="women-card"]', { hasText: name }).waitFor()
      await waitHash(page, /service=cancer_screening/)
      const counts = answer(page, /\/api\/v1\/women\/stats/)
      // the director's menu keeps to the daily work (issue #23): the
      // counts are opened by their address
      await page.evaluate(() => (location.hash = '#/women/stats'))
      await waitHash(page, /^#\/women\/stats/)
      const st = await (await counts).json()
      assert.equal(st.region_code, VILLAGE_CODE)
      assert.match(await page.locator('[data-test="women-registered"]').innerText(), new RegExp(String(st.registered)))
      const screening = st.services.find((s) => s.kind === 'cancer_screening')
      assert.ok(screening.women >= 1)
      const cards = page.locator('[data-test="women-stats-cards"] .item-card', { hasText: '两癌筛查' })
      assert.match(await cards.innerText(), new RegExp(`${screening.services} 人次`))
      assert.ok(await page.locator('[data-test="women-stats-chart"] canvas').first().isVisible())
      await fitsPhone()
      await shot(page, '64-women-stats-360', true)
      await logout()
    })

    await step('省级 (desktop): the same woman with her numbers masked', async () => {
      page = await newPage(browser, DESKTOP, pageErrors)
      await login(page, URL, 'sheng', DEMO_PW)
      const got = answer(page, /\/api\/v1\/women\?/)
      await page.goto(URL + `#/women?region=${VILLAGE_CODE}`)
      const data = await (await got).json()
      const mine = data.items.find((w) => w.id === womanIdNo)
      assert.ok(mine, 'the province lists the new woman')
      assert.match(mine.id_number, MASKED_ID)
      const row = page.locator('[data-test="women-table"] .el-table__body tr', { hasText: name })
      await row.waitFor()
      const rowText = await row.innerText()
      assert.ok(!rowText.includes(idNumber), 'the list shows no whole ID number')
      assert.ok(rowText.includes(mine.id_number))
      assert.ok(rowText.includes('139****8888'))
      assert.match(await page.locator('[data-test="women-total"]').innerText(), /隐去/)
      // no way to register from the province
      assert.equal(await page.locator('[data-test="women-add"]').count(), 0)
      await shot(page, '65-women-list-province')
      await row.locator('a', { hasText: name }).click()
      await waitHash(page, new RegExp(`^#/women/${womanIdNo}$`))
      const shown = (await page.locator('[data-test="woman-id-number"]').innerText()).trim()
      assert.match(shown, MASKED_ID)
      assert.equal(shown.slice(0, 6), idNumber.slice(0, 6))
      assert.ok(!(await page.locator('[data-test="woman-info"]').innerText()).includes('13904318888'))
      assert.equal(await page.locator('[data-test="woman-add-service"]').count(), 0)
      assert.equal(await page.locator('[data-test="woman-edit"]').count(), 0)
      await shot(page, '66-woman-detail-province')
      await logout()
    })

    await step('no script errors in the pages', async () => {
      const real = unexpectedErrors(pageErrors, [401, 404])
      assert.deepEqual(real, [])
    })
  } finally {
    await closeBrowser(browser, page)
  }
})
