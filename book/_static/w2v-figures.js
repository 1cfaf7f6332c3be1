// The book's Bokeh figures: drawn when the reader comes near them, in the page's light or dark mode.
//
// Each <figure class="w2v-bokeh"> holds its Bokeh document as JSON (<script class="w2v-bokeh-item">,
// written by w2v.book.figures.Figure) beside an empty box that already has the figure's size; in
// the built book the JSON is a script of its own (the script's data-src, see book/_ext/w2v_book.py),
// loaded when the figure comes near. Nothing of
// BokehJS is on a page's critical path: when the first figure comes within NEAR of the screen,
// BokehJS (and the bundles the page's figures name in data-bokeh-bundles) is loaded, once, and that
// figure is drawn; the others are drawn as they come near. A page with no figure near its first
// screen fetches BokehJS's files once it has loaded and the browser is idle (a prefetch: network,
// no CPU), and runs them at the reader's first tap, key or scroll, when the browser is idle, so
// that a figure the reader then jumps to (a link, a long swipe) waits only for its
// own drawing, not for 1.3 MB of JavaScript to be fetched and run first. Drawing a figure costs BokehJS
// 0.1–0.2 s of CPU on a laptop, 0.4–0.9 s on a phone 4× slower (building its views, laying them out and
// measuring its text, not parsing its JSON), too long to start only when the figure reaches the
// screen. So once the reader starts to scroll, the figures are drawn AHEAD of the reader, in idle
// time. Figures are drawn one at a time (the next one only after the previous one is done, so the
// page still answers a tap or a scroll between two), and whenever one is done the next is the one
// nearest the screen at that moment: after a jump, the figure at the jump's target is drawn before
// those that were only near it (two drawn at once would both finish late), and before the
// figures the reader left behind. A page nobody scrolls builds only what is near its first screen.
// A drawn figure announces itself with the
// event "w2v:figure-drawn" on its <figure> (it bubbles), which the page scripts listen for; each
// draw is a User Timing measure "w2v:draw <figure id>" (and "w2v:load-bokeh"), read by
// benchmarks/reader_speed.py.
//
// Dark mode: pydata-sphinx-theme sets data-theme="dark" on <html> (and changes it, without a reload,
// when the reader presses the theme button). Bokeh draws plots on a canvas from its models' colour
// properties, so in the dark every drawn document's colours are rewritten: the light neutral
// backgrounds become the page's own background, neutral lines and text are inverted (black axes
// become light grey), and every text colour is lightened until it reads at 4.5:1. The light values
// are kept and put back when the reader switches to light. Bokeh's HTML parts (tooltips, menus,
// sliders, toolbars) live in shadow roots styled by CSS variables declared on :host; one shared
// style sheet, adopted by every shadow root Bokeh makes, redeclares them in the dark.
//
// window.w2vFigures: draw(figure), drawAll() and drawAhead() (promises), for tests and for the page's own
// scripts (the "Show the data" tables of a figure not drawn yet).
"use strict";

