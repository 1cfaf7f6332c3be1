# make book: set up .venv with the pinned versions and build the book into _build/html.
# make test: every test (engine, built HTML, real browser). Needs /usr/bin/chromium (Debian's chromium).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml constraints.txt | sha256sum | cut -c1-12)

.PHONY: venv book test test-engine bench clean

venv: $(STAMP)

$(STAMP):
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[test]'
	rm -f $(VENV)/.installed-* && touch $@

book: venv
	$(BIN)/jupyter-book build . -W -n --keep-going

test: book
	$(BIN)/python -m pytest tests

test-engine: venv
	$(BIN)/python -m pytest tests -m "not book"

bench: venv
	$(BIN)/python benchmarks/train_speed.py
	$(BIN)/python benchmarks/scale.py
	$(BIN)/python benchmarks/build_time.py

clean:
	rm -rf _build
