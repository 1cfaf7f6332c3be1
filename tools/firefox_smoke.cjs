// Every page of the built book in Firefox ESR (Debian's firefox-esr), driven over WebDriver BiDi by
// puppeteer-core (pinned in package.json; no geckodriver). One browser for all pages. Prints one
// JSON object: per page, its console errors and warnings, page errors, how many figures it has and
// how many of them are drawn (canvases of non-zero size), the room kept for each figure not yet drawn
// against its drawn height; and whether the walkthrough and the
// playground answer a reader (next step; a short training run). tests/test_firefox.py reads it.
//
//   node tools/firefox_smoke.cjs <base URL> <page path>...
"use strict";

const puppeteer = require("puppeteer-core");

const FIREFOX = process.env.W2V_FIREFOX || "/usr/bin/firefox-esr";

async function drawn(page, timeout) {
  // every figure drawn: each <figure class="w2v-bokeh"> holds a canvas of non-zero size
  await page.waitForFunction(() => {
    const figures = [...document.querySelectorAll("figure.w2v-bokeh")];
    const canvases = (root) => [...root.querySelectorAll("canvas"),
      ...[...root.querySelectorAll("*")].filter((e) => e.shadowRoot).flatMap((e) => canvases(e.shadowRoot))];
    return figures.every((f) => canvases(f).some((c) => c.width > 0 && c.height > 0));
  }, { timeout, polling: 200 }).catch(() => {});
  return page.evaluate(() => {
    const canvases = (root) => [...root.querySelectorAll("canvas"),
      ...[...root.querySelectorAll("*")].filter((e) => e.shadowRoot).flatMap((e) => canvases(e.shadowRoot))];
    const figures = [...document.querySelectorAll("figure.w2v-bokeh")];
    return { figures: figures.length,
             drawn: figures.filter((f) => canvases(f).some((c) => c.width > 0 && c.height > 0)).length };
  });
}

// [figure id, height of its room (or of what is drawn in it), drawn yet] for each figure of the page
const ROOMS = () => [...document.querySelectorAll("figure.w2v-bokeh")].map((f) => {
  const room = f.querySelector(".w2v-bokeh-room"), drawn = room.querySelector(".w2v-bokeh-plot > *");
  return [f.id, (drawn || room).getBoundingClientRect().height, f.dataset.drawn === "true"];
});

async function walkthrough(page) {
  const before = await page.$eval("#wt-step", (e) => e.textContent);
  await page.click("#wt-next");
  await page.waitForFunction((b) => document.getElementById("wt-step").textContent !== b, { timeout: 10000 }, before);
  return { before, after: await page.$eval("#wt-step", (e) => e.textContent) };
}

async function playground(page) {
  await page.$eval("#pg-steps", (e) => { e.value = "300"; e.dispatchEvent(new Event("input", { bubbles: true })); });
  await page.click("#pg-train");
  await page.waitForFunction(() => window.w2vPlayground && !window.w2vPlayground.running()
    && window.w2vPlayground.result(), { timeout: 60000, polling: 200 });
  return page.evaluate(() => ({ status: document.getElementById("pg-status").textContent.trim(),
                                 weights: window.w2vPlayground.result().W.length }));
}

async function main() {
  const [base, ...paths] = process.argv.slice(2);
  const browser = await puppeteer.launch({ browser: "firefox", executablePath: FIREFOX, headless: true,
                                           protocol: "webDriverBiDi", args: ["--width=1280", "--height=900"] });
  const report = { version: await browser.version(), pages: {} };
  try {
    for (const path of paths) {
      const page = await browser.newPage();
      const entry = { console: [], errors: [] };
      page.on("console", (m) => { if (m.type() === "error" || m.type() === "warn") entry.console.push(`${m.type()}: ${m.text()}`); });
      page.on("pageerror", (e) => entry.errors.push(String(e && e.message || e)));
      await page.goto(`${base}/${path}`, { waitUntil: "load", timeout: 60000 });
      // figures are drawn as a reader comes near them (w2v-figures.js): draw them all, as a reader
      // scrolling through would; the room each kept until then against the height it is drawn at
      const rooms = await page.evaluate(ROOMS);
      await page.evaluate(() => window.w2vFigures && window.w2vFigures.drawAll());
      Object.assign(entry, await drawn(page, 30000));
      const after = Object.fromEntries(await page.evaluate(ROOMS));
      entry.rooms = rooms.filter(([id, , done]) => !done).map(([id, room]) => [id, Math.round(room), Math.round(after[id])]);
      try {
        if (path.endsWith("walkthrough.html")) entry.walkthrough = await walkthrough(page);
        if (path.endsWith("playground.html")) entry.playground = await playground(page);
      } catch (e) {
        entry.errors.push(`interaction failed: ${e.message}`);
      }
      report.pages[path] = entry;
      await page.close();
    }
  } finally {
    await browser.close();
  }
  process.stdout.write(JSON.stringify(report));
}

main().catch((e) => { console.error(`firefox_smoke: ${e.message}`); process.exit(1); });
