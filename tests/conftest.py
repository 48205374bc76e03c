# Fixture strategy
#
# Expensive outside resources are session-scoped and started lazily, only when a test asks for them; under
# pytest-xdist every worker process starts its own (a PostgreSQL cluster takes about a second, Chromium less),
# which needs no locks or shared state between workers:
#   postgres_url   SQLAlchemy URL of a database in a throw-away PostgreSQL cluster (tests/support/postgres.py),
#                  or MUSTER_TEST_POSTGRES_URL when set.
#   browser        headless Debian Chromium via Playwright's sync API (tests/support/browser.py).
# Cheap, isolating resources are narrower:
#   database_url   a fresh empty database per test module, once on SQLite and once on PostgreSQL; storage tests
#                  take it and build their schema in it.
#   browser_page   a new browser context and page per test: no cookies or storage leak between tests.
#   app_server     call it with an ASGI app to serve it on a free port; returns the base URL, stopped after the test.
# When PostgreSQL or Chromium is missing the tests needing them are skipped, with the reason in the skip message
# and again in a warning at the end of the terminal summary, so a green run without them cannot go unnoticed.
# Tests using these fixtures get the `postgres` / `browser` markers automatically (`-m "not browser"` works).

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.support import browser as browser_support
from tests.support import postgres as postgres_support

_POSTGRES_SKIP = "PostgreSQL tests skipped:"
_BROWSER_SKIP = "Browser tests skipped:"


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """SQLAlchemy URL (postgresql+psycopg) of a database on a PostgreSQL server that lives for the session."""
    with contextlib.ExitStack() as stack:
        try:
            url = stack.enter_context(postgres_support.postgres_server())
        except postgres_support.PostgresUnavailable as error:
            pytest.skip(f"{_POSTGRES_SKIP} {error}")
        yield url


@pytest.fixture(
    scope="module",
    params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)],
)
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A fresh, empty database for this test module: a SQLite file, or a new database in the PostgreSQL cluster."""
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("sqlite") / "muster.sqlite3"
        yield f"sqlite:///{path}"
        return
    with postgres_support.fresh_database(request.getfixturevalue("postgres_url")) as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Headless Debian Chromium, shared by the tests of one worker."""
    from playwright.sync_api import sync_playwright

    if not browser_support.CHROMIUM.is_file():
        pytest.skip(f"{_BROWSER_SKIP} {browser_support.CHROMIUM} not found; install Debian's `chromium` "
                    "(bash scripts/install-system-deps.sh test)")
    playwright = sync_playwright().start()
    try:
        chromium = browser_support.launch_chromium(playwright)
    except Exception as error:
        playwright.stop()
        pytest.skip(f"{_BROWSER_SKIP} Chromium did not start: {error}")
    try:
        yield chromium
    finally:
        chromium.close()
        playwright.stop()


@pytest.fixture
def browser_page(browser: Any) -> Iterator[Any]:
    """A Playwright Page in a fresh browser context (own cookies and storage), closed after the test."""
    with browser_support.page_in_new_context(browser) as page:
        yield page


@pytest.fixture
def app_server() -> Iterator[Callable[[Any], str]]:
    """Call with an ASGI app to serve it on a free 127.0.0.1 port; returns the base URL. Stopped after the test."""
    with contextlib.ExitStack() as stack:
        yield lambda app: stack.enter_context(browser_support.serve_app(app))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        fixtures = getattr(item, "fixturenames", ())
        if "postgres_url" in fixtures:
            item.add_marker(pytest.mark.postgres)
        if "browser_page" in fixtures or "browser" in fixtures:
            item.add_marker(pytest.mark.browser)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    # Skip reports reach the controller from every xdist worker, so this sees the skips of the whole run.
    reasons: dict[str, set[str]] = {}
    for report in terminalreporter.stats.get("skipped", []):
        longrepr = getattr(report, "longrepr", None)
        reason = longrepr[2] if isinstance(longrepr, tuple) and len(longrepr) == 3 else str(longrepr)
        reason = reason.removeprefix("Skipped: ")
        for prefix in (_POSTGRES_SKIP, _BROWSER_SKIP):
            if reason.startswith(prefix):
                reasons.setdefault(prefix, set()).add(reason)
    for prefix, found in reasons.items():
        terminalreporter.write_sep("!", f"WARNING: {prefix.rstrip(':')}", red=True, bold=True)
        for reason in sorted(found):
            terminalreporter.write_line(reason, red=True)
