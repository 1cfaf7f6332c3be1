"""What a reader on a slow phone waits for, per chapter of the built book, in Debian's chromium.

At 390 × 844 px with the CPU slowed 4× (CDP Emulation.setCPUThrottlingRate), from navigation:
- first screen: when every figure that starts within the first screen is drawn (a canvas of
  non-zero size in it); "-" when the first screen has no figure;
- built at load: how many figures were drawn 3 s after the load event without the reader
  scrolling, and when the last of them was (the work a reader's phone did for figures unseen);
- scrolled: the page's last figure scrolled into view, 3 s after load: how long until it is drawn
  (0 when it was already drawn: the figures built at load), BokehJS not loaded yet; "jump": the
  same jump made 4 s after the reader's first scroll (a wheel of 200 px), as a reader who starts
  to read and then follows a link down the page would;
- reading: the reader scrolls down the page at a skimming reader's speed (a wheel of 100 px every
  0.25 s, a screen in about 2 s), from 3 s after load: for each figure below the first screen,
  how long after it came into view (by the scroll's own clock) it was drawn, 0 when it was drawn
  before; the median and the worst over those figures. "draw": the median time drawing one figure took (the User
  Timing measures "w2v:draw <id>" of w2v-figures.js), and "BokehJS" the time loading it took;
- CLS: the largest session window of layout shifts (as Chrome's Web Vitals count it) while the
  page loads and settles, at 390 px and at 1280 px (no slowdown), and at 390 px while the page is
  scrolled through to its end (figures drawn as they come near must not move the text).
Goals (issue 28): first screen ≤ 2 s, a figure scrolled into view drawn ≤ 0.5 s, CLS ≤ 0.05.
With --repeats N every measure is taken N times and the median printed, the range of the reading
times beside it; --draw-only measures only the reading and the jump.

    .venv/bin/python benchmarks/reader_speed.py [--html DIR] [--repeats N] [--draw-only] [chapter ...]
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


def _phone(browser):
    """A page at 390 × 844 px with touch and the CPU slowed 4×, recording draws and shifts."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.add_init_script(RECORDER_JS)
    context.new_cdp_session(page).send("Emulation.setCPUThrottlingRate", {"rate": 4})
    return context, page


