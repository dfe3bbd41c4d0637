// The director's phone on a slow link (issue #23), measured in headless
// Chromium through playwright-core: 360-px screen, and Chromium's own
// network emulation (CDP Network.emulateNetworkConditions) at 400 kbit/s
// each way with 400 ms of latency per request.
//
// For each server given (the build under test, and a baseline in the same
// run) it prints:
//   first login  — from opening the login page with an empty cache to the
//                  director's home usable (its content shown and no request
//                  of the page still open), with the bytes transferred;
//   repeat visit — the same page opened again (cache, service worker and
//                  session kept), to the home usable;
//   open a child — from the home to a child's record shown.
// Bytes are what the page's requests carried on the wire (headers
// included), as Chromium counts them (encodedDataLength); answers from the
// memory or disk cache or the service worker's cache count 0.
//
//   node bench/field.mjs NAME=URL [NAME=URL …]
//   env: BENCH_USER (zhuren), BENCH_PASSWORD (Guanai@2018), ROUNDS (3),
//        CHROMIUM (/usr/bin/chromium), BENCH_FILES=1 (list each request's
//        bytes for the first login and the child)
// bench/field.sh builds the baseline and the demo database and runs this.
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
const require = createRequire(join(here, '../web/package.json'))
const { chromium } = require('playwright-core')

const USER = process.env.BENCH_USER || 'zhuren'
const PASSWORD = process.env.BENCH_PASSWORD || 'Guanai@2018'
const ROUNDS = Number(process.env.ROUNDS || 3)
const LINK = { offline: false, latency: 400, downloadThroughput: 400000 / 8, uploadThroughput: 400000 / 8 }
const QUIET_MS = 500

// What "usable" looks like in each build: the new director home, or the
// dashboard of the build before issue #23; a child's record by its name.
const HOME = '[data-test="home-ready"], [data-test="dash-active"]'
const CHILD = '[data-test="child-name"]'

function meter(cdp) {
  const open = new Map()
  const files = new Map() // url → bytes, for BENCH_FILES
  const spans = new Map() // requestId → [url, start, end], for BENCH_FILES
  let t0 = Date.now()
  let bytes = 0
  let last = Date.now()
  let requests = 0
  cdp.on('Network.requestWillBeSent', (e) => {
    if (!open.has(e.requestId)) requests++
    open.set(e.requestId, e.request.url)
    spans.set(e.requestId, [e.request.method + ' ' + e.request.url, Date.now() - t0, null])
  })
  const done = (e) => {
    const url = open.get(e.requestId)
    if (open.delete(e.requestId)) last = Date.now()
    if (spans.has(e.requestId)) spans.get(e.requestId)[2] = Date.now() - t0
    if (e.encodedDataLength) {
      bytes += e.encodedDataLength
      if (url) files.set(url, (files.get(url) || 0) + e.encodedDataLength)
    }
  }
  cdp.on('Network.loadingFinished', done)
  cdp.on('Network.loadingFailed', done)
  return {
    reset() {
      bytes = 0
      requests = 0
      files.clear()
      spans.clear()
      t0 = Date.now()
    },
    // the requests since the reset, in the order they began: "bytes
    // start–end ms method path"
    files() {
      const path = (u) => u.replace(/https?:\/\/[^/]+/, '')
      return [...spans.values()].map(([u, a, b]) => `${String(files.get(u.slice(u.indexOf(' ') + 1)) || 0).padStart(7)} B ${String(a).padStart(5)}–${String(b ?? '…').padStart(5)} ms ${path(u)}`)
    },
    get bytes() {
      return bytes
    },
    get requests() {
      return requests
    },
    // resolves with the moment the last request ended once none has been
    // open for QUIET_MS
    async quiet() {
      for (;;) {
        await new Promise((r) => setTimeout(r, 50))
        if (open.size === 0 && Date.now() - last >= QUIET_MS) return last
      }
    },
  }
}

async function throttled(context, page) {
  const cdp = await context.newCDPSession(page)
  await cdp.send('Network.enable')
  await cdp.send('Network.emulateNetworkConditions', LINK)
  return meter(cdp)
}

async function childId(url) {
  // any child of the director's village, through the API (not throttled)
  const base = url + 'api/v1'
  const r = await fetch(base + '/session', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: USER, password: PASSWORD }) })
  const cookie = (r.headers.get('set-cookie') || '').split(';')[0]
  const l = await fetch(base + '/children?page_size=1&sort=name', { headers: { Cookie: cookie } })
  const body = await l.json()
  return body.items[0].id
}

