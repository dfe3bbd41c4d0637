// Vite build of the guanai browser UI into web/dist.
// Element Plus components used in templates are imported on demand (with their
// CSS) by unplugin-vue-components; service APIs (ElMessage, ElMessageBox) are
// imported explicitly where used, together with their CSS.
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'
import Components from 'unplugin-vue-components/vite'
import { ElementPlusResolver } from 'unplugin-vue-components/resolvers'

export default defineConfig({
  // relative asset URLs: dist works when served at / or under a sub-path
  base: './',
  plugins: [
    vue(),
    Components({
      resolvers: [ElementPlusResolver({ importStyle: 'css' })],
      dts: false,
      dirs: [], // our own components are imported explicitly
    }),
  ],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2019',
    cssCodeSplit: true,
    reportCompressedSize: true,
    // the largest chunk is ECharts (bar and line charts, ~540 kB), loaded by the chart pages alone
    chunkSizeWarningLimit: 560,
    rollupOptions: {
      output: {
        // shared chunks are named after their first module, which for Element Plus
        // is often its style/css.mjs: call them "lib" instead
        chunkFileNames: (c) => `assets/${c.name === 'css' || c.name === 'index' ? 'lib' : c.name}-[hash].js`,
        assetFileNames: (a) => {
          const n = (a.names && a.names[0]) || a.name || ''
          return n.startsWith('css') || n.startsWith('index') && !n.startsWith('index.') ? 'assets/lib-[hash][extname]' : 'assets/[name]-[hash][extname]'
        },
      },
    },
  },
  server: {
    // `npm run dev` proxies the API to a locally running `guanai serve`
    proxy: { '/api': process.env.GUANAI_API || 'http://127.0.0.1:8080' },
  },
})
