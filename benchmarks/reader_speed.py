"""What a reader on a slow phone waits for, per chapter of the built book, in Debian's chromium.

At 390 × 844 px with the CPU slowed 4× (CDP Emulation.setCPUThrottlingRate), from navigation:
- first screen: when every figure that starts within the first screen is drawn (a canvas of
  non-zero size in it); "-" when the first screen has no figure;
- built at load: how many figures were drawn 3 s after the load event without the reader
  scrolling, and when the last of them was (the work a reader's phone did for figures unseen);
- scrolled: the page's last figure scrolled into view, 3 s after load: how long until it is drawn
  (0 when it was already drawn: the figures built at load); "reading": the same jump made 4 s
  after the reader's first scroll (a wheel of 200 px), as a reader reading down the page would;
- CLS: the largest session window of layout shifts (as Chrome's Web Vitals count it) while the
  page loads and settles, at 390 px and at 1280 px (no slowdown), and at 390 px while the page is
  scrolled through to its end (figures drawn as they come near must not move the text).
Goals (issue 28): first screen ≤ 2 s, scrolled ≤ 0.5 s, CLS ≤ 0.05.

    .venv/bin/python benchmarks/reader_speed.py [--html DIR] [chapter ...]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from conftest import BUILD, CHAPTERS, CHROMIUM, CHROMIUM_ARGS, serve  # noqa: E402

# Recorded in the page from its first script on: when each figure first held a drawn canvas, and
# every layout shift.
RECORDER_JS = """(() => {
  const drawn = window.__w2vDrawn = {}
  const shifts = window.__w2vShifts = []
  new PerformanceObserver(list => { for (const e of list.getEntries()) if (!e.hadRecentInput) shifts.push([e.startTime, e.value]) })
    .observe({type: 'layout-shift', buffered: true})
  const canvases = root => [...root.querySelectorAll('canvas'),
    ...[...root.querySelectorAll('*')].filter(e => e.shadowRoot).flatMap(e => canvases(e.shadowRoot))]
  const poll = () => {
    for (const f of document.querySelectorAll('figure.w2v-bokeh'))
      if (!(f.id in drawn) && canvases(f).some(c => c.width > 0 && c.height > 0)) drawn[f.id] = performance.now()
    setTimeout(poll, 40)
  }
  poll()
})()"""

# CLS as Web Vitals defines it: shifts grouped in session windows (gaps < 1 s, at most 5 s long);
# the largest window's sum.
CLS_JS = """() => {
  let best = 0, sum = 0, first = -1e9, last = -1e9
  for (const [t, v] of window.__w2vShifts) {
    if (t - last > 1000 || t - first > 5000) { sum = 0; first = t }
    sum += v; last = t; best = Math.max(best, sum)
  }
  return best
}"""


def _figures_at_start(page) -> tuple[list[str], list[str]]:
    return page.evaluate("""() => { const all = [...document.querySelectorAll('figure.w2v-bokeh')]
        return [all.filter(f => f.getBoundingClientRect().top < innerHeight).map(f => f.id), all.map(f => f.id)] }""")


def measure(browser, base: str, path: str) -> dict:
    out: dict = {}
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
                                  device_scale_factor=2)
    page = context.new_page()
    page.add_init_script(RECORDER_JS)
    cdp = context.new_cdp_session(page)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": 4})
    page.goto(f"{base}/{path}", wait_until="commit")
    start = page.evaluate("() => performance.timeOrigin")
    page.wait_for_load_state("load", timeout=120_000)
    first, every = _figures_at_start(page)
    if first:
        page.wait_for_function(f"() => {first!r}.every(id => id in window.__w2vDrawn)", timeout=60_000)
        out["first_screen_s"] = max(page.evaluate("() => window.__w2vDrawn")[i] for i in first) / 1000
    page.wait_for_timeout(3000)
    out["cls_mobile"] = page.evaluate(CLS_JS)
    out["figures"] = len(every)
    built = page.evaluate("() => window.__w2vDrawn")
    out["built_at_load"] = len(built)  # figures drawn by 3 s after the load event, none scrolled to
    if built:
        out["last_built_s"] = max(built.values()) / 1000
    if every:
        last = every[-1]
        t0 = page.evaluate(f"() => {{ const t = performance.now(); document.getElementById({last!r}).scrollIntoView(); return t }}")
        page.wait_for_function(f"() => {last!r} in window.__w2vDrawn", timeout=60_000)
        out["scrolled_s"] = max(0.0, page.evaluate("() => window.__w2vDrawn")[last] - t0) / 1000
    assert start > 0
    context.close()

    if every:  # the same jump after the reader has started to read down the page (a first scroll)
        context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
        page = context.new_page()
        page.add_init_script(RECORDER_JS)
        context.new_cdp_session(page).send("Emulation.setCPUThrottlingRate", {"rate": 4})
        page.goto(f"{base}/{path}", wait_until="load", timeout=120_000)
        page.wait_for_timeout(1000)
        page.mouse.wheel(0, 200)
        page.wait_for_timeout(4000)
        last = every[-1]
        t0 = page.evaluate(f"() => {{ const t = performance.now(); document.getElementById({last!r}).scrollIntoView(); return t }}")
        page.wait_for_function(f"() => {last!r} in window.__w2vDrawn", timeout=60_000)
        out["scrolled_reading_s"] = max(0.0, page.evaluate("() => window.__w2vDrawn")[last] - t0) / 1000
        context.close()

    # the whole page scrolled through on a phone, a screen at a time
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.add_init_script(RECORDER_JS)
    page.goto(f"{base}/{path}", wait_until="load")
    page.wait_for_timeout(1500)
    height = page.evaluate("document.documentElement.scrollHeight")
    for y in range(0, height, 600):
        page.evaluate(f"window.scrollTo(0, {y})")
        page.wait_for_timeout(250)
    page.wait_for_timeout(1000)
    out["cls_scrolled"] = page.evaluate(CLS_JS)
    context.close()

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.add_init_script(RECORDER_JS)
    page.goto(f"{base}/{path}", wait_until="load")
    page.wait_for_timeout(3000)
    out["cls_desktop"] = page.evaluate(CLS_JS)
    context.close()
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("chapters", nargs="*", default=CHAPTERS)
    parser.add_argument("--html", type=Path, default=BUILD, help="the built book (default: _build/html)")
    args = parser.parse_args()
    if not (args.html / "book" / "index.html").exists():
        sys.exit(f"{args.html}: no built book; run `make book`")
    from playwright.sync_api import sync_playwright

    base, httpd = serve(args.html)
    print(f"{'page':18} {'figs':>4} {'first screen':>12} {'built at load':>14} {'scrolled':>9} {'CLS 390':>8} "
          f"{'CLS 1280':>8} {'CLS scroll':>10} {'reading':>8}")
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for name in args.chapters:
                r = measure(browser, base, f"book/{name}.html")
                fmt = lambda key, unit="s": f"{r[key]:.2f}" if key in r else "-"  # noqa: E731
                built = f"{r['built_at_load']} by {fmt('last_built_s')}" if r["built_at_load"] else "0"
                print(f"{name:18} {r['figures']:>4} {fmt('first_screen_s'):>12} {built:>14} {fmt('scrolled_s'):>9} "
                      f"{r['cls_mobile']:>8.3f} {r['cls_desktop']:>8.3f} {r['cls_scrolled']:>10.3f} "
                      f"{fmt('scrolled_reading_s'):>8}", flush=True)
            browser.close()
    finally:
        httpd.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