// shown: the page's content on the screen; settled: also no request of the
// page open for QUIET_MS (what it still fetches in the background, e.g. the
// server's fresher answer after the device's copy was shown)
// `sel` first on the screen, by the page's own clock (a MutationObserver
// added to every document, see round): Playwright's polling would add
// up to a few hundred ms of its own
async function settle(m, t0, page, sel) {
  await page.locator(sel).first().waitFor()
  const at = await page.evaluate((s) => window.__benchSeen && window.__benchSeen[s], sel).catch(() => 0)
  const shown = (at || Date.now()) - t0
  const last = await m.quiet()
  return { ms: Math.max(shown, last - t0), shown, bytes: m.bytes, requests: m.requests }
}

async function round(browser, url, id) {
  const context = await browser.newContext({ viewport: { width: 360, height: 740 }, deviceScaleFactor: 1, hasTouch: true, isMobile: true, locale: 'zh-CN' })
  const page = await context.newPage()
  page.setDefaultTimeout(60_000)
  const m = await throttled(context, page)
  const out = {}
  // when each selector the bench waits for first matched, in ms since the
  // epoch (the same clock as t0 below: one machine)
  await page.addInitScript((sels) => {
    window.__benchSeen = {}
    const look = () => {
      for (const s of sels) if (!window.__benchSeen[s] && document.querySelector(s)) window.__benchSeen[s] = Date.now()
    }
    new MutationObserver(look).observe(document, { subtree: true, childList: true, attributes: true })
  }, [HOME, CHILD])

  // first login, from an empty cache
  m.reset()
  let t0 = Date.now()
  await page.goto(url + '#/login')
  await page.locator('[data-test="login-username"] input, input[data-test="login-username"]').first().fill(USER)
  await page.locator('[data-test="login-password"] input, input[data-test="login-password"]').first().fill(PASSWORD)
  await page.locator('[data-test="login-submit"]').click()
  out.login = await settle(m, t0, page, HOME)
  if (process.env.BENCH_FILES) console.error(`first login, ${url}, bytes per request:\n  ` + m.files().join('\n  '))

  // what the service worker keeps for offline use is fetched now, after
  // the home: wait for it (not counted above), up to a minute
  await page.evaluate(() => (window.__guanaiOffline ? window.__guanaiOffline.ready : null)).catch(() => null)
  await m.quiet()

  // a repeat visit: the page left and the address opened again (a new
  // document, not a hash change), cache, service worker and session kept
  await page.goto('about:blank')
  m.reset()
  t0 = Date.now()
  await page.goto(url + '#/')
  out.repeat = await settle(m, t0, page, HOME)

  // opening a child: from the home to the record
  m.reset()
  t0 = Date.now()
  await page.evaluate((cid) => {
    location.hash = '#/children/' + cid
  }, id)
  out.child = await settle(m, t0, page, CHILD)
  if (process.env.BENCH_FILES) console.error(`open a child, ${url}, bytes per request:\n  ` + m.files().join('\n  '))
  await context.close()
  return out
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]
}

async function main() {
  const targets = process.argv.slice(2).map((a) => {
    const i = a.indexOf('=')
    return { name: a.slice(0, i), url: a.slice(i + 1).replace(/\/?$/, '/') }
  })
  if (!targets.length) {
    console.error('usage: node bench/field.mjs NAME=URL [NAME=URL …]')
    process.exit(2)
  }
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  })
  const results = {}
  try {
    for (const t of targets) t.id = await childId(t.url)
    // rounds in turns, so that a busy moment of the machine hits both
    for (let r = 0; r < ROUNDS; r++)
      for (const t of targets) {
        const got = await round(browser, t.url, t.id)
        ;(results[t.name] = results[t.name] || []).push(got)
        console.error(`round ${r + 1} ${t.name}: ${JSON.stringify(got)}`)
      }
  } finally {
    await browser.close()
  }
  const kb = (b) => (b / 1024).toFixed(1)
  console.log(`\n360-px phone, 400 kbit/s each way, 400 ms latency per request (CDP), user ${USER}; median of ${ROUNDS} rounds`)
  console.log('times: shown/settled (content on screen / no request open for 0.5 s)')
  console.log('build        first login                 repeat visit               open a child')
  for (const t of targets) {
    const rs = results[t.name]
    const cell = (k) =>
      `${(median(rs.map((x) => x[k].shown)) / 1000).toFixed(2)}/${(median(rs.map((x) => x[k].ms)) / 1000).toFixed(2)} s ${kb(median(rs.map((x) => x[k].bytes))).padStart(6)} KB ${String(median(rs.map((x) => x[k].requests))).padStart(3)} req`
    console.log(`${t.name.padEnd(12)} ${cell('login')}  ${cell('repeat')}  ${cell('child')}`)
  }
  console.log('targets (issue #23): first login ≤ 4 s and ≤ 150 KB; repeat visit ≤ 1 s; open a child ≤ 1 s')
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})
