// Warn a signed-in user two minutes before the session ends, so nothing they typed is lost (WCAG 2.2.1).
// The dialog offers to stay signed in (a light request refreshes the session); Escape does the same, so
// it never silences later warnings. Either way focus goes back to where the user was. When the time
// runs out we sign the user out, close the dialog and say so on the page, leaving what they typed in
// place: when they send the form, the server keeps their answers until they have signed in again
// (sendfund/core/middleware.py, KeptAnswersMiddleware).
const WARN_BEFORE_SECONDS = 120

export function startSessionWarning (body) {
  const seconds = parseInt(body.dataset.sessionSeconds || '0', 10)
  if (!seconds) return
  let warnTimer = null
  let endTimer = null
  let dialog = null
  let returnFocusTo = null

  const schedule = () => {
    clearTimeout(warnTimer)
    clearTimeout(endTimer)
    warnTimer = setTimeout(show, Math.max(seconds - WARN_BEFORE_SECONDS, 1) * 1000)
    endTimer = setTimeout(end, seconds * 1000)
  }
  const close = () => {
    if (!dialog) return
    dialog.close()
    dialog.remove()
    dialog = null
    if (returnFocusTo && returnFocusTo.isConnected && returnFocusTo !== document.body) {
      returnFocusTo.focus()
    }
  }
  const stay = async () => {
    // Close first: the page behind a modal dialog is inert, so the user must not wait on the network to type.
    close()
    schedule()
    try {
      await fetch('/healthz', { credentials: 'same-origin' })
    } catch (error) { /* the next save or page load renews the session in any case */ }
  }
  const show = () => {
    returnFocusTo = document.activeElement
    dialog = document.createElement('dialog')
    dialog.className = 'sf-session-dialog'
    dialog.setAttribute('aria-labelledby', 'sf-session-title')
    dialog.innerHTML =
      '<h2 class="govuk-heading-m" id="sf-session-title">You will be signed out soon</h2>' +
      '<p class="govuk-body">We will sign you out in 2 minutes to protect your information. Anything you have saved is kept.</p>' +
      '<div class="govuk-button-group">' +
      '<button type="button" class="govuk-button" data-stay>Stay signed in</button></div>'
    document.body.appendChild(dialog)
    dialog.addEventListener('cancel', (event) => { // Escape: stay signed in, and keep warning later
      event.preventDefault()
      stay()
    })
    dialog.querySelector('[data-stay]').addEventListener('click', stay)
    dialog.showModal()
  }
  const end = async () => {
    clearTimeout(warnTimer)
    close()
    const token = document.querySelector('input[name="csrfmiddlewaretoken"]')
    if (body.dataset.signOutUrl && token) {
      const data = new URLSearchParams({ csrfmiddlewaretoken: token.value })
      try {
        await fetch(body.dataset.signOutUrl, { method: 'POST', body: data, credentials: 'same-origin', redirect: 'manual' })
      } catch (error) { /* the server ends the session itself in any case */ }
    }
    const main = document.getElementById('main-content')
    if (!main || document.getElementById('sf-signed-out')) return
    main.insertAdjacentHTML('afterbegin',
      '<div class="govuk-notification-banner" role="alert" aria-labelledby="sf-signed-out-title" id="sf-signed-out">' +
      '<div class="govuk-notification-banner__header"><h2 class="govuk-notification-banner__title" id="sf-signed-out-title">Important</h2></div>' +
      '<div class="govuk-notification-banner__content"><p class="govuk-notification-banner__heading">You have been signed out</p>' +
      '<p class="govuk-body">We signed you out to protect your information. What you typed is still on this page: ' +
      'when you continue, we will ask you to sign in again and then keep your answers. Files you chose are not kept.</p></div></div>')
  }
  schedule()
}
