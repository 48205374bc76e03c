"""The public pages and the reviewer UI in real Chromium, against Muster served on a free 127.0.0.1 port.

Every test builds its own Muster on a fresh SQLite data dir (`muster` fixture), so no test depends on another's
data or order. The applicant and the recruiter use separate browser contexts, as two people on two machines would.
All tests here share one xdist group: under `pytest -n 2 --dist loadgroup` one worker starts Chromium for them
and the other worker stays free for the rest of the suite.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from muster.bootstrap import Container, build, prepare
from muster.config import Settings
from muster.crypto.receipts import default_receipt_codes
from muster.domain.accounts import Reviewer
from muster.domain.permissions import Role
from muster.domain.workflow import Stage
from muster.web.app import create_app
from tests.support.browser import page_in_new_context

pytestmark = pytest.mark.xdist_group("browser")

RECEIPT = re.compile(r"[a-z]+(-[a-z]+){5}")

# An applicant as a Russian speaker would type them; the keys are the start of each field's Russian label.
APPLICANT_TEXT = {
    "Фамилия": "Шевченко",
    "Имя (": "Тарас",
    "Отчество": "Григорьевич",
    "Дата рождения": "1990-03-09",
    "Гражданство": "UA",
}
APPLICANT_LANGUAGE = "украинский"
APPLICANT_MILITARY = "срочная служба"


@dataclass(frozen=True)
class Muster:
    container: Container
    base_url: str
    recruiter: Reviewer
    password: str

    @property
    def username(self) -> str:
        return self.recruiter.username

    def url(self, path: str) -> str:
        return self.base_url + path

    def stored_applications(self) -> int:
        return self.container.cases.queue(self.recruiter, stages=list(Stage)).total


@pytest.fixture
def muster(tmp_path: Path, app_server: Callable[[Any], str]) -> Iterator[Muster]:
    """A fresh Muster with one recruiter, 'rita', served on a free port."""
    container = build(Settings(data_dir=tmp_path))
    prepare(container)
    recruiter, password = container.accounts.add("rita", Role.RECRUITER)
    try:
        yield Muster(container, app_server(create_app(container)), recruiter, password)
    finally:
        container.close()


@pytest.fixture
def reviewer_page(browser: Any) -> Iterator[Page]:
    """A second person's page: its own browser context, so no cookie is shared with `browser_page`."""
    with page_in_new_context(browser) as page:
        yield page


def _label(text: str) -> re.Pattern[str]:
    return re.compile("^" + re.escape(text))


def fill_application(page: Page, *, skip: str | None = None) -> None:
    """Fill the required fields of the Russian form by their visible labels, leaving out the one named `skip`."""
    for label, value in APPLICANT_TEXT.items():
        if label != skip:
            page.get_by_label(_label(label)).fill(value)
    if skip != "Языки":
        page.get_by_label(APPLICANT_LANGUAGE).check()
    page.get_by_label(_label("Военный опыт")).select_option(label=APPLICANT_MILITARY)


def apply_in_russian(page: Page, muster: Muster) -> str:
    page.goto(muster.url("/apply?lang=ru"))
    fill_application(page)
    page.get_by_role("button", name="Отправить заявку").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Заявка принята")
    return page.get_by_test_id("receipt").inner_text().strip()


def log_in(page: Page, muster: Muster) -> None:
    page.goto(muster.url("/login"))
    page.get_by_label("Username").fill(muster.username)
    page.get_by_label("Password").fill(muster.password)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(muster.url("/cases"))


def check_status(page: Page, muster: Muster, receipt: str) -> None:
    page.goto(muster.url("/status?lang=ru"))
    page.get_by_label("Код заявки").fill(receipt)
    page.get_by_role("button", name="Проверить").click()


