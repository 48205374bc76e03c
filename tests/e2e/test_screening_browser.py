"""A security officer works a watchlist hit in real Chromium: queue panel, explanation, dismissal with a reason.

Muster is served on a free port with its lifespan, so the background worker screens the submission as in
production. Shares the `browser` xdist group with the other Chromium tests.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from muster.bootstrap import build, prepare
from muster.config import Settings
from muster.domain.permissions import Role
from muster.domain.screening import ImportSummary
from muster.importers.watchlist_csv import read_watchlist_csv
from muster.web.app import create_app
from tests.factories import valid_answers

pytestmark = pytest.mark.xdist_group("browser")

FIXTURES = Path(__file__).resolve().parents[1] / "integration" / "screening_fixtures"


def test_an_officer_reads_the_explanation_and_dismisses_the_hit(tmp_path: Path, app_server: Callable[[Any], str],
                                                                  browser_page: Page) -> None:
    container = build(Settings(data_dir=tmp_path, demo=False, public_rate_limit=0))
    prepare(container)
    try:
        officer, password = container.accounts.add("sofia", Role.SECURITY_OFFICER)
        loaded = read_watchlist_csv(FIXTURES / "list_v1.csv")
        container.screening.import_list("sanctions", loaded.entries, ImportSummary("list_v1.csv", "csv", 2, 2, 3, 0, 0, 0))
        base = app_server(create_app(container))
        application_id = container.intake.submit(valid_answers(family_name="Писаревский", given_name="Евгений",
                                                               patronymic="Леонидович", name_latin=None)).application_id
        deadline = time.monotonic() + 20
        while not container.screening.status(officer).open_queue and time.monotonic() < deadline:
            time.sleep(0.1)

        page = browser_page
        page.goto(base + "/login")
        page.get_by_label("Username").fill("sofia")
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Log in").click()
        panel = page.locator("#open-hits")
        expect(panel.get_by_role("link", name=application_id[:8])).to_be_visible()  # loaded by HTMX on the queue
        panel.get_by_role("link", name=application_id[:8]).click()

        hits = page.locator("#hits")
        expect(hits.get_by_role("heading", level=3)).to_contain_text("sanctions v1 · entry W1")
        expect(hits).to_contain_text("Listed as Pisarevsky Evgeny Leonidovich")
        expect(hits.locator(".explanation")).to_contain_text("met list name 'Pisarevsky Evgeny Leonidovich'")
        hits.get_by_label("Reason").fill("Namesake: the listed man was born in 1970, abroad since.")
        hits.get_by_role("button", name="Dismiss").click()
        expect(page.locator("#hits")).to_contain_text("Dismissed")
        expect(page.locator("#hits")).to_contain_text("Namesake: the listed man was born in 1970")
        assert [h.status.value for h in container.screening.hits(officer, application_id)] == ["dismissed"]
    finally:
        container.close()
