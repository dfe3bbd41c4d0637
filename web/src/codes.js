// The server's code tables (GET /api/v1/codes, docs/API.md "Codes"): every
// code the API speaks, its Chinese label, and what a page needs to know of it
// (the flag a value raises, the level of a post's region, …). The UI lists no
// code and no label of its own: the *Labels.js modules hand out views of these
// tables — objects and lists that are filled in place once the tables arrive,
// which the router waits for before the first page (router.js), so a page
// reads them as it would read constants.
import { reactive } from 'vue'

const BASE = 'api/v1' // relative to the page, as in api.js

export const codes = reactive({
  loaded: false, // the tables have arrived
  tables: {}, // name → [{ code, label, … }]
})

// every view handed out, to fill when the tables arrive
const views = []

function fill(v) {
  const rows = codes.tables[v.name] || []
  if (v.kind === 'map') {
    for (const k of Object.keys(v.target)) delete v.target[k]
    for (const e of rows) if (!v.where || v.where(e)) v.target[e.code] = e[v.attr]
  } else {
    v.target.splice(0, v.target.length, ...rows.filter((e) => !v.where || v.where(e)).map((e) => (v.kind === 'list' ? e.code : e)))
  }
}

function view(kind, name, attr, where, target) {
  const v = { kind, name, attr, where, target: reactive(target) }
  views.push(v)
  if (codes.loaded) fill(v)
  return v.target
}

// { code: label } of table `name` in the server's order (or { code: entry[attr] }),
// only the entries `where` keeps: SEX = labels('sex') → { male: '男', female: '女' }.
export function labels(name, attr = 'label', where = null) {
  return view('map', name, attr, where, {})
}

// The codes of table `name`, in order: ['汉族', '蒙古族', …].
export function codeList(name, where = null) {
  return view('list', name, null, where, [])
}

// The entries of table `name`, in order: [{ code, label, … }].
export function entries(name, where = null) {
  return view('entries', name, null, where, [])
}

// The entry of `code` in table `name`, or null.
export function entryOf(name, code) {
  return (codes.tables[name] || []).find((e) => e.code === code) || null
}

// The label of `code` in table `name`; the code itself when the table has it
// not (a code newer than the tables, or the tables not arrived).
export function labelOf(name, code) {
  const e = entryOf(name, code)
  return e ? e.label : code === null || code === undefined ? '' : String(code)
}

let pending = null

// Fetches the tables unless they are here. Resolves to whether they are: a
// failure leaves the pages showing codes, and the next navigation tries again.
// The browser keeps the answer and asks again with its ETag (the server says
// no-cache), so a start costs a 304 of no body while the server is the same.
export function loadCodes() {
  if (codes.loaded) return Promise.resolve(true)
  if (!pending) {
    pending = fetch(BASE + '/codes', { credentials: 'same-origin', headers: { Accept: 'application/json' } })
      .then((res) => (res.ok ? res.json() : null))
      .then((data) => {
        if (!data || typeof data !== 'object') return false
        codes.tables = data
        codes.loaded = true
        for (const v of views) fill(v)
        return true
      })
      .catch(() => false)
      .finally(() => {
        pending = null
      })
  }
  return pending
}
