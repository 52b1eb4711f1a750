// GOV.UK Frontend styles some components only when JavaScript runs; kept out of the page for a strict CSP.
document.body.className += " js-enabled govuk-frontend-supported";
