// Browser test of the dashboard (web/src/views/DashboardView.vue, the home
// page) against a server on a demo database. Run through tests/browser/run.sh,
// which sets
//   GUANAI_DEMO_URL  a server on `guanai init --demo` (3000 children in 农安县;
//                    nongan county, zhuren director 十里堡村委会 220122100207;
//                    password Guanai@2018)
// The story: the county officer opens the home page and reads the figures of
// 农安县 (they are the API's), drills into a township from the drill-down
// table, comes back with the breadcrumb and with the browser's back button,
// reads the page on a phone down to a village, and exports the dashboard; the
// 儿童主任 sees the figures of the one village on a phone.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { DEMO_PW, PHONE, DESKTOP, launch, closeBrowser, newPage, stepper, unexpectedErrors, shot, waitHash, answer, login, apiSession, pct } from './lib.mjs'

const URL = process.env.GUANAI_DEMO_URL
const COUNTY = '220122'
const TOWNSHIP = '220122100' // 农安镇
const VILLAGE = '220122100207' // 十里堡村委会
// the columns of the drill-down table, in the order of web/src/childLabels.js
const CATEGORY_KEYS = ['left_behind', 'orphan', 'de_facto_unsupported', 'difficult_poverty', 'difficult_disability', 'difficult_guardianship']
const FLAG_KEYS = ['unsupervised', 'poor_guardianship', 'dropout', 'no_hukou', 'ill', 'disabled']