class TestApplicationJourney:
    def test_russian_application_reaches_screening_and_the_applicant_sees_it_in_review(
        self, muster: Muster, browser_page: Page, reviewer_page: Page
    ) -> None:
        applicant, recruiter = browser_page, reviewer_page

        # The applicant opens the Russian form and sends it.
        applicant.goto(muster.url("/apply?lang=ru"))
        assert applicant.locator("html").get_attribute("lang") == "ru"
        expect(applicant.get_by_role("heading", level=1)).to_have_text("Заявка добровольца")
        expect(applicant.locator("label[for=q-family_name]")).to_contain_text("Фамилия")
        expect(applicant.locator("label[for=q-birth_date]")).to_contain_text("Дата рождения")
        assert applicant.get_by_label(_label("Дата рождения")).get_attribute("type") == "date"
        receipt = apply_in_russian(applicant, muster)
        assert RECEIPT.fullmatch(receipt), receipt

        check_status(applicant, muster, receipt)
        expect(applicant.get_by_test_id("status")).to_have_text("Получена")

        # The recruiter finds the case in the queue, reads the Cyrillic name and starts screening.
        log_in(recruiter, muster)
        rows = recruiter.locator("table.queue tbody tr")
        expect(rows).to_have_count(1)
        expect(rows.first).to_contain_text("submitted")
        rows.first.get_by_role("link").click()
        expect(recruiter).to_have_url(re.compile(re.escape(muster.url("/cases/")) + r"[0-9a-f-]{36}$"))
        answers = recruiter.locator("dl.answers")
        expect(answers).to_contain_text("Шевченко")
        expect(answers).to_contain_text("Тарас")
        expect(recruiter.locator("h1 .stage")).to_have_text("submitted")
        recruiter.get_by_role("button", name="Start screening").click()
        expect(recruiter.locator("h1 .stage")).to_have_text("screening")
        latest = recruiter.locator("ol.history li").last
        expect(latest).to_contain_text("start screening")
        expect(latest).to_contain_text("by recruiter")
        expect(latest).to_contain_text("submitted → screening")
        expect(recruiter.get_by_role("button", name="Start screening")).to_have_count(0)

        # The applicant now sees the case in review, and nothing more.
        check_status(applicant, muster, receipt)
        expect(applicant.get_by_test_id("status")).to_have_text("На рассмотрении")


class TestStatusPage:
    @pytest.mark.parametrize(
        "code",
        [pytest.param(default_receipt_codes().generate(), id="well-formed"), pytest.param("not a code", id="malformed")],
    )
    def test_unknown_code_shows_the_not_found_message(self, muster: Muster, browser_page: Page, code: str) -> None:
        with browser_page.expect_response(lambda r: r.request.method == "POST") as sent:
            check_status(browser_page, muster, code)
        assert sent.value.status == 404
        expect(browser_page.get_by_role("alert")).to_have_text("Заявка с таким кодом не найдена.")
        expect(browser_page.get_by_test_id("status")).to_have_count(0)


class TestApplyForm:
    def test_missing_languages_rerender_the_form_with_the_error_there_and_the_answers_kept(
        self, muster: Muster, browser_page: Page
    ) -> None:
        # No checkbox can be `required`, so the browser sends the form and the server must refuse it.
        page = browser_page
        page.goto(muster.url("/apply?lang=ru"))
        fill_application(page, skip="Языки")
        with page.expect_response(lambda r: r.request.method == "POST") as sent:
            page.get_by_role("button", name="Отправить заявку").click()
        assert sent.value.status == 422

        expect(page.get_by_role("alert")).to_have_text("Исправьте отмеченные поля.")
        expect(page.locator("#field-languages")).to_have_class(re.compile(r"\binvalid\b"))
        expect(page.locator("#field-languages .problem")).to_be_visible()
        expect(page.locator(".field .problem")).to_have_count(1)
        for label, value in APPLICANT_TEXT.items():
            expect(page.get_by_label(_label(label))).to_have_value(value)
        expect(page.get_by_label(_label("Военный опыт"))).to_have_value("conscript")
        assert muster.stored_applications() == 0

    def test_missing_family_name_is_refused_by_the_server_too(self, muster: Muster, browser_page: Page) -> None:
        # A browser that ignores `required` (or a hand-made request) still gets the field marked.
        page = browser_page
        page.goto(muster.url("/apply?lang=ru"))
        fill_application(page, skip="Фамилия")
        page.locator("form.intake").evaluate("form => { form.noValidate = true; }")
        with page.expect_response(lambda r: r.request.method == "POST") as sent:
            page.get_by_role("button", name="Отправить заявку").click()
        assert sent.value.status == 422

        expect(page.locator("#field-family_name")).to_have_class(re.compile(r"\binvalid\b"))
        expect(page.locator("#field-family_name .problem")).to_be_visible()
        family_name = page.get_by_label(_label("Фамилия"))
        expect(family_name).to_have_attribute("aria-invalid", "true")
        expect(family_name).to_have_attribute("aria-describedby", "problem-family_name")
        expect(page.get_by_label(_label("Имя ("))).not_to_have_attribute("aria-invalid", "true")
        expect(page.locator(".field .problem")).to_have_count(1)
        expect(page.get_by_label(_label("Имя ("))).to_have_value("Тарас")
        expect(page.get_by_label(APPLICANT_LANGUAGE)).to_be_checked()
        assert muster.stored_applications() == 0


