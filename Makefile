# `make` sets everything up and builds every edition; `make test` runs the test suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# What folio needs from Debian: CJK and Latin fonts, Pango for WeasyPrint, HarfBuzz's subsetter
# (without it WeasyPrint falls back to fontTools, 10x slower), Java for EpubCheck, and GNU
# gettext, against which the tests check the PO files folio writes; Chromium, in which the tests
# read the web edition (driven by Playwright, with axe-core from npm).
DEBIAN_PACKAGES := fonts-noto-cjk fonts-noto-core fonts-dejavu-core fontconfig libpango-1.0-0 libpangoft2-1.0-0 \
	libharfbuzz-subset0 default-jre-headless gettext chromium

.PHONY: all setup system build pdf epub html booklet test lint bench clean
all: build

setup: system $(VENV)/.installed

system:
	@missing=""; for p in $(DEBIAN_PACKAGES); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ]; then \
			echo "Installing Debian packages:$$missing"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
		else \
			echo "folio needs these Debian packages:$$missing -- install them with: sudo apt-get install$$missing" >&2; \
			exit 1; \
		fi; \
	fi
	@command -v npm >/dev/null || { \
		if [ "$$(id -u)" = 0 ]; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null; \
		else \
			echo "the tests need Node.js and npm: sudo apt-get install nodejs npm" >&2; exit 1; \
		fi; }

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

build: setup
	$(BIN)/folio build

pdf epub html booklet: setup
	$(BIN)/folio build --format $@

# Ace by DAISY runs in Debian's Chromium: neither Electron's nor Puppeteer's browser is fetched.
node_modules/.installed: package.json package-lock.json
	ELECTRON_SKIP_BINARY_DOWNLOAD=1 PUPPETEER_SKIP_DOWNLOAD=1 npm ci --no-audit --no-fund --silent
	touch $@

test: setup node_modules/.installed
	$(BIN)/pytest

bench: setup
	$(BIN)/python bench/run.py

lint: setup
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests

clean:
	rm -rf build
