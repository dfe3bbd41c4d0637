import { createApp } from 'vue'
import App from './App.vue'
import { router } from './router.js'
import { bindRouter } from './api.js'
import './offline/index.js' // the offline layer hooks into api.js
import './style.css'

bindRouter(router)
createApp(App).use(router).mount('#app')

// The service worker (src/sw.js): the app opens without a network. It is
// registered once the first page has loaded, so that what it keeps is
// fetched after what the page needs, not before (a slow link, issue #23).
if ('serviceWorker' in navigator && window.isSecureContext) {
  const register = () => navigator.serviceWorker.register('./sw.js').catch(() => {})
  if (document.readyState === 'complete') setTimeout(register, 1000)
  else window.addEventListener('load', () => setTimeout(register, 1000))
}
