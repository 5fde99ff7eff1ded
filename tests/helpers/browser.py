"""Headless Debian Chromium driven by Playwright (its own browser download does not work here)."""
from __future__ import annotations

import contextlib
import shutil

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@contextlib.contextmanager
def launch():
    """Yield a Playwright browser on Debian's chromium; fail loudly when it is not installed."""
    if not shutil.which(CHROMIUM):
        raise RuntimeError(f"{CHROMIUM} is missing: run `make test-deps` (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)  # Playwright uses a fresh profile
        try:
            yield browser
        finally:
            browser.close()
