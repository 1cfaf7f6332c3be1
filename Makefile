# make book: set up .venv with the pinned versions and build the book into _build/html.
# make test: the book and the book on the foreign corpus (tests/foreign_corpus) built side by side, then
# every test (engine, built HTML, real browser) on the first and every page test the corpus can change
# on the second. Needs /usr/bin/chromium (Debian's chromium), /usr/bin/firefox-esr and Node.js with npm
# (the page checkers in tools/package.json).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PYTEST := $(BIN)/python -m pytest tests
WORKERS ?= 6
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml constraints.txt | sha256sum | cut -c1-12)

.PHONY: webkit venv tools book book-foreign book-real test test-foreign foreign-pages real-pages test-engine bench lighthouse clean
# absolute, as the downloaded notebooks run in other folders
FOREIGN := $(CURDIR)/tests/foreign_corpus
FOREIGN_OUT := _build/foreign
# a real text no one on the team wrote (tests/real_corpus/README.md): Debian's fortunes-min
FORTUNES := /usr/share/games/fortunes/fortunes
REAL := $(CURDIR)/tests/real_corpus/fortunes
REAL_OUT := _build/real
NODE_STAMP := tools/node_modules/.installed-$(shell cat tools/package-lock.json | sha256sum | cut -c1-12)

venv: $(STAMP)

# The page checkers (html-validate, axe-core, Lighthouse 12), exact versions from tools/package-lock.json.
tools: $(NODE_STAMP)

$(NODE_STAMP): tools/package.json tools/package-lock.json
	cd tools && npm ci --no-audit --no-fund --loglevel=error
	rm -f tools/node_modules/.installed-* && touch $@

$(STAMP):
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-compile -c constraints.txt -e '.[test]'
	rm -f $(VENV)/.installed-* && touch $@

# W2V_CORPUS=DIR make book builds the whole book on the corpus folder DIR (README).
book: venv
	$(BIN)/jupyter-book build . -W -n --keep-going

# The same book on the foreign corpus, into _build/foreign/_build/html.
book-foreign: venv
	W2V_CORPUS=$(FOREIGN) $(BIN)/jupyter-book build . -W -n --keep-going --path-output $(FOREIGN_OUT)

# The same book on real text, sentences only (no groups, analogies or train.toml), into
# _build/real/_build/html. The corpus folder is made from the installed Debian package.
$(REAL)/sentences.txt: $(FORTUNES) | venv
	rm -rf $(REAL) $(REAL).head
	head -c 3600 $(FORTUNES) > $(REAL).head
	$(BIN)/python -m w2v prepare $(REAL).head $(REAL) > /dev/null
	rm -f $(REAL).head

book-real: venv $(REAL)/sentences.txt
	W2V_CORPUS=$(REAL) $(BIN)/jupyter-book build . -W -n --keep-going --path-output $(REAL_OUT)

# Six pytest workers on two cores: a browser test spends much of its time waiting for a page (its
# load, the network going idle, a figure drawn, a scroll settling), and a worker that waits leaves
# the cores to another (measured under load: the page-load tests took 161 s on four workers against
# 236 s on two; the accessibility and lazy-figure tests 162 s on six against 190 s on four). The
# read-only checks of one page run on one worker (--dist loadgroup, tests/conftest.py), which opens
# the page once per theme for all of them. The speed tests (marker `timing`) run afterwards on
# their own, their timings printed.
# The three books build at once, their logs printed whole when each ends (in CI: 2:48 after a
# pip install without bytecode, against 2:21 two at a time after one with it; the whole run took
# 15:49 both ways).
# The stages one after the other, not overlapped: with the engine's tests run while the books built
# and the three builds' page tests at once, CI took longer (the book's build, on the critical
# path, shared the two cores with everything else; the engine's tests on two workers took 13:27,
# and a training subprocess timed out at 60 s).
# The files with speed tests (marker `timing`; tests/test_repository.py checks the list): the timing
# stages collect only these, not every test module (each collection imports torch, Bokeh and gensim).
TIMING_TESTS := tests/test_browser_lazy_figures.py tests/test_browser_playground.py

test: tools venv
	$(MAKE) -j3 --output-sync=target book book-foreign book-real
	@echo "make test: the three books built at $$(date +%T)"
	$(PYTEST) -n $(WORKERS) --dist loadgroup -m "not timing and not webkit" --durations=30
	$(BIN)/python -m pytest $(TIMING_TESTS) -m "timing and not webkit" -s
	$(MAKE) foreign-pages real-pages

# Every test of the built pages (the `book` marker) whose outcome the corpus can change, on the
# foreign corpus's build; the mechanisms no corpus changes (`corpus_free`) ran on the book's build.
test-foreign: book-foreign tools
	$(MAKE) foreign-pages

foreign-pages:
	W2V_CORPUS=$(FOREIGN) W2V_BOOK_HTML=$(FOREIGN_OUT)/_build/html $(PYTEST) -n $(WORKERS) --dist loadgroup -m "book and not timing and not corpus_free and not webkit"
	W2V_CORPUS=$(FOREIGN) W2V_BOOK_HTML=$(FOREIGN_OUT)/_build/html $(BIN)/python -m pytest $(TIMING_TESTS) -m "book and timing and not webkit" -s

# Every page in WebKit (Debian's webkit2gtk-driver and xvfb: apt-get install -y webkit2gtk-driver xvfb),
# on the book's build; not part of `make test` (about two minutes, tests/test_webkit.py).
webkit: venv
	$(PYTEST) -m webkit -s

test-engine: venv
	$(PYTEST) -n 2 -m "not book"

bench: venv
	$(BIN)/python benchmarks/train_speed.py
	$(BIN)/python benchmarks/scale.py
	$(BIN)/python benchmarks/build_time.py

# Lighthouse 12 on every chapter (performance, accessibility), Debian's chromium; needs `make book`.
lighthouse: venv tools
	$(BIN)/python benchmarks/lighthouse.py

clean:
	rm -rf _build

# On the real text's build (make book-real): every page clean, offline, its figures drawn in the
# page's theme, no serious axe violation and every text legible in both themes, nothing scrolling
# sideways unmarked, each page within its transfer budget, each figure's room its drawn height, and
# the built text of every page (test_html, the journey's and the walkthrough's glued numbers). Every
# other corpus-dependent page test passes there too (`make real-pages REAL_PAGE_TESTS=tests`, 24
# files), but running them all would take CI past 15 minutes.
REAL_PAGE_TESTS := tests/test_book_pages.py tests/test_browser_a11y.py tests/test_page_weight.py \
	tests/test_browser_teaching.py tests/test_browser_figure_theme.py tests/test_browser_lazy_figures.py \
	tests/test_html.py tests/test_journey.py tests/test_walkthrough.py
real-pages:
	W2V_CORPUS=$(REAL) W2V_BOOK_HTML=$(REAL_OUT)/_build/html $(BIN)/python -m pytest $(REAL_PAGE_TESTS) -n $(WORKERS) --dist loadgroup -m "book and not timing and not corpus_free and not webkit"
