// Vite build of the guanai browser UI into web/dist.
// Element Plus components used in templates are imported on demand (with their
// CSS) by unplugin-vue-components; service APIs (ElMessage, ElMessageBox) are
// imported explicitly where used, together with their CSS.
//
// Chunks (issue #23: a phone on a 400 kbit/s link pays a round trip for each
// file): the login page, the frame and the director's home need no component
// library and no charts, so the first login loads Vue, the router and the
// app's own code only. Element Plus is one chunk, ECharts another, and each
// module's pages one more — some twenty files instead of 170.
import { readFileSync } from 'node:fs'
import { createHash } from 'node:crypto'
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'
import Components from 'unplugin-vue-components/vite'
import { ElementPlusResolver } from 'unplugin-vue-components/resolvers'

// the module groups of the app's pages, each one chunk
const GROUPS = ['children', 'workforce', 'platforms', 'cases', 'quarterly', 'women']

const ELEMENT = /node_modules[\\/](element-plus|@element-plus|@floating-ui|@popperjs|async-validator|dayjs|lodash|lodash-es|lodash-unified|@vueuse|memoize-one|normalize-wheel-es|@ctrl)[\\/]/

// whether a module of ours reaches Element Plus through its static imports
function usesElement(id, getModuleInfo, seen = new Map()) {
  if (seen.has(id)) return seen.get(id)
  seen.set(id, false)
  const info = getModuleInfo(id)
  const out = !!info && info.importedIds.some((d) => ELEMENT.test(d) || (/[\\/]src[\\/]/.test(d) && !/node_modules/.test(d) && usesElement(d, getModuleInfo, seen)))
  seen.set(id, out)
  return out
}

function chunkOf(id, { getModuleInfo }) {
  if (/node_modules[\\/](echarts|zrender)[\\/]/.test(id)) return 'charts'
  if (/node_modules[\\/](vue|vue-router|@vue)[\\/]/.test(id)) return 'vue'
  if (ELEMENT.test(id)) return 'element'
  if (/node_modules/.test(id) || !/[\\/]src[\\/]/.test(id)) return undefined
  const m = /src[\\/]views[\\/](\w+)[\\/]/.exec(id)
  if (m && GROUPS.includes(m[1])) return m[1]
  // the app's own code that needs no Element Plus (the API client, the
  // session, the code tables, the offline layer, the login page, the frame
  // and the director's home) goes with the entry, whatever else uses it: the
  // module chunks must not drag it in with them
  if (/src[\\/](views|layouts|components)[\\/]/.test(id) && !/(LoginView|ReauthDialog|SyncBar|MainFrame|SideMenu)\.vue/.test(id)) return undefined
  if (/\.css$|\?vue&type=style/.test(id)) return undefined
  return usesElement(id, getModuleInfo) ? undefined : 'app'
}

// The service worker: src/sw.js with the build's name and the files the
// director's pages need offline (the chunks the home, the children's
// pages, the sync and unlock pages import, and their CSS), written as
// dist/sw.js.
function serviceWorker() {
  const OFFLINE_PAGES = [/views[\\/]DirectorHome\.vue$/, /views[\\/]SyncView\.vue$/, /views[\\/]UnlockView\.vue$/, /layouts[\\/]MainFrame\.vue$/, /views[\\/]children[\\/]Child(Detail|Form|renList)\.vue$/, /components[\\/]EpConfig\.vue$/]
  return {
    name: 'guanai-service-worker',
    apply: 'build',
    enforce: 'post',
    // after Vite's own: it drops the entry chunk that manualChunks emptied
    // (index.html loads vue and app directly), which must not be kept
    generateBundle: { order: 'post', handler: keep },
  }
  function keep(_opts, bundle) {
      const chunks = Object.values(bundle).filter((f) => f.type === 'chunk')
      const want = new Set()
      const add = (name) => {
        if (want.has(name)) return
        want.add(name)
        const c = bundle[name]
        if (!c || c.type !== 'chunk') return
        for (const i of c.imports) add(i)
        for (const css of (c.viteMetadata && c.viteMetadata.importedCss) || []) want.add(css)
      }
      for (const c of chunks) {
        if (c.isEntry) add(c.fileName)
        const mods = c.moduleIds || Object.keys(c.modules || {})
        if (mods.some((id) => OFFLINE_PAGES.some((re) => re.test(id)))) add(c.fileName)
      }
      const files = [...want].filter((f) => bundle[f]).sort()
      const build = createHash('sha256').update(files.join('\n')).digest('hex').slice(0, 12)
      const src = readFileSync(new URL('./src/sw.js', import.meta.url), 'utf8')
        .replace('self.__BUILD__', JSON.stringify(build))
        .replace('self.__PRECACHE__', JSON.stringify([...files, 'icon-192.png']))
      this.emitFile({ type: 'asset', fileName: 'sw.js', source: src })
  }
}

export default defineConfig({
  // relative asset URLs: dist works when served at / or under a sub-path
  base: './',
  // no component here or in Element Plus uses the Options API (data,
  // methods…): leaving it out of Vue's runtime takes some 4 KB off the
  // first load (issue #23)
  define: {
    __VUE_OPTIONS_API__: 'false',
    __VUE_PROD_DEVTOOLS__: 'false',
    __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false',
  },
  plugins: [
    vue(),
    Components({
      resolvers: [ElementPlusResolver({ importStyle: 'css' })],
      dts: false,
      dirs: [], // our own components are imported explicitly
    }),
    serviceWorker(),
  ],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2019',
    cssCodeSplit: true,
    reportCompressedSize: true,
    // the largest chunk is ECharts (bar and line charts), loaded by the chart pages alone
    chunkSizeWarningLimit: 1100,
    modulePreload: { polyfill: false },
    rollupOptions: {
      output: {
        manualChunks: chunkOf,
        chunkFileNames: 'assets/[name]-[hash].js',
        assetFileNames: 'assets/[name]-[hash][extname]',
      },
    },
  },
  server: {
    // `npm run dev` proxies the API to a locally running `guanai serve`
    proxy: { '/api': process.env.GUANAI_API || 'http://127.0.0.1:8080' },
  },
})
