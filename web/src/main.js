import { createApp } from 'vue'
import App from './App.vue'
import { router } from './router.js'
import { bindRouter } from './api.js'
import './style.css'

bindRouter(router)
createApp(App).use(router).mount('#app')
