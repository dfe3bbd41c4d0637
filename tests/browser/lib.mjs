// What the browser tests (tests/browser/*.test.mjs) share: Debian's chromium
// through playwright-core (from web/node_modules), pages at phone and desktop
// sizes that collect script errors, the login form, steps that skip after a
// failure, waiting for the address or an API answer, screenshots into
// tests/browser/artifacts/, and a fetch session on the API.
// Not a test itself: run.sh runs only *.test.mjs.
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
const require = createRequire(join(here, '../../web/package.json'))
const { chromium } = require('playwright-core')

const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium'
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']

export const ART = join(here, 'artifacts')
export const DEMO_PW = 'Guanai@2018' // every account of `guanai init --demo`
export const PHONE = { width: 360, height: 740 }
export const DESKTOP = { width: 1280, height: 900 }

// the page's script errors and console errors go into `errors`
function watch(page, errors) {
  page.setDefaultTimeout(15_000)
  page.on('pageerror', (e) => errors.push(String(e)))
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push('console: ' + m.text())
  })
  return page
}

// a browser for pages of their own (newPage); close it with browser.close()
export async function launch() {
  mkdirSync(ART, { recursive: true }) // run.sh empties it before the tests
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS })
}

// closes the page still open, if any, and the browser
export async function closeBrowser(browser, page) {
  if (page) await page.context().close().catch(() => {})
  await browser.close()
}

// a page in a fresh context of `browser` (its own cookies), touch on a phone
export async function newPage(browser, viewport, errors) {
  const context = await browser.newContext({ viewport, deviceScaleFactor: 1, hasTouch: viewport.width < 768, locale: 'zh-CN', acceptDownloads: true })
  return watch(await context.newPage(), errors)
}

// one page for a whole test, starting on a 360-px phone, in a browser with
// a throwaway profile; close() ends the browser and removes the profile
export async function launchPhone(errors, options = {}) {
  mkdirSync(ART, { recursive: true })
  const profile = mkdtempSync(join(tmpdir(), 'guanai-chromium-'))
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    viewport: PHONE,
    deviceScaleFactor: 1,
    hasTouch: true,
    locale: 'zh-CN',
    ...options,
  })
  const page = watch(context.pages()[0] || (await context.newPage()), errors)
  async function close() {
    await context.close()
    rmSync(profile, { recursive: true, force: true })
  }
  return { context, page, close }
}

// the errors left when the HTTP answers the UI expects (e.g. 401 for the
// session check before a login) are taken out
export function unexpectedErrors(errors, statuses) {
  const expected = new RegExp(`Failed to load resource: the server responded with a status of (${statuses.join('|')})`)
  return errors.filter((e) => !expected.test(e))
}

// step(name, fn) runs fn as a subtest of t (fn gets the subtest's context, so
// that it can skip itself); after a failure it screenshots the current page
// as <prefix><name>.png, and the later steps are skipped
export function stepper(t, prefix, currentPage) {
  let failed = false
  return async function step(name, fn) {
    if (failed) return t.test(name, { skip: 'an earlier step failed' }, () => {})
    return t.test(name, async (st) => {
      try {
        await fn(st)
      } catch (e) {
        failed = true
        const page = currentPage()
        if (page) await shot(page, prefix + name.replace(/[^\w-]+/g, '_')).catch(() => {})
        throw e
      }
    })
  }
}

export const shot = (page, name, fullPage = false) =>
  page.screenshot({ path: join(ART, name + '.png'), fullPage, animations: 'disabled' })

export const hash = (page) => new globalThis.URL(page.url()).hash

