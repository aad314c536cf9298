# The two commands a newcomer needs: `make run` (set up, index the bundled report, start the app)
# and `make test` (set up, run every test). Both start from nothing.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin

.PHONY: setup run ask test browser eval bench clean

setup: $(VENV)/.installed

# torch is installed first and pinned: unpinned, pip pulls a multi-GB CUDA build.
$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q torch==2.13.0
	$(PY) -m pip install -q -e '.[test]'
	touch $@

run: setup
	$(BIN)/legco-rag build
	$(BIN)/legco-rag serve

ask: setup
	$(BIN)/legco-rag ask "香港2030年需要多少算力？"

# Browser tests drive Debian's chromium (never `playwright install`); the CJK font makes
# the screenshots readable.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
browser:
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null && [ -d /usr/share/fonts/opentype/noto ] || \
	  { $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq \
	      chromium chromium-driver fonts-noto-cjk >/dev/null; }

test: setup browser
	$(PY) -m pytest -q

eval: setup
	$(PY) -m eval run

bench: setup
	$(PY) -m pip install -q -e '.[bench]'
	$(PY) -m eval bench --output artifacts/bench.json

clean:
	rm -rf $(VENV) data/index artifacts *.egg-info
