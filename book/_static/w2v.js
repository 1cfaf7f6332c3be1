// The book's own script: per-line notes of the model blueprint (see book/blueprint.md), tooltips
// on a tap as on a hover, and a visible mark on every box that scrolls sideways.
//
// The chapter shows w2v/model.py with a literalinclude (class "w2v-blueprint") and emits the notes
// as <script type="application/json" id="w2v-blueprint-notes">: [{line, code, note}, ...].
// This script splits the highlighted block into one element per line; every line with a note
// becomes focusable (tabindex 0), is described by its note (aria-describedby), and shows the note
// on hover, on keyboard focus and on tap. Escape hides it. The same notes are also printed as a list
// under the listing (book/_ext/w2v_book.py writes it from the JSON): each item links to its line,
// and the item of the line under the pointer or the focus is highlighted.
"use strict";

(function () {
  const COMMENT = /^c/; // Pygments' comment token classes: c, c1, ch, cm, cs, ...

  function splitIntoLines(pre) {
    // Flatten the highlighted tokens into [class, text] pieces, then regroup them by line.
    const pieces = [];
    const walk = (node, cls) => {
      for (const child of [...node.childNodes]) {
        if (child.nodeType === Node.TEXT_NODE) pieces.push([cls, child.textContent]);
        else if (child.nodeType === Node.ELEMENT_NODE) walk(child, child.className || cls);
      }
    };
    walk(pre, "");
    const lines = [[]];
    for (const [cls, text] of pieces) {
      text.split("\n").forEach((part, i) => {
        if (i > 0) lines.push([]);
        if (part) lines[lines.length - 1].push([cls, part]);
      });
    }
    if (lines.length > 1 && lines[lines.length - 1].length === 0) lines.pop(); // the final newline
    pre.textContent = "";
    return lines.map((tokens, i) => {
      const line = document.createElement("span");
      line.className = "w2v-line";
      for (const [cls, text] of tokens) {
        const span = document.createElement("span");
        if (cls) span.className = cls;
        span.textContent = text;
        line.appendChild(span);
      }
      pre.appendChild(line);
      pre.appendChild(document.createTextNode("\n"));
      const code = tokens.filter(([cls]) => !COMMENT.test(cls)).map(([, t]) => t).join("").trim();
      return { element: line, number: i + 1, code };
    });
  }

  function setUp(block, notes) {
    const pre = block.querySelector("pre");
    if (!pre) return;
    const box = block.querySelector("div.highlight") || block;
    box.classList.add("w2v-notes-box");
    const byCode = new Map(notes.map((n) => [n.code, n]));
    const used = new Set();
    let shown = null;

    const hide = () => {
      if (!shown) return;
      shown.note.hidden = true;
      shown.line.classList.remove("w2v-line--active");
      shown = null;
    };
    const show = (line, note) => {
      if (shown && shown.note === note) return;
      hide();
      note.hidden = false;
      line.classList.add("w2v-line--active");
      const boxRect = box.getBoundingClientRect();
      const lineRect = line.getBoundingClientRect();
      note.style.top = `${lineRect.bottom - boxRect.top + 4}px`;
      shown = { line, note };
    };

    for (const { element, number, code } of splitIntoLines(pre)) {
      const entry = byCode.get(code);
      if (!entry) continue;
      used.add(code);
      const note = document.createElement("div");
      note.className = "w2v-note";
      note.id = `w2v-note-${number}`;
      note.setAttribute("role", "tooltip");
      note.hidden = true;
      note.textContent = entry.note;
      box.appendChild(note);
      element.classList.add("w2v-line--noted");
      element.tabIndex = 0;
      element.setAttribute("aria-describedby", note.id);
      element.dataset.line = String(number);
      element.id = `w2v-line-${number}`;
      const item = document.getElementById(`w2v-line-note-${number}`);
      if (item) {
        element.addEventListener("mouseenter", () => item.classList.add("w2v-line-note--active"));
        element.addEventListener("mouseleave", () => item.classList.remove("w2v-line-note--active"));
        element.addEventListener("focus", () => item.classList.add("w2v-line-note--active"));
        element.addEventListener("blur", () => item.classList.remove("w2v-line-note--active"));
        const link = item.querySelector("a.w2v-line-ref");
        if (link) link.addEventListener("click", (event) => { event.preventDefault(); element.focus(); });
      }
      element.addEventListener("mouseenter", () => show(element, note));
      element.addEventListener("mouseleave", () => { if (document.activeElement !== element) hide(); });
      element.addEventListener("focus", () => show(element, note));
      element.addEventListener("blur", () => hide());
      element.addEventListener("click", () => show(element, note));
      element.addEventListener("keydown", (event) => { if (event.key === "Escape") hide(); });
    }
    for (const n of notes) {
      if (!used.has(n.code)) console.warn(`w2v.js: no line of the blueprint matches the note for "${n.code}"`);
    }
    document.addEventListener("click", (event) => { if (!box.contains(event.target)) hide(); });
  }

  function main() {
    const data = document.getElementById("w2v-blueprint-notes");
    if (!data) return;
    const notes = JSON.parse(data.textContent);
    const blocks = document.querySelectorAll(".w2v-blueprint");
    if (blocks.length === 0) console.warn("w2v.js: notes found but no .w2v-blueprint code block");
    blocks.forEach((block) => setUp(block, notes));
  }

  // Bokeh's sliders (noUiSlider) draw their handle as a <div role="slider"> with no name, so a
  // screen reader announces only "slider". Each handle is named by its slider's title ("Checkpoint",
  // "Snapshot"), as soon as w2v-figures.js has drawn its figure (figures are drawn as the reader
  // comes near them). <html data-w2v-sliders> counts the handles named so far.
  let slidersNamed = 0;
  function nameBokehSliders(figure, tries) {
    let pending = 0;
    for (const view of Bokeh.index.all_views()) {
      if (!within(figure, view.el)) continue;
      describeBokehControls(view);
      const root = view.shadow_el;
      if (!root || typeof view.model.title !== "string" || !("value_throttled" in view.model)) continue;
      const handles = root.querySelectorAll('[role="slider"]');
      if (handles.length === 0) pending++;
      else if (!root.querySelector("style.w2v-target-size")) {
        // noUiSlider's handle is 14 × 18 px; a finger needs 24 × 24 (WCAG 2.2 target size)
        const style = document.createElement("style");
        style.className = "w2v-target-size";
        style.textContent = ":host { --handle-width: 24px; --handle-height: 24px; }";
        root.appendChild(style);
      }
      handles.forEach((handle) => {
        if (handle.getAttribute("aria-label")) return;
        handle.setAttribute("aria-label", view.model.title || "slider");
        announceShownValue(view, handle);
        slidersNamed++;
      });
    }
    if (pending > 0 && tries > 0) setTimeout(() => nameBokehSliders(figure, tries - 1), 100);
    else document.documentElement.dataset.w2vSliders = String(slidersNamed);
  }

  // noUiSlider announces the slider's raw value ("30.00", a checkpoint's index); the reader hears what
  // the slider shows instead ("step 15,000", Bokeh's own formatting of the value), kept current as
  // the handle moves.
  function announceShownValue(view, handle) {
    if (typeof view.pretty !== "function") return;
    const update = () => {
      const now = Number(handle.getAttribute("aria-valuenow"));
      if (!Number.isFinite(now)) return;
      const text = String(view.pretty(now));
      if (handle.getAttribute("aria-valuetext") !== text) handle.setAttribute("aria-valuetext", text);
    };
    update();
    new MutationObserver(update).observe(handle, { attributes: true, attributeFilter: ["aria-valuenow", "aria-valuetext"] });
  }

  // A plot's canvas takes no keys (no tool of the book's figures answers the keyboard), so it is no
  // Tab stop; toolbar buttons (divs with a title) are announced as buttons with that title, and the
  // toolbar's overflow mark is dark enough to read.
  function describeBokehControls(view) {
    if (view.events_el instanceof HTMLElement) {
      view.events_el.tabIndex = -1;
      view.events_el.style.outline = "none"; // focused only by a pointer now: no ring around the whole plot
    }
    const root = view.shadow_el;
    if (root && root.querySelector(".bk-tool-overflow") && !root.querySelector("style.w2v-toolbar")) {
      // the toolbar's "⋯" is grey #808080 on white, 3.9:1; text needs 4.5:1
      const style = document.createElement("style");
      style.className = "w2v-toolbar";
      style.textContent = ".bk-tool-overflow { color: #595959; }";
      root.appendChild(style);
    }
    const el = view.el;
    if (view.model && "tool" in view.model && el instanceof HTMLElement && el.title) {
      el.setAttribute("role", "button");
      el.setAttribute("aria-label", el.title);
    }
  }

  // A text version of every figure: after each figure a folded "Show the data", with the figure's
  // description (its alt text) and, built when opened, a table of what the figure's tooltips show:
  // one row per glyph of each hover tool, each column a line of the tooltip, formatted as the tooltip
  // formats it (the figure's own CustomJSHover formatters). Long series are thinned evenly.
  const MAX_ROWS = 400;

  function within(outer, el) {
    for (let n = el; n; n = n.parentNode || n.host) if (n === outer) return true;
    return false;
  }

  function formatNumber(value, spec) {
    if (typeof value !== "number") return String(value);
    if (spec === "0,0") return Math.round(value).toLocaleString("en");
    const fixed = /^0\.(0+)$/.exec(spec || "");
    if (fixed) return value.toFixed(fixed[1].length);
    const exp = /^0\.(0+)e$/.exec(spec || "");
    if (exp) return value.toExponential(exp[1].length);
    return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(4)));
  }

  function tooltipText(template, tool, data, i) {
    return template.replace(/([@$])(\{[^}]+\}|\w+)(\{[^}]*\})?/g, (whole, sigil, rawName, rawSpec) => {
      const name = rawName.replace(/^\{|\}$/g, "");
      const spec = rawSpec ? rawSpec.slice(1, -1) : "";
      const key = sigil + (rawName.startsWith("{") ? rawName : name);
      let value;
      if (sigil === "$") { if (name !== "index") return ""; value = i; }
      else { const column = data.get ? data.get(name) : data[name]; if (!column) return whole; value = column[i]; }
      const formatter = tool.formatters && (tool.formatters[key] || tool.formatters[sigil + name]);
      if (formatter && typeof formatter.format === "function") return String(formatter.format(value, spec, { index: i }));
      return formatNumber(value, spec);
    });
  }

  function dataTables(figure) {
    const tables = [];
    for (const view of Bokeh.index.all_views()) {
      const plot = view.model;
      if (!plot || !plot.toolbar || !within(figure, view.el)) continue;
      for (const tool of plot.toolbar.tools) {
        if (!Array.isArray(tool.tooltips) || tool.tooltips.length === 0) continue;
        const renderers = Array.isArray(tool.renderers) ? tool.renderers : plot.renderers;
        for (const renderer of renderers) {
          const source = renderer.data_source;
          if (!source) continue;
          const data = source.data;
          const first = data instanceof Map ? [...data.values()][0] : Object.values(data)[0];
          const n = first ? first.length : 0;
          if (n === 0) continue;
          const every = Math.ceil(n / MAX_ROWS);
          const rows = [];
          for (let i = 0; i < n; i += every) rows.push(tool.tooltips.map(([, template]) => tooltipText(template, tool, data, i)));
          tables.push({ title: (plot.title && plot.title.text) || "", head: tool.tooltips.map(([label]) => label), rows, n, every });
        }
      }
    }
    return tables;
  }

  function fillDataTables(figure, box) {
    for (const t of dataTables(figure)) {
      const wrap = document.createElement("div");
      wrap.className = "w2v-table-wrap";
      const table = document.createElement("table");
      table.className = "w2v-table w2v-figure-table";
      const caption = table.createCaption();
      caption.textContent = (t.title ? `${t.title}: ` : "") +
        (t.every > 1 ? `every ${t.every}th of ${t.n.toLocaleString("en")} rows` : `${t.n.toLocaleString("en")} rows`);
      const head = table.createTHead().insertRow();
      for (const label of t.head) { const th = document.createElement("th"); th.scope = "col"; th.textContent = label; head.appendChild(th); }
      const body = table.createTBody();
      for (const row of t.rows) { const tr = body.insertRow(); for (const cell of row) tr.insertCell().textContent = cell; }
      wrap.appendChild(table);
      box.appendChild(wrap);
    }
    if (!box.querySelector("table")) box.appendChild(Object.assign(document.createElement("p"), { textContent: "This figure has no data table." }));
    box.dataset.filled = "true";
  }

  function addDataToggles() {
    for (const figure of document.querySelectorAll("figure.w2v-bokeh")) {
      const details = document.createElement("details");
      details.className = "w2v-figure-data";
      details.id = `${figure.id}-data`;
      const summary = document.createElement("summary");
      summary.textContent = "Show the data";
      details.appendChild(summary);
      const description = figure.getAttribute("aria-label");
      if (description) details.appendChild(Object.assign(document.createElement("p"), { textContent: description }));
      details.addEventListener("toggle", () => {
        // a figure far down the page may not be drawn yet: its models exist once it is
        if (details.open && !details.dataset.filled && window.w2vFigures) {
          w2vFigures.draw(figure).then(() => { if (!details.dataset.filled) fillDataTables(figure, details); });
        }
      });
      figure.after(details);
    }
  }

  // Touch parity: Bokeh shows a tooltip when a mouse moves over a glyph, and a finger never moves
  // without pressing, so a tap showed nothing. A tap on a plot becomes the pointer move Bokeh's hover
  // tools read, at the tapped spot. The next tap ends with Bokeh's own "leave", which hides the
  // tooltip: a second tap on the same spot hides it, a tap on another glyph shows that one instead,
  // and a tap anywhere else on the page hides it. Mouse and keyboard are left as Bokeh handles them.
  function tapShowsTooltips() {
    let shown = null; // {area, x, y}: the hit area (Bokeh's .bk-events layer) last sent a move
    const send = (area, type, x, y) => area.dispatchEvent(new PointerEvent(type, {
      clientX: x, clientY: y, view: window, pointerType: "mouse", pointerId: 4242, isPrimary: true, bubbles: true, composed: true}));
    document.addEventListener("pointerup", (event) => {
      if (event.pointerType !== "touch" && event.pointerType !== "pen") return;
      const area = event.composedPath().find((el) => el.classList && el.classList.contains("bk-events")) || null;
      const { clientX: x, clientY: y } = event;
      // after the tap's own pointerout, which Bokeh reads as "leave" and which hides a tooltip
      setTimeout(() => {
        const again = shown && shown.area === area && Math.hypot(shown.x - x, shown.y - y) < 12;
        if (shown && shown.area !== area) send(shown.area, "pointerout", x, y);
        shown = null;
        if (area && !again) {
          send(area, "pointermove", x, y);
          shown = { area, x, y };
        }
      }, 0);
    }, true);
  }

  // A box that scrolls sideways inside the page (a display equation, a code cell, a wide table) is
  // marked with class w2v-scrolls: w2v.css draws a shadow at the edge that has more to show and a
  // scrollbar that stays visible, as overlay scrollbars on phones show nothing until touched.
  // All the boxes are measured first and marked after: a class changed between two measures would
  // make the browser lay the page out again for the next one (once per box that scrolls: 0.3 s of a
  // phone's CPU on the journey).
  // What is inside a code block, a formula or an SVG never scrolls on its own (code's spans, MathJax's
  // glyphs): not measured (two thirds of the journey's elements).
  const NEVER_SCROLLS_INSIDE = "pre, mjx-container, svg";
  function boxesOf(root) {
    const out = [];
    if (!root) return out;
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_ELEMENT, {
      acceptNode: (node) => (node.parentElement.matches(NEVER_SCROLLS_INSIDE) ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT),
    });
    while (walker.nextNode()) out.push(walker.currentNode);
    return out;
  }
  function markScrollers() {
    const boxes = [];
    for (const box of boxesOf(document.querySelector("main"))) {
      // the cheap test first: a box whose content fits needs no style lookup
      const wider = box.scrollWidth > box.clientWidth + 1;
      const overflow = wider ? getComputedStyle(box).overflowX : "";
      const scrolls = overflow === "auto" || overflow === "scroll";
      if (scrolls || box.classList.contains("w2v-scrolls")) boxes.push([box, scrolls, scrolls && scrollEnds(box)]);
    }
    for (const [box, scrolls, ends] of boxes) {
      box.classList.toggle("w2v-scrolls", scrolls);
      if (scrolls) markScrollEnds(box, ends);
      // a keyboard must reach what scrolls: a box with nothing focusable inside becomes a Tab stop
      if (scrolls && !box.hasAttribute("tabindex") && !box.querySelector("a, button, input, select, textarea, [tabindex]")) {
        box.setAttribute("tabindex", "0");
        box.dataset.w2vTabstop = "";
      } else if (!scrolls && box.dataset.w2vTabstop !== undefined) {
        box.removeAttribute("tabindex");
        delete box.dataset.w2vTabstop;
      }
    }
  }
  const scrollEnds = (box) => [box.scrollLeft <= 1, box.scrollLeft + box.clientWidth >= box.scrollWidth - 1];
  function markScrollEnds(box, [start, end]) {
    box.classList.toggle("w2v-scrolls--start", start);
    box.classList.toggle("w2v-scrolls--end", end);
  }
  const updateScrollEnds = (box) => markScrollEnds(box, scrollEnds(box));
  document.addEventListener("scroll", (event) => {
    if (event.target.classList && event.target.classList.contains("w2v-scrolls")) updateScrollEnds(event.target);
  }, true);

  function start() {
    main();
    document.addEventListener("w2v:figure-drawn", (event) => nameBokehSliders(event.target, 50));
    tapShowsTooltips();
    addDataToggles();
    markScrollers();
    // again whenever the page's layout changes: the window's width, MathJax typesetting the maths,
    // BokehJS drawing a figure
    let pending = null;
    const later = () => { clearTimeout(pending); pending = setTimeout(markScrollers, 100); };
    const content = document.querySelector("main");
    if (content && window.ResizeObserver) new ResizeObserver(later).observe(content);
    window.addEventListener("resize", later);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
