"""Debian's Chromium as the tests and the benchmarks launch it (through Playwright)."""

CHROMIUM = "/usr/bin/chromium"
# As root and without a network: no sandbox, and none of Chromium's own calls home.
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
