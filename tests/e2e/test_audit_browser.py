"""The auditor's audit log page in real Chromium: reached from the navigation, paged, filtered by case."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from muster.bootstrap import build, prepare
from muster.config import Settings
from muster.domain.permissions import Role
from muster.web.app import create_app
from tests.factories import PASSWORD, valid_answers

pytestmark = pytest.mark.xdist_group("browser")


@pytest.fixture
def served(tmp_path, app_server: Callable[[Any], str]) -> Iterator[tuple[Any, str]]:
    container = build(Settings(data_dir=tmp_path, demo=False, public_rate_limit=0, page_size=5))
    prepare(container)
    container.accounts.add("ada", Role.AUDITOR, PASSWORD)
    container.accounts.add("rita", Role.RECRUITER, PASSWORD)
    try:
        yield container, app_server(create_app(container))
    finally:
        container.close()


def log_in(page: Page, base: str, username: str) -> None:
    page.goto(base + "/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


class TestAuditPage:
    def test_the_auditor_pages_through_the_log_and_filters_one_case(self, served, browser_page: Page) -> None:
        container, base = served
        rita = next(r for r in container.accounts.list() if r.username == "rita")
        cases = [container.intake.submit(valid_answers()).application_id for _ in range(4)]
        container.cases.view(rita, cases[0])

        log_in(browser_page, base, "ada")
        browser_page.get_by_role("link", name="Audit log").first.click()
        expect(browser_page.get_by_role("heading", level=1)).to_have_text("Audit log")
        rows = browser_page.locator("table.audit tbody tr")
        expect(rows).to_have_count(5)
        expect(rows.filter(has_text=rita.id[:8])).to_have_count(1)  # her read of the case, newest first
        expect(rows.filter(has_text=rita.id[:8])).to_contain_text("applicant:record:read")
        expect(browser_page.locator("body")).not_to_contain_text("Корнилов")
        newest = int(rows.first.locator("td").first.inner_text())

        browser_page.get_by_role("link", name="older").click()
        expect(browser_page.locator("table.audit tbody tr").first.locator("td").first).to_have_text(str(newest - 5))

        browser_page.goto(base + "/audit")
        browser_page.locator("table.audit tbody tr").filter(has_text=rita.id[:8]).get_by_role("link").click()
        filtered = browser_page.locator("table.audit tbody tr")
        expect(filtered.filter(has_text="applicant:record:create")).to_have_count(1)
        expect(filtered.filter(has_text=rita.id[:8])).to_have_count(1)
        for row in filtered.all():
            expect(row.get_by_role("link")).to_have_text(cases[0][:8])

    def test_a_recruiter_gets_no_audit_log(self, served, browser_page: Page) -> None:
        _, base = served
        log_in(browser_page, base, "rita")
        expect(browser_page.get_by_role("link", name="Audit log")).to_have_count(0)
        response = browser_page.goto(base + "/audit")
        assert response is not None and response.status == 403
