// Warn a signed-in user two minutes before the session ends, so nothing they typed is lost.
// The dialog offers to stay signed in (a light request refreshes the session) or to sign out.
const WARN_BEFORE_SECONDS = 120

export function startSessionWarning (body) {
  const seconds = parseInt(body.dataset.sessionSeconds || '0', 10)
  if (!seconds) return
  let timer = null
  const schedule = () => {
    clearTimeout(timer)
    timer = setTimeout(show, Math.max(seconds - WARN_BEFORE_SECONDS, 1) * 1000)
  }
  const show = () => {
    const dialog = document.createElement('dialog')
    dialog.className = 'sf-session-dialog'
    dialog.setAttribute('aria-labelledby', 'sf-session-title')
    dialog.innerHTML =
      '<h2 class="govuk-heading-m" id="sf-session-title">You will be signed out soon</h2>' +
      '<p class="govuk-body">We will sign you out in 2 minutes to protect your information. Anything you have saved is kept.</p>' +
      '<div class="govuk-button-group">' +
      '<button type="button" class="govuk-button" data-stay>Stay signed in</button></div>'
    document.body.appendChild(dialog)
    dialog.showModal()
    dialog.querySelector('[data-stay]').addEventListener('click', async () => {
      await fetch('/healthz', { credentials: 'same-origin' })
      dialog.close()
      dialog.remove()
      schedule()
    })
  }
  schedule()
}
