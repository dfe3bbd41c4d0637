// Browser test of where the UI's labels come from (issue #18 item 5): the
// server's code tables (GET /api/v1/codes), fetched once before the first
// page and revalidated on a reload (a 304 at the server), never a list of the
// UI's own. Run through tests/browser/run.sh (GUANAI_DEMO_URL: a server on
// `guanai init --demo`; zhuren is the director of 十里堡村委会 220122100207).
// The proof: the same pages with the server's tables changed in flight show
// the changed labels — in the child's record and the list's filters — and the parent the rules count as away stands out as the
// server's parent_absence says.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { DEMO_PW, DESKTOP, launch, closeBrowser, newPage, stepper, unexpectedErrors, waitHash, login, apiSession } from './lib.mjs'

const URL = process.env.GUANAI_DEMO_URL
const MARK = '〔服务端〕'

// the count of /api/v1/codes answers of one status class in /metrics (the
// test runs on the server's machine: loopback may read it)
async function codesAnswers(status) {
  const text = await (await fetch(URL + 'metrics')).text()
  const line = text.split('\n').find((l) => l.startsWith('guanai_http_requests_total{') && l.includes('route="/api/v1/codes"') && l.includes('method="GET"') && l.includes(`status="${status}"`))
  return line ? Number(line.split(' ').pop()) : 0
}

// the options of the children list's category filter, as shown
async function categoryOptions(page) {
  await page.locator('[data-test="child-filter-category"]').click()
  const items = page.locator('.el-select-dropdown:visible .el-select-dropdown__item')
  await items.first().waitFor()
  return items.allInnerTexts()
}

test('the UI takes its labels from GET /api/v1/codes', { timeout: 180_000 }, async (t) => {
  assert.ok(URL, 'GUANAI_DEMO_URL is set (use tests/browser/run.sh)')
  const browser = await launch()
  const pageErrors = []
  let page = null
  const step = stepper(t, 'failure-codes-', () => page)

  // a child of zhuren's village with a parent at work away and one who is not
  const api = await apiSession(URL, 'zhuren', DEMO_PW)
  const list = await api('GET', '/children?category=left_behind&page_size=50')
  assert.equal(list.status, 200)
  let child = null
  for (const it of list.data.items) {
    const c = (await api('GET', '/children/' + it.id)).data
    const a = c.parent_absence
    if ((a.father === 'migrant') !== (a.mother === 'migrant')) {
      child = c
      break
    }
  }
  assert.ok(child, 'the demo village has a left-behind child with one parent away')
  const codes = (await api('GET', '/codes')).data
  const label = (table, code) => codes[table].find((e) => e.code === code).label

  try {
    await step('fetched once before the first page, and a 304 on a reload', async () => {
      page = await newPage(browser, DESKTOP, pageErrors)
      let fetched = 0
      page.on('request', (r) => {
        if (/\/api\/v1\/codes$/.test(r.url())) fetched++
      })
      const before = await codesAnswers('3xx')
      await login(page, URL, 'zhuren', DEMO_PW)
      await page.goto(URL + '#/children/' + child.id)
      await page.locator('[data-test="child-family"]').waitFor()
      await page.goto(URL + '#/children')
      await page.locator('[data-test="child-card"], .el-table__row').first().waitFor()
      assert.equal(fetched, 1, 'one request for the tables while the page lives')
      // the header names the role as the server's table does
      assert.equal((await page.locator('[data-test="header-role"]').innerText()).trim(), label('role', 'director'))
      await page.reload()
      await page.locator('[data-test="child-card"], .el-table__row').first().waitFor()
      assert.equal(fetched, 2)
      assert.ok((await codesAnswers('3xx')) > before, 'the browser kept the tables and the server answered 304')
      // and the kept copy is whole: the filter lists the server's categories
      const options = await categoryOptions(page)
      assert.deepEqual(options.map((o) => o.trim()), codes.category.map((e) => e.label))
      await page.keyboard.press('Escape')
      await page.context().close()
      page = null
    })

    await step('the server’s words, changed in flight, are the words on the page', async () => {
      page = await newPage(browser, DESKTOP, pageErrors)
      await page.route(/\/api\/v1\/codes$/, async (route) => {
        const res = await route.fetch()
        const data = await res.json()
        for (const table of ['parent_status', 'category', 'guardianship'])
          for (const e of data[table]) e.label += MARK
        await route.fulfill({ response: res, json: data })
      })
      await login(page, URL, 'zhuren', DEMO_PW)
      await page.goto(URL + '#/children/' + child.id)
      const family = page.locator('[data-test="child-family"]')
      await family.waitFor()
      const text = await family.innerText()
      for (const p of ['father', 'mother'])
        if (child[p].status) assert.ok(text.includes(label('parent_status', child[p].status) + MARK), `${p}: ${text}`)
      if (child.guardianship) assert.ok(text.includes(label('guardianship', child.guardianship) + MARK), text)
      // the parent the server counts as away stands out, the other does not
      const marked = await family.locator('b.warn').allInnerTexts()
      const away = ['father', 'mother'].filter((p) => child.parent_absence[p])
      assert.equal(marked.length, away.length, JSON.stringify(marked))
      for (const p of away) assert.ok(marked.some((m) => m.startsWith(label('parent_status', child[p].status))), p)
      // the list's category filter offers the server's categories
      await page.goto(URL + '#/children')
      await waitHash(page, /^#\/children/)
      const options = await categoryOptions(page)
      assert.deepEqual(options.map((o) => o.trim()), codes.category.map((e) => e.label + MARK))
      await page.keyboard.press('Escape')
      await page.context().close()
      page = null
    })

    await step('no script errors', async () => {
      assert.deepEqual(unexpectedErrors(pageErrors, [401]), [])
    })
  } finally {
    await closeBrowser(browser, page)
  }
})