test('the dashboard: figures of the scope, drill-down, breadcrumb, phone, export', { timeout: 300_000 }, async (t) => {
  assert.ok(URL, 'GUANAI_DEMO_URL is set (use tests/browser/run.sh)')
  const pageErrors = []
  let page = null
  const step = stepper(t, 'failure-dashboard-', () => page)
  const dashboardAnswer = (p = page) => answer(p, /\/api\/v1\/dashboard(\?|$)/)
  const text = async (id, p = page) => (await p.locator(`[data-test="${id}"]`).innerText()).trim()
  // the page shows the figures of the region `code`
  async function shows(code, p = page) {
    await p.waitForFunction((c) => {
      const el = document.querySelector('[data-test="dash-region-name"]')
      return el && el.dataset.code === c
    }, code)
  }
  // the figures every dashboard shows, against the API's answer
  async function figuresMatch(api) {
    await shows(api.region_code)
    assert.equal(await text('dash-active'), String(api.children.active))
    assert.equal(await text('dash-region-name'), api.region_name)
    const cov = api.workforce.coverage
    assert.equal(await text('dash-village-cov'), pct(cov.village_pct))
    if (cov.townships) assert.equal(await text('dash-township-cov'), pct(cov.township_pct))
    assert.equal(await text('dash-trained'), pct(api.workforce.training.trained_pct))
    assert.equal(await text('dash-certified'), String(api.workforce.training.certified))
    assert.equal(await text('dash-platforms-total'), String(api.platforms.total))
    assert.equal(await text('dash-compliant'), pct(api.platforms.compliant_pct))
    assert.equal(await text('dash-missing-home'), String(api.platforms.villages_missing_home))
    assert.equal(await text('dash-uncovered'), String(api.platforms.villages_uncovered))
    assert.equal(await text('dash-cases-open'), String(api.cases.open))
    assert.equal(await text('dash-cases-overdue'), String(api.cases.overdue))
    assert.equal(await text('dash-verified'), pct(api.quality.verified_pct))
    // issue #19: shares of children, not a score that adds rule hits
    assert.equal(await text('dash-quality-no-error'), pct(api.quality.no_error_pct))
    assert.equal(await text('dash-quality-clean'), pct(api.quality.clean_pct))
    // a campaign card reads the target the API sends, and says what it counts
    if (api.campaigns && api.campaigns.length) {
      const c = api.campaigns[0]
      const line = await page.locator('[data-test="dash-campaign-line"]').first().innerText()
      assert.ok(line.includes(`${c.done}/${c.target}`) && line.includes(c.target_label), line)
    }
    assert.ok(await page.locator('[data-test="dash-category-chart"] canvas').first().isVisible(), 'the category chart is drawn')
    assert.ok(await page.locator('[data-test="dash-flag-chart"] canvas').first().isVisible(), 'the flag chart is drawn')
    // no frozen quarter here: an honest empty trend (below a county, where to look), not a flat line
    if (!api.trend.length) assert.match(await text('dash-trend-empty'), ['township', 'village'].includes(api.level) ? /按县（市、区）冻结/ : /还没有冻结的季度/)
    else assert.ok(await page.locator('[data-test="dash-trend-chart"] canvas').first().isVisible())
  }
  // every drill-down row: its name, its active count, its categories and flags
  async function drillTableMatches(api) {
    const rows = page.locator('[data-test="dash-drill-table"] .el-table__body-wrapper tbody tr')
    await rows.first().waitFor()
    assert.equal(await rows.count(), api.drilldown.length)
    for (let i = 0; i < api.drilldown.length; i++) {
      const d = api.drilldown[i]
      const cells = (await rows.nth(i).locator('td').allInnerTexts()).map((s) => s.trim())
      const want = [d.name, String(d.active), ...CATEGORY_KEYS.map((k) => String(d.categories[k] ?? 0)), ...FLAG_KEYS.map((k) => String(d.flags[k] ?? 0))]
      assert.deepEqual(cells, want, `drill-down row ${d.name}`)
    }
    // the totals row sums to the region's figures
    const sum = (await page.locator('[data-test="dash-drill-table"] .el-table__footer-wrapper td').allInnerTexts()).map((s) => s.trim())
    assert.equal(sum[0], '合计')
    assert.equal(sum[1], String(api.children.active))
    assert.deepEqual(sum.slice(2, 8), CATEGORY_KEYS.map((k) => String(api.children.categories[k])))
    assert.deepEqual(sum.slice(8, 14), FLAG_KEYS.map((k) => String(api.children.flags[k])))
  }

  const county = await apiSession(URL, 'nongan', DEMO_PW)
  const apiCounty = (await county('GET', '/dashboard')).data
  const apiTownship = (await county('GET', '/dashboard?region=' + TOWNSHIP)).data
  const apiVillage = (await county('GET', '/dashboard?region=' + VILLAGE)).data
  assert.equal(apiCounty.region_code, COUNTY)
  assert.ok(apiCounty.children.active > 0, 'the demo has children')
  const townRow = apiCounty.drilldown.find((d) => d.code === TOWNSHIP)
  assert.ok(townRow, '农安镇 is a drill-down row of 农安县')

  // launched after the API checks above: a failure there must not leave a
  // browser running, which keeps this file's process (and the run) alive
  const browser = await launch()
  try {
    await step('县级 (desktop): the home page shows 农安县’s figures, as the API gives them', async () => {
      page = await newPage(browser, DESKTOP, pageErrors)
      const got = await login(page, URL, 'nongan', DEMO_PW, dashboardAnswer)
      const answered = await (await got).json()
      assert.equal(answered.region_code, COUNTY, 'the default region is the user’s own')
      await page.locator('[data-test="welcome"]').waitFor()
      await figuresMatch(apiCounty)
      await drillTableMatches(apiCounty)
      assert.equal(await page.locator('[data-test="dash-drill-chart"] canvas').first().isVisible(), true)
      // the breadcrumb starts at the user's own region: nothing above it to click
      assert.equal(await page.locator('[data-test="dash-crumbs"] a').count(), 0)
      await page.waitForTimeout(300) // the charts follow their boxes
      await shot(page, '40-dashboard-desktop')
      await shot(page, '40b-dashboard-desktop-full', true)
    })

    await step('县级: a row of the drill-down table opens the township; the address keeps it', async () => {
      const got = dashboardAnswer()
      await page.locator(`[data-test="drill-${TOWNSHIP}"]`).click()
      await waitHash(page, new RegExp(`^#/\\?region=${TOWNSHIP}$`))
      const answered = await (await got).json()
      assert.equal(answered.region_code, TOWNSHIP)
      await figuresMatch(apiTownship)
      await drillTableMatches(apiTownship)
      // the breadcrumb: the user's county, a link up, then the township
      assert.equal((await page.locator(`[data-test="crumb-${COUNTY}"]`).innerText()).trim(), '农安县')
      assert.equal(await page.locator('[data-test="dash-crumbs"] a').count(), 1)
      await shot(page, '41-dashboard-township-desktop')
    })

    await step('县级: the breadcrumb goes back up, and the browser’s back returns to the township', async () => {
      await page.locator(`[data-test="crumb-${COUNTY}"]`).click()
      await waitHash(page, /^#\/$/)
      await figuresMatch(apiCounty)
      await page.goBack()
      await waitHash(page, new RegExp(`^#/\\?region=${TOWNSHIP}$`))
      await figuresMatch(apiTownship)
      // and a reload of that address shows the township again
      await page.reload()
      await figuresMatch(apiTownship)
    })

    await step('县级 (360 px): cards instead of the table; a village shows its figures without drill-down', async () => {
      await page.setViewportSize(PHONE)
      const card = page.locator('[data-test="dash-drill-card"]', { hasText: '十里堡村委会' })
      await card.waitFor()
      assert.equal(await page.locator('[data-test="dash-drill-card"]').count(), apiTownship.drilldown.length)
      assert.match(await card.innerText(), new RegExp(`在册\\s*${apiVillage.children.active}\\s*人`))
      await page.waitForTimeout(300)
      await shot(page, '42-dashboard-township-360')
      // nothing wider than the screen
      const wide = await page.evaluate(() => document.documentElement.scrollWidth)
      assert.ok(wide <= PHONE.width, `the page is ${wide} px wide`)
      await card.click()
      await waitHash(page, new RegExp(`^#/\\?region=${VILLAGE}$`))
      await figuresMatch(apiVillage)
      assert.equal(await page.locator('[data-test="dash-drilldown"]').count(), 0, 'a village has no drill-down')
      await shot(page, '43-dashboard-village-360', true)
      await page.setViewportSize(DESKTOP)
      await page.locator(`[data-test="crumb-${COUNTY}"]`).click()
      await waitHash(page, /^#\/$/)
      await shows(COUNTY)
    })

    await step('县级: “导出 Excel” downloads the dashboard as an xlsx', async () => {
      const exported = page.waitForResponse((r) => /\/api\/v1\/dashboard\/export/.test(r.url()))
      const dl = page.waitForEvent('download', { timeout: 20_000 }).catch((e) => e)
      await page.locator('[data-test="dash-export"]').click()
      // every file is asked for with its purpose (the watermark)
      const box = page.locator('.export-purpose')
      await box.waitFor()
      await box.locator('.el-button--primary').click()
      const res = await exported
      assert.match(decodeURIComponent(res.url()), /purpose=日常工作/)
      assert.match(res.url(), new RegExp(`region=${COUNTY}`))
      assert.equal(res.status(), 200)
      const download = await dl
      assert.ok(!(download instanceof Error), String(download))
      assert.match(download.suggestedFilename(), /\.xlsx$/)
      const bytes = readFileSync(await download.path())
      assert.equal(bytes.subarray(0, 2).toString('latin1'), 'PK', 'an xlsx is a zip file')
    })

    await step('县级: the 报表 menu lists the five standard tables and downloads one', async () => {
      await page.locator('[data-test="dash-reports"] button').click()
      const menu = page.locator('.el-dropdown-menu:visible')
      await menu.waitFor()
      const items = (await menu.locator('.el-dropdown-menu__item').allInnerTexts()).map((s) => s.trim())
      assert.deepEqual(items, ['分乡镇儿童分类统计表', '工作队伍花名册', '培训花名册', '服务阵地名册', '个案汇总表'])
      await shot(page, '44-dashboard-reports-menu')
      const exported = page.waitForResponse((r) => /\/api\/v1\/reports\/children/.test(r.url()))
      const dl = page.waitForEvent('download', { timeout: 20_000 }).catch((e) => e)
      await menu.locator('[data-test="report-children"]').click()
      const box = page.locator('.export-purpose')
      await box.waitFor()
      await box.locator('input').fill('上报市局')
      await box.locator('.el-button--primary').click()
      const res = await exported
      assert.match(decodeURIComponent(res.url()), /purpose=上报市局/)
      assert.match(res.url(), new RegExp(`region=${COUNTY}`))
      assert.match(res.url(), /year=\d{4}/)
      assert.equal(res.status(), 200)
      const download = await dl
      assert.ok(!(download instanceof Error), String(download))
      const bytes = readFileSync(await download.path())
      assert.equal(bytes.subarray(0, 2).toString('latin1'), 'PK', 'an xlsx is a zip file')
    })

    await step('县级: an address with a region outside the scope answers the server’s message, not figures', async () => {
      await page.goto(URL + '#/?region=220102')
      const err = page.locator('[data-test="dash-error"]')
      await err.waitFor()
      assert.match(await err.innerText(), /不在您的管辖范围内/)
      assert.equal(await page.locator('[data-test="dash-active"]').count(), 0)
      await page.locator('[data-test="dash-home"]').click()
      await waitHash(page, /^#\/$/)
      await shows(COUNTY)
      await page.context().close()
      page = null
    })

    // the director's landing page is their work, not the statistics: no
    // dashboard request and no chart library on a phone (issue #23)
    await step('儿童主任 (360 px): lands on 我的工作, without the statistics or the charts', async () => {
      const director = await apiSession(URL, 'zhuren', DEMO_PW)
      const apiOwn = (await director('GET', '/dashboard')).data
      assert.equal(apiOwn.region_code, VILLAGE, 'the API still gives the village its figures')
      page = await newPage(browser, PHONE, pageErrors)
      const asked = []
      page.on('request', (r) => asked.push(r.url()))
      await login(page, URL, 'zhuren', DEMO_PW)
      await page.locator('[data-test="home-ready"]').waitFor()
      assert.equal(await page.locator('[data-test="dash-region"]').count(), 0)
      assert.equal(await page.locator('[data-test="dash-drilldown"]').count(), 0)
      assert.deepEqual(asked.filter((u) => /\/api\/v1\/dashboard|assets\/charts-/.test(u)), [])
      await page.waitForTimeout(300)
      await shot(page, '45-dashboard-director-360', true)
      const wide = await page.evaluate(() => document.documentElement.scrollWidth)
      assert.ok(wide <= PHONE.width, `the page is ${wide} px wide`)
    })

    await step('no script errors in the pages', async () => {
      // the session check before a login answers 401;
      // the region outside the scope 404
      const real = unexpectedErrors(pageErrors, [401, 404])
      assert.deepEqual(real, [])
    })
  } finally {
    await closeBrowser(browser, page)
  }
})
