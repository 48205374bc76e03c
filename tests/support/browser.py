"""Real Chromium for the UI tests, and a live server for it to talk to.

Playwright cannot download its own browsers here, so `launch_chromium()` drives Debian's /usr/bin/chromium
(package `chromium`) through Playwright's sync API. `serve_app()` runs any ASGI app with uvicorn in a background
thread on a free 127.0.0.1 port and returns once the server answers HTTP, so a page can load it at once.

The sync API refuses to start inside a running asyncio loop; uvicorn's loop lives in its own thread, so the
test thread stays loop-free.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import uvicorn

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",  # the tests run as root, where Chromium's sandbox cannot start
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # Containers often mount a 64 MB /dev/shm, too small for Chromium's shared memory: tabs crash at random.
    "--disable-dev-shm-usage",
]


class BrowserUnavailable(RuntimeError):
    """Chromium cannot be driven here; the message says why and what to do."""


def launch_chromium(playwright: Any) -> Any:
    """Launch headless Debian Chromium from a started `sync_playwright()` object; return the Browser."""
    if not CHROMIUM.is_file():
        raise BrowserUnavailable(
            f"{CHROMIUM} not found; install Debian's `chromium` (bash scripts/install-system-deps.sh test)"
        )
    return playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)


@contextlib.contextmanager
def page_in_new_context(browser: Any, *, timeout_ms: int = 10_000) -> Iterator[Any]:
    """A page in its own browser context (own cookies and storage), closed afterwards."""
    context = browser.new_context()
    context.set_default_timeout(timeout_ms)
    try:
        yield context.new_page()
    finally:
        context.close()


@contextlib.contextmanager
def serve_app(app: Any, *, timeout: float = 10.0) -> Iterator[str]:
    """Serve the ASGI `app` on a free 127.0.0.1 port in a thread; yield its base URL (no trailing slash)."""
    # Bind the socket here and hand it to uvicorn: no window in which another process could take the port.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    base_url = f"http://127.0.0.1:{port}"
    # A bounded graceful shutdown: a page left streaming (SSE, long poll) must not hold up the next test.
    config = uvicorn.Config(
        app, log_level="warning", access_log=False, lifespan="auto", timeout_graceful_shutdown=2
    )
    server = uvicorn.Server(config)
    failure: list[BaseException] = []

    def run() -> None:
        try:
            server.run(sockets=[sock])
        except BaseException as error:  # reported to the test thread below, not lost in this thread
            failure.append(error)

    thread = threading.Thread(target=run, name=f"uvicorn-{port}", daemon=True)
    thread.start()
    try:
        _wait_until_answering(base_url, server, thread, failure, timeout)
        yield base_url
    finally:
        server.should_exit = True
        thread.join(timeout)
        sock.close()


def _wait_until_answering(
    base_url: str, server: uvicorn.Server, thread: threading.Thread, failure: list[BaseException], timeout: float
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if failure or not thread.is_alive():
            raise RuntimeError(f"the app server at {base_url} stopped during start-up") from (
                failure[0] if failure else None
            )
        if server.started:
            try:
                httpx.get(base_url + "/", timeout=1.0)  # any status will do: the server answers
                return
            except httpx.TransportError:
                pass
        time.sleep(0.02)
    raise TimeoutError(f"the app server at {base_url} did not answer within {timeout} s")