(function () {
  const NEAR = "600px 0px";  // drawn while still this far below (or above) the screen
  const PREFETCH_AFTER_LOAD_MS = 1000;  // BokehJS's files fetched this long after the load event, when the browser is idle
  const STATIC = new URL(".", document.currentScript ? document.currentScript.src : location.href);
  const figures = [...document.querySelectorAll("figure.w2v-bokeh")];
  if (figures.length === 0) return;

  // ------------------------------------------------------------------ the page's mode

  const isDark = () => document.documentElement.dataset.theme === "dark";
  const pageColor = (name, fallback) =>
    getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;

  const probe = document.createElement("canvas").getContext("2d");
  function rgbOf(color) {
    // any CSS colour → [r, g, b, a] (the canvas normalises names, #rgb, rgb(), hsl())
    probe.fillStyle = "#000";
    probe.fillStyle = color;
    const s = probe.fillStyle;
    if (s[0] === "#") return [1, 3, 5].map((i) => parseInt(s.slice(i, i + 2), 16)).concat(1);
    const m = s.match(/[\d.]+/g).map(Number);
    return m.length === 3 ? m.concat(1) : m;
  }
  const hex = ([r, g, b]) => "#" + [r, g, b].map((c) => Math.round(c).toString(16).padStart(2, "0")).join("");
  function luminance([r, g, b]) {
    const f = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  }
  const contrast = (a, b) => {
    const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p);
    return (x + 0.05) / (y + 0.05);
  };
  const neutral = ([r, g, b]) => Math.max(r, g, b) - Math.min(r, g, b) < 24;

  // A colour property's dark value; `light` is what the figure was made with.
  function darkColor(attr, light, background, alpha = 1) {
    const c = rgbOf(light);
    if (/(^|_)(background|border)_fill_color$/.test(attr)) {
      // a plot's, a legend's or a label's light backdrop becomes the page's background
      return neutral(c) && luminance(c) > 0.3 ? hex(background) : light;
    }
    let out = neutral(c) ? [255 - c[0], 255 - c[1], 255 - c[2]] : c.slice(0, 3);
    if (neutral(c) && /line_color$/.test(attr)) {
      // a grid or a frame drawn in a light grey stays faint, but visible, on the dark background
      for (let i = 0; i < 20 && contrast(out, background) < 1.6; i++) out = out.map((v) => v + (255 - v) * 0.08);
    }
    if (/text_color$/.test(attr)) {
      // text keeps its hue, lightened until it reads on the dark background
      for (let i = 0; i < 20 && contrast(out, background) < 4.6; i++) out = out.map((v) => v + (255 - v) * 0.15);
    } else if (!neutral(c) && /(fill|line|hatch)_color$/.test(attr)) {
      // a data colour (a group's dots, a curve, a bar) keeps its hue, lightened until it stands
      // out from the dark background at 3:1 (WCAG 1.4.11, non-text contrast): Tol's indigo
      // #332288 is 1.5:1 and wine #882255 2.0:1 there
      out = dataColor(out, background, alpha);
      if (hex(out) !== hex(c)) lightened.set(hex(c), hex(out));
    }
    const mapped = hex(out);
    return mapped === hex(c) ? light : mapped;
  }

  const DATA_CONTRAST = 3.05;  // 3:1, and a little to spare for rounding
  const lightened = new Map();  // a data colour lightened in the dark (#rrggbb → #rrggbb), for the HTML keys
  function dataColor(rgb, background, alpha = 1) {
    // as drawn: with its alpha, over the background
    const drawn = (c) => c.map((v, i) => v * alpha + background[i] * (1 - alpha));
    let out = rgb;
    for (let i = 0; i < 30 && contrast(drawn(out), background) < DATA_CONTRAST; i++) out = out.map((v) => v + (255 - v) * 0.08);
    return out;
  }

  // ------------------------------------------------------------------ models' colours

  const lightValues = new WeakMap();  // model → Map(attr → the light value)
  const lightColumns = new WeakMap(); // data source → Map(column → the light colours)

  function colorValue(value) {
    // a colour property holds a colour string, or for a glyph {value: colour} or {field: column}
    if (typeof value === "string") return { color: value, wrap: (c) => c };
    if (value && typeof value === "object" && typeof value.value === "string")
      return { color: value.value, wrap: (c) => ({ ...value, value: c }) };
    return null;
  }

  // The alpha a colour property is drawn with (line_color → line_alpha), when it is one number.
  function alphaOf(model, attr) {
    const prop = model.properties[attr.replace(/_color$/, "_alpha")];
    const value = prop && !prop.is_unset ? prop.get_value() : 1;
    const alpha = value && typeof value === "object" ? value.value : value;
    // a faint stroke or shading (under 0.5) is context, not data: it keeps its light contrast
    return typeof alpha === "number" && alpha >= 0.5 ? alpha : 1;
  }

  function themeDocument(doc, dark) {
    const background = rgbOf(pageColor("--pst-color-background", "#14181e"));
    // a glyph's colours by row are in its renderer's data source
    const sources = new Map();
    for (const model of doc.all_models) {
      if (!model.data_source || !model.glyph) continue;
      for (const g of ["glyph", "selection_glyph", "nonselection_glyph", "hover_glyph", "muted_glyph"])
        if (model[g] && typeof model[g] === "object") sources.set(model[g], model.data_source);
    }
    for (const model of doc.all_models) {
      let saved = lightValues.get(model);
      const changes = {};
      for (const prop of model) {
        if (!/_color$/.test(prop.attr) || prop.is_unset) continue;
        const value = prop.get_value();
        if (value && typeof value === "object" && typeof value.field === "string") {
          // labels, dots or bars coloured per row (a column of colours; a column of numbers that
          // a colour mapper turns into colours is left alone)
          if (!value.transform) themeColumn(model.source || model.data_source || sources.get(model), value.field, prop.attr, dark, background, alphaOf(model, prop.attr));
          continue;
        }
        if (!saved) { saved = new Map(); lightValues.set(model, saved); }
        if (!saved.has(prop.attr)) {
          if (!colorValue(value)) continue;
          saved.set(prop.attr, value);
        }
        const light = saved.get(prop.attr);
        const { color, wrap } = colorValue(light);
        const wanted = dark ? wrap(darkColor(prop.attr, color, background, alphaOf(model, prop.attr))) : light;
        if (JSON.stringify(wanted) !== JSON.stringify(value)) changes[prop.attr] = wanted;
      }
      if (Object.keys(changes).length) model.setv(changes);
    }
  }

  const COLOR_SCALE = 12;  // more distinct colours than the book's groups have: a colour scale
  const columnNeeds = new WeakMap();  // data source → Map(column → the colour attribute whose contrast it needs)
  function themeColumn(source, field, attr, dark, background, alpha) {
    if (!source || !source.data) return;
    const data = source.data;
    const column = data instanceof Map ? data.get(field) : data[field];
    if (!Array.isArray(column) || !column.some((c) => typeof c === "string")) return;
    // a colour scale computed in Python (a heatmap's cells): its darkest colours lightened would
    // look alike, and its key would no longer match; it is read cell against cell, not against the page
    if (!/text_color$/.test(attr) && new Set(column).size > COLOR_SCALE) return;
    let saved = lightColumns.get(source);
    if (!saved) { saved = new Map(); lightColumns.set(source, saved); }
    if (!saved.has(field)) saved.set(field, column.slice());
    // a column that colours both text and glyphs is lightened as text needs (4.5:1 > 3:1)
    let needs = columnNeeds.get(source);
    if (!needs) { needs = new Map(); columnNeeds.set(source, needs); }
    if (!/text_color$/.test(needs.get(field) || "")) needs.set(field, attr);
    const light = saved.get(field);
    const wanted = dark ? light.map((c) => (typeof c === "string" ? darkColor(needs.get(field), c, background, alpha) : c)) : light;
    if (wanted.every((c, i) => c === column[i])) return;
    wanted.forEach((c, i) => { column[i] = c; });
    source.change.emit();
  }

  // Bokeh's HTML parts: each view's shadow root declares its colours as CSS variables on :host; a
  // sheet adopted after Bokeh's own wins, and changing it changes every root at once.
  const sheet = typeof CSSStyleSheet === "function" && "adoptedStyleSheets" in Document.prototype ? new CSSStyleSheet() : null;
  function darkSheet() {
    const bg = pageColor("--pst-color-background", "#14181e");
    const surface = pageColor("--pst-color-surface", "#29313d");
    const text = pageColor("--pst-color-text-base", "#ced6dd");
    const muted = pageColor("--pst-color-text-muted", "#9ca4af");
    const border = pageColor("--pst-color-border", "#48566b");
    return `:host { color-scheme: dark;
      --color: ${text}; --background-color: ${bg}; --hover-color: ${surface}; --surface-background-color: ${surface};
      --disabled-background-color: ${surface}; --disabled-color: ${muted}; --border-color: ${border};
      --divider-color: ${border}; --shortcut-color: ${muted}; --placeholder-color: ${muted};
      --inactive-bg: ${surface}; --inactive-fg: ${muted}; --icon-color: ${muted}; --inverted-color: ${bg};
      --outline-color: ${border}; --box-shadow-color: rgba(0, 0, 0, 0.6);
      --tooltip-arrow-color: ${border}; --tooltip-arrow-inner-color: ${surface}; }
    .bk-tooltip-row-label { color: ${text}; }
    :host { --default: ${surface}; --default-border: ${border}; --default-active: ${border}; --default-active-border: ${muted}; }
    /* the HTML a figure's Div carries (the map's legend) states its colours inline, for a light page */
    [style*="color:#222"], [style*="color: #222"] { color: ${text} !important; }
    [style*="color:#C0392B"], [style*="color: #C0392B"] { color: #F08070 !important; }
    .bk-tool-overflow { color: ${muted} !important; }
    .bk-input, select, input, .bk-input-group { background-color: ${bg}; color: ${text}; border-color: ${border}; }
    .noUi-target { background: ${surface}; border-color: ${border}; box-shadow: none; }
    .noUi-handle { background: ${surface}; border-color: ${muted}; box-shadow: none; }
    .noUi-handle::before, .noUi-handle::after { background: ${muted}; }
    ${swatchRules()}`;
  }
  // A key's swatches (the map's legend in a figure, the corpus's groups in the page) in the
  // figures' dark data colours, with a border that shows on the dark background.
  function swatchRules() {
    const background = rgbOf(pageColor("--pst-color-background", "#14181e"));
    for (const swatch of document.querySelectorAll(".w2v-swatch[style]")) {
      const light = rgbOf(swatch.style.backgroundColor);
      const dark = dataColor(light.slice(0, 3), background);
      if (hex(dark) !== hex(light)) lightened.set(hex(light), hex(dark));
    }
    return `[style*="solid #333"] { border-color: ${pageColor("--pst-color-text-muted", "#9ca4af")} !important; }\n`
      + [...lightened].map(([light, dark]) =>
        `[style*="background:${light}" i], [style*="background: ${light}" i] { background: ${dark} !important; }`).join("\n");
  }
  const keySheet = sheet ? new CSSStyleSheet() : null;  // the page's own keys (outside Bokeh's shadow roots)
  function updateSheet() {
    if (!sheet) return;
    sheet.replaceSync(isDark() ? darkSheet() : "");
    keySheet.replaceSync(isDark() ? swatchRules() : "");
  }
  if (sheet) {
    document.adoptedStyleSheets = [...document.adoptedStyleSheets, keySheet];
    const attach = Element.prototype.attachShadow;
    Element.prototype.attachShadow = function (init) {
      const root = attach.call(this, init);
      root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
      return root;
    };
  }

  // ------------------------------------------------------------------ drawing

  // the page's first paint (of text or image): nothing of BokehJS runs before it (a figure near the
  // first screen would otherwise hold the paint of the text back by the second BokehJS takes); at
  // once where the browser does not report it, and after 3 s in any case
  const painted = new Promise((resolve) => {
    setTimeout(resolve, 3000);
    if (!window.PerformanceObserver || !(PerformanceObserver.supportedEntryTypes || []).includes("paint")) return resolve();
    new PerformanceObserver((list, observer) => {
      if (list.getEntriesByName("first-contentful-paint").length) { observer.disconnect(); resolve(); }
    }).observe({ type: "paint", buffered: true });
  });

  // A script added to the page, the promise of it run; `ordered` ones run in the order added.
  function loadScript(url, { ordered = false } = {}) {
    return new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = url;
      if (ordered) script.async = false;
      script.onload = resolve;
      script.onerror = () => reject(new Error(`w2v-figures.js: could not load ${script.src}`));
      document.head.appendChild(script);
    });
  }

  let bokeh = null;  // the promise of BokehJS loaded
  function bokehFiles() {
    const bundles = new Set(figures.flatMap((f) => (f.dataset.bokehBundles || "").split(/\s+/).filter(Boolean)));
    return ["bokeh.min.js", ...["widgets", "tables"].filter((b) => bundles.has(b)).map((b) => `bokeh-${b}.min.js`)]
      .map((file) => new URL(`bokeh/${file}`, STATIC).href);
  }
  // BokehJS's files, and the figures' documents, in the browser's cache before they are needed;
  // nothing is run (running BokehJS takes a phone 4× slower 0.6 s, which a reader who only reads
  // the text should not wait through)
  function prefetch() {
    if (bokeh) return;
    const urls = [...bokehFiles(), ...figures.map((f) => f.querySelector("script.w2v-bokeh-item").dataset.src)
      .filter(Boolean).map((src) => new URL(src, document.baseURI).href)];
    for (const href of urls) {
      const link = document.createElement("link");
      link.rel = "prefetch";
      link.as = "script";
      link.href = href;
      document.head.appendChild(link);
    }
  }
  function loadBokeh() {
    if (bokeh) return bokeh;
    const started = performance.now();
    // run in this order: the bundles extend bokeh.min.js
    bokeh = painted.then(() => Promise.all(bokehFiles().map((url) => loadScript(url, { ordered: true }))))
      .then(() => { performance.measure("w2v:load-bokeh", { start: started }); });
    return bokeh;
  }

  // A figure's Bokeh document: in the page, or in its own script (data-src), loaded once.
  const items = new Map();  // figure → the promise of its document's JSON
  function itemOf(figure) {
    if (!items.has(figure)) {
      const data = figure.querySelector("script.w2v-bokeh-item");
      items.set(figure, !data.dataset.src ? Promise.resolve().then(() => JSON.parse(data.textContent))
        : loadScript(new URL(data.dataset.src, document.baseURI).href).then(() => window.w2vFigureItems[figure.id]));
    }
    return items.get(figure);
  }

  const drawing = new Map();  // figure → the promise of it drawn
  const drawnDocs = [];
  let current = Promise.resolve();  // the draw under way (one at a time)
  function draw(figure) {
    if (!drawing.has(figure)) {
      // after the draw under way: two figures built at once interleave and both finish late
      drawing.set(figure, Promise.all([loadBokeh(), itemOf(figure), current]).then(async ([, item]) => {
        const started = performance.now();
        const target = figure.querySelector(".w2v-bokeh-plot");
        await Bokeh.embed.embed_item(item, target);
        // the figure's own document (other figures may be embedding at the same time)
        const doc = Bokeh.documents.find((d) => d.get_model_by_id(item.root_id) != null);
        if (doc) {
          drawnDocs.push(doc);
          if (isDark()) { themeDocument(doc, true); updateSheet(); }
        }
        figure.dataset.drawn = "true";
        performance.measure(`w2v:draw ${figure.id}`, { start: started });
        figure.dispatchEvent(new CustomEvent("w2v:figure-drawn", { bubbles: true, detail: { doc } }));
      }).catch((error) => console.error(error)));
      current = drawing.get(figure);
    }
    return drawing.get(figure);
  }
  const drawAll = () => Promise.all(figures.map(draw));

  // Figures that came near the screen and wait for the draw under way: the nearest is drawn next,
  // chosen when the draw under way is done (the reader may have jumped meanwhile).
  const wanted = new Set();
  let picking = false;
  function want(figure) {
    wanted.add(figure);
    itemOf(figure);  // its document loads while the one under way is drawn
    if (picking) return;
    picking = true;
    (async () => {
      for (;;) {
        await loadBokeh();
        await current;
        for (const f of wanted) if (drawing.has(f)) wanted.delete(f);
        if (wanted.size === 0) break;
        const next = nearest([...wanted]);
        wanted.delete(next);
        await draw(next);
      }
    })().catch((error) => console.error(error)).finally(() => { picking = false; });
  }

  // The figures not drawn yet, drawn one after the other in idle time, the one nearest the screen
  // first (below it before above it: a reader reads down), chosen again before each, as the reader
  // moves meanwhile.
  let ahead = null;
  const idle = (then) => (window.requestIdleCallback ? requestIdleCallback(then, { timeout: 1500 }) : setTimeout(then, 50));
  function distance(figure) {
    const box = figure.getBoundingClientRect();
    if (box.bottom > 0 && box.top < innerHeight) return box.top > 0 ? 0 : -box.top / 1e6;  // on screen: the top one first
    return box.top >= innerHeight ? box.top - innerHeight : 2 * -box.bottom;
  }
  const nearest = (list) => list.reduce((a, b) => (distance(b) < distance(a) ? b : a));
  function drawAhead() {
    if (!ahead) {
      ahead = (async () => {
        await loadBokeh();
        for (;;) {
          // never two at once: wait for any draw under way (one the reader scrolled to, too)
          const started = drawing.size;
          await Promise.all(drawing.values());
          await new Promise(idle);
          if (drawing.size !== started || wanted.size > 0) continue;
          const waiting = figures.filter((f) => !drawing.has(f));
          if (waiting.length === 0) return;
          draw(nearest(waiting));
        }
      })().catch((error) => console.error(error));
    }
    return ahead;
  }

  function start() {
    updateSheet();
    new MutationObserver(() => {
      const dark = isDark();
      for (const doc of drawnDocs) themeDocument(doc, dark);
      updateSheet();  // after the documents: it keys the colours they lightened
    }).observe(document.documentElement, { attributes: true, attributeFilter: ["data-theme"] });
    if (!("IntersectionObserver" in window)) { drawAll(); return; }
    const observer = new IntersectionObserver((entries) => {
      for (const entry of entries) {
        if (!entry.isIntersecting) continue;
        observer.unobserve(entry.target);
        want(entry.target);
      }
    }, { rootMargin: NEAR });
    figures.forEach((figure) => observer.observe(figure));
    // A reader who starts to scroll is heading for the figures: they are drawn ahead of the reader,
    // when the browser is idle. A page nobody scrolls draws only the figures near its first screen.
    window.addEventListener("scroll", () => idle(drawAhead), { once: true, passive: true });
    // BokehJS warm before the reader jumps to a figure: its files fetched once the page has loaded
    // and painted and the browser is idle, never on the way to the first screen; run at the reader's first
    // tap, click or key (a scroll draws ahead, which runs it too)
    const warm = () => painted.then(() => setTimeout(() => idle(prefetch), PREFETCH_AFTER_LOAD_MS));
    for (const type of ["pointerdown", "touchstart", "keydown"])
      window.addEventListener(type, () => idle(loadBokeh), { once: true, passive: true, capture: true });
    if (document.readyState === "complete") warm();
    else window.addEventListener("load", warm, { once: true });
  }

  // A page script that gives a source new colours in light values (the playground's, for the
  // reader's groups) says so: its light colours are those now, lightened again in the dark.
  function newColours(source) {
    lightColumns.delete(source);
    if (isDark() && source.document) { themeDocument(source.document, true); updateSheet(); }
  }

  window.w2vFigures = { draw, drawAll, drawAhead, themeDocument, newColours };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
