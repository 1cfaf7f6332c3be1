"""Full-page screenshots of every chapter, light and dark, at laptop (1280 px) and phone (390 px,
touch) width, for a person to look at: `python tools/screenshots.py [BUILD_HTML] [OUT_DIR]`.

BUILD_HTML defaults to _build/html (or $W2V_BOOK_HTML), OUT_DIR to $W2V_SHOTS or /tmp/w2v-shots.
The pages are served as the tests serve them (tests/conftest.py) and photographed once figures
and maths have settled. The tests check the layout itself; this only makes pictures of it.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from conftest import CHAPTERS, CHROMIUM, CHROMIUM_ARGS, serve, wait_for_bokeh  # noqa: E402

VARIANTS = (("light", 1280), ("dark", 1280), ("light", 390), ("dark", 390))


def main(argv: list[str]) -> int:
    from playwright.sync_api import sync_playwright

    build = Path(argv[0] if argv else os.environ.get("W2V_BOOK_HTML", ROOT / "_build" / "html"))
    out = Path(argv[1] if len(argv) > 1 else os.environ.get("W2V_SHOTS", "/tmp/w2v-shots"))
    if not (build / "book" / "index.html").is_file():
        print(f"screenshots: error: {build} has no built book (run `make book`)", file=sys.stderr)
        return 2
    out.mkdir(parents=True, exist_ok=True)
    base, server = serve(build)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for name in CHAPTERS:
                for theme, width in VARIANTS:
                    phone = width < 500
                    context = browser.new_context(viewport={"width": width, "height": 844 if phone else 900},
                                                  has_touch=phone, is_mobile=phone)
                    context.add_init_script(f"localStorage.setItem('mode', '{theme}'); localStorage.setItem('theme', '{theme}')")
                    page = context.new_page()
                    page.goto(f"{base}/book/{name}.html", wait_until="networkidle")
                    if page.locator("figure.w2v-bokeh").count():
                        wait_for_bokeh(page, timeout=60_000)
                    page.evaluate("() => window.MathJax?.startup?.promise")
                    shot = out / f"{name}-{theme}-{width}.png"
                    page.screenshot(path=str(shot), full_page=True, timeout=120_000)
                    print(shot)
                    context.close()
            browser.close()
    finally:
        server.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
