"""Screenshots of the UI for the docs: `.venv/bin/python scripts/screenshot.py [--out docs/screenshots]`.

Builds Muster on a throw-away data dir, loads the demo data (fixed seed), serves it on a free 127.0.0.1 port and
drives headless Debian Chromium through it, as the browser tests do (tests/support/browser.py). Writes:
  apply-ru.png  the public intake form in Russian
  queue.png     the case queue, logged in as the demo security officer
  case.png      a case in security review (or decision) with its history, as the security officer sees it
  trust.png     the trust panel of a demo ring member: score, vouch path to a seed, ring evidence, the picture
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # for tests.support.browser: one place knows how to start Chromium here

from playwright.sync_api import Page, expect, sync_playwright  # noqa: E402

from muster.bootstrap import build, prepare  # noqa: E402
from muster.config import Settings  # noqa: E402
from muster.demo.load import load_demo  # noqa: E402
from muster.web.app import create_app  # noqa: E402
from tests.support.browser import launch_chromium, serve_app  # noqa: E402

VIEWPORT = {"width": 1280, "height": 900}
ACCOUNT = "security"
CASE_STAGES = ("security_review", "decision")


def log_in(page: Page, base_url: str, username: str, password: str) -> None:
    page.goto(base_url + "/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(base_url + "/cases")


def open_case_with_history(page: Page, base_url: str) -> None:
    for stage in CASE_STAGES:
        page.goto(f"{base_url}/cases?stage={stage}")
        links = page.locator("table.queue tbody a")
        if links.count():
            page.goto(base_url + links.first.get_attribute("href"))
            expect(page.locator("ol.history li")).not_to_have_count(1)  # more than the 'submitted' line
            return
    raise SystemExit(f"the demo data has no case in {' or '.join(CASE_STAGES)}")


def open_ring_member(page: Page, base_url: str) -> None:
    page.goto(base_url + "/review-flags")
    page.locator("#review-queue table.queue").last.locator("tbody a").first.click()
    expect(page.locator("section.trust img.neighbourhood")).to_be_visible()


def shoot(page: Page, path: Path, *, full_page: bool = True) -> None:
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(path), full_page=full_page)
    print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots", help="directory for the PNGs")
    out = parser.parse_args().out.resolve()
    out.mkdir(parents=True, exist_ok=True)

    with tempfile.TemporaryDirectory(prefix="muster-screenshots-") as data_dir:
        container = build(Settings(data_dir=Path(data_dir)))
        try:
            prepare(container)
            password = load_demo(container).accounts[ACCOUNT]
            with serve_app(create_app(container)) as base_url, sync_playwright() as playwright:
                browser = launch_chromium(playwright)
                try:
                    # Headless Chromium draws a date field as mm/dd/yyyy whatever the locale; people see theirs.
                    applicant = browser.new_context(viewport=VIEWPORT, locale="ru-RU").new_page()
                    applicant.goto(base_url + "/apply?lang=ru")
                    shoot(applicant, out / "apply-ru.png")

                    reviewer = browser.new_context(viewport=VIEWPORT, locale="en-GB").new_page()
                    log_in(reviewer, base_url, ACCOUNT, password)
                    shoot(reviewer, out / "queue.png")
                    open_case_with_history(reviewer, base_url)
                    shoot(reviewer, out / "case.png")
                    open_ring_member(reviewer, base_url)
                    reviewer.wait_for_load_state("networkidle")
                    reviewer.locator("section.trust").screenshot(path=str(out / "trust.png"))
                    print(f"wrote {out / 'trust.png'}")
                finally:
                    browser.close()
        finally:
            container.close()


if __name__ == "__main__":
    main()
