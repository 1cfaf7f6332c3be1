// The book's own script: per-line notes of the model blueprint (see book/blueprint.md).
//
// The chapter shows w2v/model.py with a literalinclude (class "w2v-blueprint") and emits the notes
// as <script type="application/json" id="w2v-blueprint-notes">: [{line, code, note}, ...].
// This script splits the highlighted block into one element per line; every line with a note
// becomes focusable (tabindex 0), is described by its note (aria-describedby), and shows the note
// on hover, on keyboard focus and on tap. Escape hides it.
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
  // "Snapshot"), once BokehJS has drawn the page's figures.
  function nameBokehSliders(tries) {
    const figures = document.querySelectorAll("figure.w2v-bokeh").length;
    if (figures === 0) return;
    const ready = window.Bokeh && Bokeh.index && Bokeh.documents && Bokeh.documents.length >= figures;
    let named = 0, pending = 0;
    if (ready) {
      for (const view of Bokeh.index.all_views()) {
        const root = view.shadow_el;
        if (!root || typeof view.model.title !== "string" || !("value_throttled" in view.model)) continue;
        const handles = root.querySelectorAll('[role="slider"]');
        if (handles.length === 0) pending++;
        handles.forEach((handle) => {
          if (!handle.getAttribute("aria-label")) handle.setAttribute("aria-label", view.model.title || "slider");
          named++;
        });
      }
    }
    if ((!ready || pending > 0) && tries > 0) setTimeout(() => nameBokehSliders(tries - 1), 100);
    else document.documentElement.dataset.w2vSliders = String(named);
  }

  function start() {
    main();
    nameBokehSliders(150);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
