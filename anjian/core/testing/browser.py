"""Shared set-up of the browser tests: Playwright (from pip) driving Debian's Chromium, never a
downloaded browser. A test module marks itself with ``BROWSER_MARKS`` (skipped with a clear
reason where Chromium or Playwright is missing) and opens pages with ``launch``/``new_page``."""

import os
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest

# Tests build data with the ORM beside Playwright's event loop.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync"]

try:
    from playwright.sync_api import expect, sync_playwright
except ImportError:  # pragma: no cover - depends on the environment
    expect = sync_playwright = None

BROWSER_SKIPS = [
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian Chromium (/usr/bin/chromium) is not installed"),
    pytest.mark.skipif(sync_playwright is None, reason="the playwright Python package is not installed"),
]
BROWSER_MARKS = [pytest.mark.browser, *BROWSER_SKIPS, pytest.mark.django_db(transaction=True)]


def launch(pw):
    """Headless Debian Chromium with the flags that keep it off the network."""
    return pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)


def new_page(browser, *, width: int = 1366, height: int = 900):
    """A page in a fresh context with the Chinese locale users have."""
    return browser.new_context(locale="zh-CN", viewport={"width": width, "height": height}).new_page()


def log_in(page, base_url: str, username: str, password: str) -> None:
    """Log in through the log-in form, as a user does, and wait for the home page."""
    page.goto(f"{base_url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("form button[type=submit]")
    page.wait_for_url(f"{base_url}/")


def wait_until(page, expression: str, arg=None, timeout: float = 15_000) -> None:
    """Wait until ``expression`` (a JavaScript function or expression) is truthy in ``page``.

    Playwright's ``wait_for_function`` compiles its predicate with ``eval`` inside the page, which
    the site's Content-Security-Policy forbids (no 'unsafe-eval'); ``page.evaluate`` runs through
    the DevTools protocol instead, so this polls with it."""
    import time

    deadline = time.monotonic() + timeout / 1000
    while True:
        if page.evaluate(expression, arg) if arg is not None else page.evaluate(expression):
            return
        if time.monotonic() > deadline:
            raise TimeoutError(f"{expression!r} still false after {timeout / 1000:.0f} s")
        page.wait_for_timeout(100)


@contextmanager
def serialise_live_server_on_sqlite():
    """While active, a live server on SQLite handles one request at a time (see the
    ``_one_request_at_a_time_on_sqlite`` fixture in anjian/conftest.py for why)."""
    from django.db import connection
    from django.test.testcases import LiveServerThread

    if connection.vendor != "sqlite":
        yield
        return
    lock = threading.Lock()
    create_server = LiveServerThread._create_server

    def serialised(app):
        def handle(environ, start_response):
            with lock:
                result = app(environ, start_response)
                try:
                    body = b"".join(result)
                finally:
                    if hasattr(result, "close"):
                        result.close()
            return [body]
        return handle

    def _create_server(self, *args, **kwargs):
        server = create_server(self, *args, **kwargs)
        set_app = server.set_app
        server.set_app = lambda app: set_app(serialised(app))
        return server

    LiveServerThread._create_server = _create_server
    try:
        yield
    finally:
        LiveServerThread._create_server = create_server
