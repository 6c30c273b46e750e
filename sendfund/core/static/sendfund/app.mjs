import { initAll } from '../govuk/govuk-frontend.min.js'
import { startSessionWarning } from './session-timeout.mjs'

initAll()
startSessionWarning(document.body)
