"""The browser fixtures drive real Chromium against an app served on a free port."""

from __future__ import annotations

from typing import Any

import httpx
from fastapi import FastAPI
from fastapi.responses import HTMLResponse

from tests.support.browser import serve_app

PAGE = """<!doctype html>
<html><head><title>Muster fixture check</title></head>
<body>
  <p id="status">waiting</p>
  <button id="go" onclick="document.getElementById('status').textContent = 'clicked'">Go</button>
</body></html>"""


def _tiny_app() -> FastAPI:
    app = FastAPI()

    @app.get("/", response_class=HTMLResponse)
    def index() -> str:
        return PAGE

    @app.get("/ping")
    def ping() -> dict[str, str]:
        return {"answer": "pong"}

    return app


class TestServeApp:
    def test_serves_the_app_until_the_block_ends(self) -> None:
        with serve_app(_tiny_app()) as base_url:
            assert base_url.startswith("http://127.0.0.1:")
            assert httpx.get(base_url + "/ping").json() == {"answer": "pong"}
        try:
            httpx.get(base_url + "/ping", timeout=1.0)
        except httpx.TransportError:
            pass
        else:
            raise AssertionError("the server still answers after the block")

    def test_two_servers_get_different_ports(self, app_server: Any) -> None:
        assert app_server(_tiny_app()) != app_server(_tiny_app())


class TestBrowserPage:
    def test_page_loads_and_a_click_changes_the_text(self, browser_page: Any, app_server: Any) -> None:
        base_url = app_server(_tiny_app())
        browser_page.goto(base_url + "/")
        assert browser_page.title() == "Muster fixture check"
        assert browser_page.text_content("#status") == "waiting"
        browser_page.click("#go")
        assert browser_page.text_content("#status") == "clicked"

    def test_screenshot_is_a_png(self, browser_page: Any, app_server: Any) -> None:
        browser_page.goto(app_server(_tiny_app()) + "/")
        image = browser_page.screenshot()
        assert image.startswith(b"\x89PNG\r\n\x1a\n")
        assert len(image) > 1000

    def test_each_test_gets_a_fresh_context(self, browser_page: Any) -> None:
        assert browser_page.context.cookies() == []
        assert browser_page.url == "about:blank"
