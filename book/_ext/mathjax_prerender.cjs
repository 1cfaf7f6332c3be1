// The book's maths typeset once, at build time, by the same MathJax 3.2.2 the pages used to load
// (the es5 files of the pinned django-static-mathjax package), so that a reader's browser never
// re-lays out a paragraph when the maths arrive (issue 28: layout shift 0.2-0.3 on Two faces).
// Called by book/_ext/w2v_book.py:
//
//   node mathjax_prerender.cjs <MathJax es5 folder> <input.json> <output.json>
//
// input: {"fontURL": "...", "items": [{"tex": "...", "display": true|false}, ...]}
// output: {"html": ["<mjx-container ...>", ...], "css": "..."} — CommonHTML with the assistive
// MathML screen readers read, and one stylesheet for every formula of the book.
"use strict";

const fs = require("fs");

const [dir, input, output] = process.argv.slice(2);
const job = JSON.parse(fs.readFileSync(input, "utf8"));
const log = console.log;
console.log = () => {};  // MathJax's loader chatters ("No version information ...") on stdout

require(`${dir}/node-main.js`).init({
  loader: { paths: { mathjax: dir }, load: ["adaptors/liteDOM", "input/tex", "output/chtml", "a11y/assistive-mml"] },
  chtml: { fontURL: job.fontURL },
}).then((MathJax) => {
  const adaptor = MathJax.startup.adaptor;
  const html = job.items.map(({ tex, display }) => {
    const node = MathJax.tex2chtml(tex, { display });
    // MathJax names a few of its elements in mixed case (mjx-TeXAtom); a browser lowercases every
    // HTML element name anyway, and HTML validators require it.
    return adaptor.outerHTML(node).replace(/<(\/?)(mjx-[A-Za-z0-9-]+)/g, (_, slash, name) => `<${slash}${name.toLowerCase()}`);
  });
  const css = adaptor.textContent(MathJax.chtmlStylesheet());
  fs.writeFileSync(output, JSON.stringify({ html, css }));
}).catch((error) => {
  console.error(`mathjax_prerender: ${error && error.message || error}`);
  process.exit(1);
});
void log;
