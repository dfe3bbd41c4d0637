// Filters kept in the address (so "back" from a record returns to the same
// list): `defaults` names the filters and their default values (strings);
// `load` runs whenever the address changes while the route `routeName` is shown.
// `opts.parse` may name a filter's reader from the address (e.g. numbers): it
// gets the address's value (a string or undefined) and answers the filter's.
import { reactive, ref, watch } from 'vue'
import { useRoute, useRouter } from 'vue-router'

export function useQueryFilters(routeName, defaults, load, opts = {}) {
  const parse = opts.parse || {}
  const route = useRoute()
  const router = useRouter()
  const f = reactive({ ...defaults })
  const page = ref(1)

  function fromQuery(q) {
    for (const k of Object.keys(defaults)) {
      const v = q[k]
      if (parse[k]) f[k] = parse[k](v)
      else f[k] = typeof v === 'string' && v !== '' ? v : defaults[k]
    }
    page.value = Math.max(1, parseInt(q.page, 10) || 1)
  }
  function toQuery() {
    const q = {}
    for (const k of Object.keys(defaults)) {
      const v = f[k]
      if (v === undefined || v === null || v === '' || v === defaults[k]) continue
      q[k] = String(v)
    }
    if (page.value > 1) q.page = String(page.value)
    return q
  }
  // the filters as API parameters: the ones given
  function params() {
    const p = {}
    for (const k of Object.keys(defaults)) {
      const v = f[k]
      if (v === undefined || v === null || v === '') continue
      p[k] = v
    }
    return p
  }
  function push() {
    router.replace({ name: routeName, query: toQuery() }).catch(() => {})
  }
  function search() {
    page.value = 1
    push()
  }
  function goPage(p) {
    page.value = p
    push()
    window.scrollTo(0, 0)
  }
  function reset(keep = []) {
    for (const k of Object.keys(defaults)) if (!keep.includes(k)) f[k] = defaults[k]
    search()
  }
  // the same address again (e.g. after a change): load without navigating
  function reload() {
    return load()
  }

  watch(
    () => route.query,
    (q) => {
      if (route.name !== routeName) return
      fromQuery(q)
      load()
    },
  )
  // the first load once the caller's setup has finished (load may use what this returns)
  fromQuery(route.query)
  Promise.resolve().then(() => route.name === routeName && load())
  return { f, page, params, search, goPage, reset, reload }
}
