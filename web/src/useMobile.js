import { ref, onMounted, onBeforeUnmount } from 'vue'

// true on phone-sized screens (below 768 px)
export function useMobile() {
  const mq = window.matchMedia('(max-width: 767px)')
  const isMobile = ref(mq.matches)
  const update = () => (isMobile.value = mq.matches)
  onMounted(() => mq.addEventListener('change', update))
  onBeforeUnmount(() => mq.removeEventListener('change', update))
  return isMobile
}
