// Accessibility (issue #23 item 6): axe-core, run in the page, finds no
// critical or serious violation on the login, home, children list, child
// detail, child form, watch list and quarterly pages, at 360 px and at
// 1366 px, on the demo database (the director zhuren for his pages, the
// county officer nongan for the watch list and the quarterly page).
// Touch targets (item 4): on a phone, the controls of these pages are at
// least 44 px high (measured, listed when not).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { fileURLToPath } from 'node:url'
import { DEMO_PW, launch, stepper, shot, login, logout, waitHash } from './lib.mjs'

const URL = process.env.GUANAI_DEMO_URL
const AXE = fileURLToPath(new globalThis.URL('../../web/node_modules/axe-core/axe.min.js', import.meta.url))

async function axe(page) {
  if (!(await page.evaluate(() => !!window.axe))) await page.addScriptTag({ path: AXE })
  const r = await page.evaluate(async () => {
    const res = await window.axe.run(document, { resultTypes: ['violations'] })
    return res.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }))
  })
  return r.filter((v) => v.impact === 'critical' || v.impact === 'serious')
}

// the visible controls under 44 px high at a phone's width
async function small(page) {
  return page.evaluate(() => {
    const out = []
    for (const el of document.querySelectorAll('main a[href], main button, main input:not([type=hidden]), main select, main textarea, header a[href], header button')) {
      // an Element Plus input is tapped through its frame (which focuses it)
      const r = (el.closest('.el-input__wrapper, .el-select__wrapper') || el).getBoundingClientRect()
      if (!r.width || !r.height) continue
      const cs = getComputedStyle(el)
      if (cs.visibility === 'hidden') continue
      // inline links inside a sentence are exempt (WCAG 2.5.8)
      if (el.tagName === 'A' && cs.display === 'inline') continue
      if (el.type === 'radio' || el.type === 'checkbox') continue
      if (r.height < 44) out.push(`${el.tagName.toLowerCase()}${el.dataset.test ? '[' + el.dataset.test + ']' : ''} "${(el.innerText || el.value || el.getAttribute('aria-label') || '').trim().slice(0, 12)}" ${Math.round(r.height)}px`)
    }
    return out
  })
}

test('axe: no critical or serious violation on the main pages, phone and desktop', { skip: !URL && 'GUANAI_DEMO_URL not set' }, async (t) => {
  const browser = await launch()
  let page = null
  const step = stepper(t, 'a11y-', () => page)
  const found = []
  const touch = []
  async function check(name) {
    await page.waitForTimeout(300)
    const v = await axe(page)
    const w = page.viewportSize().width
    for (const x of v) found.push(`${name} @${w}: ${x.impact} ${x.id} (${x.help}) ${x.nodes.join(', ')}`)
    if (w < 768) for (const s of await small(page)) touch.push(`${name}: ${s}`)
    await shot(page, `a11y-${name}-${w}`)
  }
  try {
    for (const viewport of [{ width: 360, height: 740 }, { width: 1366, height: 900 }]) {
      await step(`director's pages at ${viewport.width} px`, async () => {
        // the server's CSP forbids inline scripts: axe is added from the test
        const context = await browser.newContext({ viewport, deviceScaleFactor: 1, hasTouch: viewport.width < 768, locale: 'zh-CN', bypassCSP: true })
        page = await context.newPage()
        page.setDefaultTimeout(15_000)
        await page.goto(URL + '#/login')
        await page.locator('[data-test="login-submit"]').waitFor()
        await check('login')
        await login(page, URL, 'zhuren', DEMO_PW)
        await page.locator('[data-test="home-ready"]').waitFor()
        await check('home')
        await page.goto(URL + '#/children')
        await page.locator('[data-test="child-row"], .el-table__row, [data-test="child-card"]').first().waitFor()
        await check('children')
        const id = await page.evaluate(async () => (await (await fetch('api/v1/children?page_size=1')).json()).items[0].id)
        await page.goto(URL + '#/children/' + id)
        await page.locator('[data-test="child-name"]').waitFor()
        await check('child')
        await page.goto(URL + '#/children/new')
        await page.locator('[data-test="cf-name"]').waitFor()
        await check('child-form')
        await logout(page, { close: false })
        await login(page, URL, 'nongan', DEMO_PW)
        await page.goto(URL + '#/cases/watchlist')
        await waitHash(page, /^#\/cases\/watchlist/)
        await page.locator('main h1, main h2').first().waitFor()
        await page.waitForLoadState('networkidle')
        await check('watchlist')
        await page.goto(URL + '#/quarterly')
        await page.locator('main h1, main h2').first().waitFor()
        await page.waitForLoadState('networkidle')
        await check('quarterly')
        await page.context().close()
        page = null
      })
    }
    await step('the findings', async () => {
      assert.deepEqual(found, [], 'axe: critical or serious violations')
      assert.deepEqual(touch, [], 'controls under 44 px on a phone')
    })
  } finally {
    await browser.close()
  }
})
