// Keeps only the Bootstrap rules the pages use (npm run build). Content: every template, the apps'
// Python (forms and views name classes) and our JavaScript. Classes built at render time and those
// of crispy-forms' Bootstrap 5 templates (installed by pip, not scanned here) are kept by pattern.
module.exports = {
  content: [
    "templates/**/*.html",
    "*/templates/**/*.html",
    "{accounts,chibo,oversight,demo,meetings,members,notifications,petitions,portal,workdays}/**/*.py",
    "static/**/*.js",
    "assets/**/*.js",
  ],
  css: ["static/build/bootstrap.css"],
  output: "static/build/",
  variables: true,
  safelist: {
    standard: [
      // Form elements Django's widgets write (never named in the templates): Bootstrap's reboot gives
      // them the page's font (`font-family: inherit`); without it a textarea is in the browser's
      // monospace, where Vietnamese accents break on common Android fonts (issue 25).
      "input", "button", "select", "optgroup", "textarea", "label", "legend", "fieldset",
      // Built at render time: message tags, outbox statuses.
      /^alert-(success|info|warning|danger|secondary)$/, /^text-bg-/,
      // crispy_bootstrap5's templates (checked against crispy-bootstrap5's templates).
      /^form-(control|select|label|text|check|check-input|check-label|check-inline)$/, /^is-invalid$/,
      /^invalid-feedback$/, /^col-form-label$/, /^mb-[023]$/, /^text-(break|danger)$/, /^alert-heading$/,
    ],
    variables: [/^--bs-(body|emphasis|secondary|tertiary|border|link|focus|form|highlight|code|heading)/],
  },
};
