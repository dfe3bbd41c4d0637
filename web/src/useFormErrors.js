// The server's refusal of a form, shown where it belongs: a message about a
// field the form shows goes under that field (`se`, bound to the form items'
// :error), any other above the form (`bigError`). `slotOf(e)` answers the
// field of `se` for an error ({ code, field, message } from api.js), or ''
// (fieldIn() makes one from a list of names or the form's rules);
// `opts.message(e)` may reword the message above the form.
import { reactive, ref } from 'vue'

export function fieldIn(names) {
  return (e) => (e.field && (Array.isArray(names) ? names.includes(e.field) : e.field in names) ? e.field : '')
}

export function useFormErrors(slotOf, opts = {}) {
  const se = reactive({})
  const bigError = ref('')
  const saving = ref(false)

  function clearErrors() {
    for (const k of Object.keys(se)) delete se[k]
    bigError.value = ''
  }
  function showError(e) {
    // the session's own errors lead to the login page: nothing to show here
    if (e.code === 'unauthenticated' || e.code === 'password_change_required') return
    const k = slotOf(e)
    if (k) se[k] = e.message
    else bigError.value = opts.message ? opts.message(e) : e.message
  }
  // clears the messages, checks the form (formRef: the el-form) and runs
  // send() with `saving` true; a refusal is shown as above
  async function submit(formRef, send) {
    clearErrors()
    try {
      await formRef.value.validate()
    } catch {
      return
    }
    saving.value = true
    try {
      await send()
    } catch (e) {
      showError(e)
    } finally {
      saving.value = false
    }
  }
  return { se, bigError, saving, clearErrors, showError, submit }
}
