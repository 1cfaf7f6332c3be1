// html-validate's rules for the built book (tests/test_html_validity.py runs it on every page).
// Every rule of html-validate:recommended applies — duplicate ids (no-dup-id), invalid ids,
// misused ARIA, content models and the rest are errors — except the ones turned off below.
module.exports = {
  extends: ["html-validate:recommended"],
  rules: {
    // formatting of Sphinx's HTML writer, not validity
    "no-trailing-whitespace": "off",
    "void-style": "off",
    "attribute-boolean-style": "off",
    "no-inline-style": "off",
    "long-title": "off",
    // pydata-sphinx-theme's templates (header, sidebars, search dialog), not written by the book:
    // buttons without type="button", role="main" on <main>, a search <form> without a submit
    // button, icon-only buttons named by their title, docutils' role="list" citation list
    "no-implicit-button-type": "off",
    "no-redundant-role": "off",
    "wcag/h32": "off",
    "text-content": "off",
    "prefer-native-element": "off",
  },
};