def measure_reading(browser, base: str, path: str, start: float = 3.0, step: int = 100, every: float = 0.25) -> dict:
    """The reader scrolls down at reading speed: per figure, seconds from its coming into view to
    its being drawn (0 if drawn before). When a figure comes into view is the scroll's time, taken
    by this script's clock from the figure's place on the page (its room is its drawn size), not
    by the page, whose main thread may be busy drawing."""
    import time

    context, page = _phone(browser)
    page.goto(f"{base}/{path}", wait_until="load", timeout=120_000)
    page.wait_for_timeout(start * 1000)  # the reader reads the first screen
    origin = page.evaluate("() => performance.timeOrigin")
    tops = page.evaluate("""() => [...document.querySelectorAll('figure.w2v-bokeh')]
        .map(f => [f.id, f.getBoundingClientRect().top + scrollY])""")
    # a figure on the first screen is the "first screen" measure's, not the reading's
    first_screen = {fig for fig, top in tops if top < 844}
    in_view: dict[str, float] = {}
    # A reader's finger moves on whether or not the page's main thread is busy (the compositor
    # scrolls a phone's page), but a wheel sent to the page waits for it: the scroll's clock is
    # the reader's plan, step px every `every` s; a wheel held up is followed by the next at once.
    begin, end = time.time(), max(top for _, top in tops)
    for n in range(1, int(end // step) + 2):
        planned = begin + n * every
        time.sleep(max(0.0, planned - time.time()))
        page.mouse.wheel(0, step)
        for fig, top in tops:
            if fig not in in_view and fig not in first_screen and top < n * step + 844:
                in_view[fig] = planned * 1000 - origin  # on the page's performance.now() clock
    last = tops[-1][0]
    page.wait_for_function(f"() => {last!r} in window.__w2vDrawn", timeout=60_000)
    drawn = page.evaluate("() => window.__w2vDrawn")
    waits = sorted(max(0.0, drawn[f] - in_view[f]) / 1000 for f, _ in tops if f in in_view) or [0.0]
    costs = page.evaluate("""() => [performance.getEntriesByType('measure').filter(m => m.name.startsWith('w2v:draw '))
        .map(m => m.duration), performance.getEntriesByName('w2v:load-bokeh').map(m => m.duration)]""")
    context.close()
    out = {"reading_median_s": waits[len(waits) // 2], "reading_worst_s": waits[-1],
           "reading_waits": {f: round(max(0.0, drawn[f] - in_view[f]) / 1000, 2) for f, _ in tops if f in in_view}}
    if costs[0]:
        out["draw_median_s"] = sorted(costs[0])[len(costs[0]) // 2] / 1000
    if costs[1]:
        out["load_bokeh_s"] = costs[1][0] / 1000
    return out


def measure_jump(browser, base: str, path: str) -> float:
    """Seconds until the page's last figure is drawn, jumped to 4 s after the reader's first scroll."""
    context, page = _phone(browser)
    page.goto(f"{base}/{path}", wait_until="load", timeout=120_000)
    page.wait_for_timeout(1000)
    page.mouse.wheel(0, 200)
    page.wait_for_timeout(4000)
    last = page.evaluate("() => [...document.querySelectorAll('figure.w2v-bokeh')].pop().id")
    t0 = page.evaluate(f"() => {{ const t = performance.now(); document.getElementById({last!r}).scrollIntoView(); return t }}")
    page.wait_for_function(f"() => {last!r} in window.__w2vDrawn", timeout=60_000)
    waited = max(0.0, page.evaluate("() => window.__w2vDrawn")[last] - t0) / 1000
    context.close()
    return waited


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


def _median(values):
    values = sorted(values)
    return values[len(values) // 2] if values else None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("chapters", nargs="*", default=CHAPTERS)
    parser.add_argument("--html", type=Path, default=BUILD, help="the built book (default: _build/html)")
    parser.add_argument("--repeats", type=int, default=1, help="take every measure this many times; print medians")
    parser.add_argument("--draw-only", action="store_true", help="only the reading and the jump")
    args = parser.parse_args()
    if not (args.html / "book" / "index.html").exists():
        sys.exit(f"{args.html}: no built book; run `make book`")
    from playwright.sync_api import sync_playwright

    base, httpd = serve(args.html)
    print(f"{'page':18} {'figs':>4} {'first screen':>12} {'built at load':>14} {'scrolled':>9} {'CLS 390':>8} "
          f"{'CLS 1280':>8} {'CLS scroll':>10} {'jump':>6} {'reading median (range)':>23} {'worst (range)':>14} "
          f"{'draw':>5} {'BokehJS':>7}")
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for name in args.chapters:
                path = f"book/{name}.html"
                runs = []
                for _ in range(args.repeats):
                    r = {} if args.draw_only else measure(browser, base, path)
                    if args.draw_only or r["figures"]:
                        if browser_has_figures(browser, base, path):
                            r["scrolled_jump_s"] = measure_jump(browser, base, path)
                            r.update(measure_reading(browser, base, path))
                    runs.append(r)
                keys = {k for r in runs for k in r if isinstance(r[k], (int, float))}
                r = {k: _median([run[k] for run in runs if k in run]) for k in keys}
                fmt = lambda key: f"{r[key]:.2f}" if key in r else "-"  # noqa: E731
                span = lambda key: (f"{min(run[key] for run in runs):.2f}–{max(run[key] for run in runs):.2f}"  # noqa: E731
                                    if key in r else "")
                built = f"{r['built_at_load']:.0f} by {fmt('last_built_s')}" if r.get("built_at_load") else "0"
                cls = " ".join(f"{r[k]:>{w}.3f}" if k in r else f"{'-':>{w}}"
                               for k, w in (("cls_mobile", 8), ("cls_desktop", 8), ("cls_scrolled", 10)))
                print(f"{name:18} {r.get('figures', 0):>4.0f} {fmt('first_screen_s'):>12} {built:>14} {fmt('scrolled_s'):>9} "
                      f"{cls} {fmt('scrolled_jump_s'):>6} {fmt('reading_median_s') + ' (' + span('reading_median_s') + ')':>23} "
                      f"{fmt('reading_worst_s') + ' (' + span('reading_worst_s') + ')':>14} {fmt('draw_median_s'):>5} "
                      f"{fmt('load_bokeh_s'):>7}", flush=True)
                for run in runs:
                    if "reading_waits" in run:
                        print(f"    reading, each figure: {run['reading_waits']}", flush=True)
            browser.close()
    finally:
        httpd.shutdown()
    print(f"repeats: {args.repeats}; load average: {open('/proc/loadavg').read().split()[:3]}")
    return 0


def browser_has_figures(browser, base: str, path: str) -> bool:
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{base}/{path}", wait_until="domcontentloaded")
    found = page.locator("figure.w2v-bokeh").count() > 0
    context.close()
    return found


if __name__ == "__main__":
    sys.exit(main())
