// Marks the page as having JavaScript before GOV.UK Frontend styles it (no inline script:
// the Content-Security-Policy allows scripts from our own origin only).
document.body.className +=
  " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " govuk-frontend-supported" : "");