// waits until the address's hash is `want` (a string) or matches it (a RegExp)
export function waitHash(page, want, timeout = undefined) {
  const re = typeof want === 'string' ? new RegExp('^' + want.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&') + '$') : want
  return page.waitForFunction((src) => new RegExp(src).test(location.hash), re.source, timeout ? { timeout } : undefined)
}

// the input or textarea of the form field with data-test=id
export const input = (page, id) =>
  page.locator(`input[data-test="${id}"], textarea[data-test="${id}"], [data-test="${id}"] input, [data-test="${id}"] textarea`).first()

export const dialog = (page, title) =>
  page.locator('.el-dialog:visible', { has: page.locator('.el-dialog__title', { hasText: title }) })

// the next answer to a `method` request whose URL matches re
export const answer = (page, re, method = 'GET') => page.waitForResponse((r) => re.test(r.url()) && r.request().method() === method)

// fills the login form on the page and submits it
export async function fillLogin(page, username, password) {
  await input(page, 'login-username').fill(username)
  await input(page, 'login-password').fill(password)
  await page.locator('[data-test="login-submit"]').click()
}

// opens the login page of the server at url, logs in and waits for the home
// page; `expect` (optional) starts waiting for an answer just before the
// submit, and login resolves to that answer
export async function login(page, url, username, password, expect = undefined) {
  await page.goto(url + '#/login')
  await input(page, 'login-username').fill(username)
  await input(page, 'login-password').fill(password)
  const got = expect ? expect() : undefined
  await page.locator('[data-test="login-submit"]').click()
  await waitHash(page, '#/')
  return got
}

// logs out through the header's menu; closes the page's context unless
// `close` is false, in which case it waits for the login form
export async function logout(page, { close = true, hash = /^#\/login/ } = {}) {
  await page.evaluate(() => window.scrollTo(0, 0))
  // the menu may still be opening on a busy machine: try again if the click was lost
  for (let i = 0; ; i++) {
    const item = page.locator('[data-test="user-menu"] [data-test="logout"]')
    if (!(await item.isVisible())) await page.locator('[data-test="header-user"]').click()
    await item.waitFor()
    await page.waitForTimeout(200)
    await item.click()
    try {
      await waitHash(page, hash, 5000)
      break
    } catch (e) {
      if (i >= 2) throw e
    }
  }
  if (close) await page.context().close()
  else await input(page, 'login-username').waitFor()
}

// a menu entry: the side bar on a desktop, the drawer on a phone
export async function menu(page, group, title) {
  const phone = (page.viewportSize() || DESKTOP).width < 768
  let root = page.locator('[data-test="side-nav"]')
  if (phone) {
    await page.locator('[data-test="menu-toggle"]').click()
    root = page.locator('.menu-drawer:visible')
  }
  // after a resize the frame renders its menu anew: look once it is there,
  // or a group found closed too early is clicked shut
  await root.waitFor()
  const item = root.locator('.nav-item', { hasText: new RegExp('^\\s*' + title + '\\s*$') }).first()
  if (!(await item.isVisible())) await root.locator('.nav-group-title', { hasText: group }).first().click()
  await item.click()
  if (phone) await root.waitFor({ state: 'hidden' })
}

// picks the first option containing text in the select with data-test=id
export async function choose(page, id, text) {
  await page.locator(`[data-test="${id}"]`).click()
  await page.locator('.el-select-dropdown:visible .el-select-dropdown__item', { hasText: text }).first().click()
}

// 72.11895 → "72.1%", 100 → "100%" (workforceLabels.pctText)
export function pct(v) {
  const r = Math.round(Number(v) * 10) / 10
  return (Number.isInteger(r) ? String(r) : r.toFixed(1)) + '%'
}

// GB 11643-1999: the 18th character brings the weighted sum to 1 mod 11
export function idNumber(first17) {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
  let sum = 0
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * w[i]
  return first17 + '10X98765432'[sum % 11]
}

// the API of the server at url without a browser (fetch), logged in as
// username: call(method, path, body, headers) → { status, data }; it keeps
// the session cookie and the CSRF token
export async function apiSession(url, username, password) {
  const base = url + 'api/v1'
  let cookie = ''
  let csrf = ''
  async function call(method, path, body, headers = {}) {
    headers = { Accept: 'application/json', ...headers }
    if (cookie) headers.Cookie = cookie
    if (csrf && method !== 'GET') headers['X-CSRF-Token'] = csrf
    if (body !== undefined) headers['Content-Type'] = 'application/json'
    const r = await fetch(base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) })
    // Headers.getSetCookie is missing from Debian 12's Node 18 (its undici
    // is 5.15): there the Set-Cookie lines come joined by ", " from get().
    const set = r.headers.getSetCookie ? r.headers.getSetCookie()
      : (r.headers.get('set-cookie') || '').split(/, (?=[A-Za-z0-9_-]+=)/)
    for (const c of set) if (c.startsWith('guanai_session=')) cookie = c.split(';')[0]
    const text = await r.text()
    const data = text ? JSON.parse(text) : null
    if (data && data.csrf_token) csrf = data.csrf_token
    return { status: r.status, data }
  }
  const r = await call('POST', '/session', { username, password })
  assert.equal(r.status, 200, JSON.stringify(r.data))
  return call
}
