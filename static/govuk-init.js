// Start GOV.UK Frontend's components. A file rather than an inline script, so the
// Content-Security-Policy can refuse inline scripts.
import { initAll } from "./govuk/govuk-frontend.min.js";

initAll();