class TestPageSecurity:
    def test_pages_load_nothing_from_elsewhere_and_carry_the_csp(
        self, muster: Muster, browser_page: Page, reviewer_page: Page
    ) -> None:
        receipt = apply_in_russian(browser_page, muster)
        requests: list[str] = []
        documents: dict[str, dict[str, str]] = {}
        problems: list[str] = []
        for page in (browser_page, reviewer_page):
            page.on("request", lambda request: requests.append(request.url))
            page.on("response", lambda response: documents.__setitem__(response.url, response.headers)
                    if response.request.resource_type == "document" else None)
            page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
            page.on("pageerror", lambda error: problems.append(str(error)))

        for path in ("/apply?lang=ru", "/apply?lang=uk", "/apply?lang=en", "/status?lang=ru"):
            browser_page.goto(muster.url(path))
        check_status(browser_page, muster, receipt)
        log_in(reviewer_page, muster)
        reviewer_page.locator("table.queue tbody a").first.click()
        expect(reviewer_page.locator("dl.answers")).to_be_visible()
        reviewer_page.reload()  # the click came by htmx; load the case page once as a document too
        expect(reviewer_page.locator("dl.answers")).to_be_visible()
        reviewer_page.goto(muster.url("/units"))

        assert requests
        outside = [url for url in requests if urlsplit(url).scheme != "data" and urlsplit(url).hostname != "127.0.0.1"]
        assert outside == []
        assert len(documents) >= 7
        for url, headers in documents.items():
            csp = headers.get("content-security-policy", "")
            assert "default-src 'self'" in csp, url
            assert "script-src 'self'" in csp and "unsafe-inline" not in csp, url
            assert "frame-ancestors 'none'" in csp, url
        assert problems == []  # among them any "Refused to ..." of a CSP violation

    def test_back_after_logging_out_shows_the_login_page_not_a_stored_copy_of_the_case(
        self, muster: Muster, browser_page: Page, reviewer_page: Page
    ) -> None:
        apply_in_russian(browser_page, muster)
        page = reviewer_page
        log_in(page, muster)
        page.locator("table.queue tbody a").first.click()
        expect(page.locator("dl.answers")).to_contain_text("Шевченко")

        page.get_by_role("button", name="Log out").click()
        expect(page).to_have_url(muster.url("/login"))
        stored = page.evaluate("() => JSON.stringify(Object.assign({}, sessionStorage, localStorage))")
        assert "Шевченко" not in stored  # htmx's history cache would keep the case page here
        page.go_back()
        expect(page.get_by_role("heading", level=1)).to_have_text("Reviewer login")
        expect(page.get_by_text("Шевченко")).to_have_count(0)


class TestAdminPages:
    def test_an_admin_lands_on_units_and_manages_the_seeds(self, muster: Muster, browser_page: Page) -> None:
        muster.container.accounts.add("ada", Role.ADMIN, "admin pass phrase here")
        page = browser_page
        page.goto(muster.url("/login"))
        page.get_by_label("Username").fill("ada")
        page.get_by_label("Password").fill("admin pass phrase here")
        page.get_by_role("button", name="Log in").click()
        expect(page).to_have_url(muster.url("/units"))  # an admin reads no cases: their first page is units

        page.get_by_role("link", name="Seeds").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Seeds")
        expect(page.get_by_text("No seeds yet")).to_be_visible()
        page.get_by_label("Member name").fill("boris")
        page.get_by_role("button", name="Add seed").click()
        row = page.locator("table.queue tbody tr", has_text="boris")
        expect(row).to_contain_text("ada")
        page.get_by_label("Member name").fill("boris")
        page.get_by_role("button", name="Add seed").click()
        expect(page.get_by_role("alert")).to_have_text("member: is already a seed")
        row.get_by_role("button", name="Remove").click()
        expect(page.get_by_text("No seeds yet")).to_be_visible()
        assert muster.container.trust.seeds(None) == []
