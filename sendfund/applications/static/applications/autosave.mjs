// Nothing a user typed is lost when their session ends: shortly before the session-timeout warning
// (sendfund/core/static/sendfund/session-timeout.mjs) appears, a form marked data-sf-keep-typed that has
// unsaved changes is saved as "Save and come back later" in the background. The request also renews the
// session. Files are not sent: they are uploaded only when the user chooses to.
const SAVE_BEFORE_SECONDS = 180

export function startAutosave (body) {
  const seconds = parseInt(body.dataset.sessionSeconds || '0', 10)
  const form = document.querySelector('form[data-sf-keep-typed]')
  if (!seconds || !form) return
  let dirty = false
  let timer = null
  const mark = () => { dirty = true }
  form.addEventListener('input', mark)
  form.addEventListener('change', mark)
  form.addEventListener('submit', () => { dirty = false; clearTimeout(timer) })
  const save = async () => {
    if (dirty) {
      const data = new FormData(form)
      for (const [name, value] of [...data.entries()]) {
        if (value instanceof File) data.delete(name)
      }
      data.set('action', 'save')
      // getAttribute: the buttons are named "action", which hides form.action
      const response = await fetch(form.getAttribute('action') || window.location.href, {
        method: 'POST', body: data, credentials: 'same-origin', headers: { 'X-Autosave': '1' }
      })
      if (response.status === 204) {
        dirty = false
        const version = response.headers.get('X-Section-Version')
        const field = form.querySelector('input[name="version"]')
        if (version && field) field.value = version
        // A new item is now saved: further saves change it rather than add another.
        const itemUrl = response.headers.get('X-Item-Url')
        if (itemUrl) form.setAttribute('action', itemUrl + window.location.search)
      }
    }
    schedule()
  }
  const schedule = () => {
    clearTimeout(timer)
    timer = setTimeout(save, Math.max(seconds - SAVE_BEFORE_SECONDS, 1) * 1000)
  }
  schedule()
}

startAutosave(document.body)
