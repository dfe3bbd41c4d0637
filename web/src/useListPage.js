// A paged list read from the API, its filters kept in the address (see
// useQueryFilters.js): `path` is the API list (answers { items, total });
// `opts.enabled` (a ref or function) says whether the caller may read it at
// all, `opts.apiParams` turns the filters into the request's parameters,
// `opts.onData` sees every answer, `opts.parse` reads filters from the address
// (useQueryFilters). Answers to an older request than the last are dropped.
import { ref, toValue } from 'vue'
import { api } from './api.js'
import { downloadMarked } from './useExport.js'
import { useQueryFilters } from './useQueryFilters.js'

export function useListPage(routeName, path, defaults, opts = {}) {
  const { enabled = true, pageSize = 20, apiParams = (p) => p, onData, parse } = opts
  const items = ref([])
  const total = ref(0)
  const loading = ref(false)
  const exporting = ref(false)

  let seq = 0
  async function load() {
    if (!toValue(enabled)) return
    const my = ++seq
    loading.value = true
    try {
      const d = await api.get(path, { ...apiParams(filters.params()), page: filters.page.value, page_size: pageSize })
      if (my !== seq) return
      items.value = d.items || []
      total.value = d.total || 0
      if (onData) onData(d)
    } catch {
      /* message already shown */
    } finally {
      if (my === seq) loading.value = false
    }
  }
  const filters = useQueryFilters(routeName, defaults, load, { parse })

  // a download (an export of the list), its purpose asked first (useExport.js),
  // with `exporting` true meanwhile; `approval` ({ kind, filters }) lets a
  // large export be asked for instead
  async function exportFile(url, params, filename, approval) {
    exporting.value = true
    try {
      return await downloadMarked(url, params, filename, approval)
    } finally {
      exporting.value = false
    }
  }

  return { ...filters, items, total, loading, exporting, pageSize, load, exportFile }
}
