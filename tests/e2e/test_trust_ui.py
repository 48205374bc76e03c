"""Vouches and trust on the case page, through TestClient with cookie sessions (as a browser sends them):
security officers see the trust panel and the picture, other roles get neither; vouch forms need CSRF."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from muster.domain.jobs import JobKind
from muster.domain.permissions import Role
from muster.domain.vouches import Relationship
from muster.domain.workflow import Action, ActionInput, ReasonCode
from muster.jobs.runner import JobRunner
from muster.web.app import create_app
from tests.factories import PASSWORD, make_container, valid_answers

HTMX = {"HX-Request": "true"}


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    container = make_container(tmp_path_factory.mktemp("trust-ui"))
    people = {role: container.accounts.add(f"ui-{role.value}", role, PASSWORD)[0] for role in Role}
    app = create_app(container)
    browsers = {}
    for role in Role:
        login = TestClient(app).post("/api/auth/login", json={"username": f"ui-{role.value}", "password": PASSWORD}).json()
        browsers[role] = (TestClient(app, cookies={"muster_session": login["token"]}, follow_redirects=False),
                          login["csrf_token"])
    recruiter = people[Role.RECRUITER]
    container.trust.add_seed(None, "ui-seed")
    ids = [container.intake.submit(valid_answers()).application_id for _ in range(10)]
    honest, ring = ids[:6], ids[6:]

    def vouch(voucher, vouchee, strength=0.9):
        container.vouching.add(recruiter, voucher=voucher, vouchee=vouchee, relationship=Relationship.FRIEND,
                               known_for_years=2, strength=strength)

    for a in honest:
        vouch("member:ui-seed", a)
    for a, b in zip(honest, honest[1:]):
        vouch(f"app:{a}", b, 0.7)
    for a in ring:
        for b in ring:
            if a != b:
                vouch(f"app:{a}", b, 1.0)
    vouch("member:ui-seed", ring[0], 0.5)
    yield container, people, browsers, honest, ring
    container.close()


def no_inline_style(html):
    return "<style" not in html and not re.search(r"\sstyle=", html)


class TestSecurityOfficer:
    def test_the_case_page_loads_vouch_and_trust_panels(self, env):
        _, _, browsers, _, ring = env
        client, _ = browsers[Role.SECURITY_OFFICER]
        page = client.get(f"/cases/{ring[2]}").text
        assert f'hx-get="/cases/{ring[2]}/trust"' in page and f'hx-get="/cases/{ring[2]}/vouches"' in page
        panel = client.get(f"/cases/{ring[2]}/trust", headers=HTMX)
        assert panel.status_code == 200 and panel.headers["cache-control"] == "no-store"
        html = panel.text
        assert "<html" not in html and "suspected ring member" in html and "Suspected ring" in html
        assert "6 vouching pairs among them and 1" in html
        assert f'<a href="/cases/{ring[0]}">applicant {ring[0][:8]}</a>' in html
        assert f'src="/cases/{ring[2]}/trust.svg"' in html
        assert no_inline_style(html) and no_inline_style(page)

    def test_paths_to_seeds_read_as_text(self, env):
        _, _, browsers, honest, _ = env
        client, _ = browsers[Role.SECURITY_OFFICER]
        html = client.get(f"/cases/{honest[0]}/trust", headers=HTMX).text
        assert "vouched by seed ui-seed (member; friend, known 2 years, strength 0.9)" in html
        full = client.get(f"/cases/{honest[0]}/trust").text  # without scripts: a page of its own
        assert "<html" in full and "vouched by seed ui-seed (member; friend" in full

    def test_the_picture_is_svg_with_its_own_csp(self, env):
        _, _, browsers, _, ring = env
        client, _ = browsers[Role.SECURITY_OFFICER]
        response = client.get(f"/cases/{ring[1]}/trust.svg")
        assert response.status_code == 200 and response.headers["content-type"].startswith("image/svg+xml")
        assert response.headers["content-security-policy"].startswith("default-src 'none'; style-src 'unsafe-inline'")
        assert response.text.startswith("<svg") and 'class="node flagged' in response.text
        assert "<script" not in response.text
        assert f"applicant {ring[1][:8]}<" in response.text and ring[1] not in response.text  # ids shortened as on the page

    def test_the_queue_shows_review_flags_and_ring_members(self, env):
        container, people, browsers, honest, _ = env
        client, csrf = browsers[Role.SECURITY_OFFICER]
        source = container.intake.submit(valid_answers()).application_id
        container.vouching.add(people[Role.RECRUITER], voucher=f"app:{source}", vouchee=honest[5],
                               relationship=Relationship.ONLINE_ONLY, known_for_years=1, strength=0.4)
        container.cases.act(people[Role.RECRUITER], source, Action.START_SCREENING, ActionInput())
        container.cases.act(people[Role.SECURITY_OFFICER], source, Action.REJECT,
                            ActionInput(reason_code=ReasonCode.SUSPECTED_INFILTRATION, note="ring"))
        assert 'hx-get="/review-flags"' in client.get("/cases").text
        queue = client.get("/review-flags", headers=HTMX).text
        assert f'href="/cases/{honest[5]}#trust"' in queue and "rejected as a suspected infiltrator" in queue
        assert "Suspected ring members" in queue and "suspected ring 1" in queue
        assert "The nightly rescore has not run yet." in queue
        nightly = container.jobs.run(container.jobs.claimed(JobKind.TRUST_RECOMPUTE, {}))
        queue = client.get("/review-flags", headers=HTMX).text
        assert (f"Last run: <b>done</b>, queued {nightly.created_at:%Y-%m-%d %H:%M} UTC. {nightly.result['nodes']} people "
                f"and {nightly.result['vouches']} vouches scored from 1 seed; {nightly.result['flagged']} flagged") in queue

        def breaks(job, progress):
            raise RuntimeError("database went away")

        failing = JobRunner(uow=container.uow, clock=container.clock, new_id=lambda: "nightly-that-failed",
                            handlers={JobKind.TRUST_RECOMPUTE: breaks})
        failing.run(failing.claimed(JobKind.TRUST_RECOMPUTE, {}))
        queue = client.get("/review-flags", headers=HTMX).text
        assert "Last run: <b>failed</b>" in queue and "Failed: RuntimeError: database went away" in queue
        panel = client.get(f"/cases/{honest[5]}/trust", headers=HTMX).text
        flag_id = re.search(r'/review-flags/([0-9a-f-]+)/clear', panel).group(1)
        url = f"/cases/{honest[5]}/review-flags/{flag_id}/clear"
        assert client.post(url, data={"note": "Known to us."}).status_code == 403  # no CSRF token
        assert client.post(url, data={"note": "Known to us.", "csrf_token": csrf}).status_code == 303
        assert "“Known to us.”" in client.get(f"/cases/{honest[5]}/trust", headers=HTMX).text


class TestVouchForms:
    def test_a_recruiter_adds_and_revokes_a_vouch_with_csrf(self, env):
        _, _, browsers, honest, _ = env
        client, csrf = browsers[Role.RECRUITER]
        form = {"voucher": "olha-m", "relationship": "served_together", "known_for_years": "3", "strength": "0.8",
                "note": "Same platoon in 2023."}
        assert client.post(f"/cases/{honest[3]}/vouches", data=form).status_code == 403
        added = client.post(f"/cases/{honest[3]}/vouches", data={**form, "csrf_token": csrf})
        assert added.status_code == 303 and added.headers["location"] == f"/cases/{honest[3]}#vouches"
        panel = client.get(f"/cases/{honest[3]}/vouches", headers=HTMX).text
        assert "olha-m (member)" in panel and "Same platoon in 2023." in panel
        vouch_id = re.search(r'/vouches/([0-9a-f-]+)/revoke', panel.split("olha-m (member)")[1]).group(1)
        revoke = f"/cases/{honest[3]}/vouches/{vouch_id}/revoke"
        assert client.post(revoke, data={"csrf_token": csrf}).status_code == 303
        assert 'class="revoked"' in client.get(f"/cases/{honest[3]}/vouches", headers=HTMX).text

    def test_a_bad_vouch_is_shown_as_an_error_on_the_case_page(self, env):
        _, _, browsers, honest, _ = env
        client, csrf = browsers[Role.RECRUITER]
        response = client.post(f"/cases/{honest[2]}/vouches", data={
            "voucher": "olha-m", "relationship": "friend", "known_for_years": "1", "strength": "7", "csrf_token": csrf})
        assert response.status_code == 200 and "Vouch not added" in response.text
        assert "Call this number" not in client.get(f"/cases/{honest[2]}?error=Call+this+number").text


class TestOtherRoles:
    @pytest.mark.parametrize("role", [Role.RECRUITER, Role.INTERVIEWER, Role.PLACEMENT_OFFICER])
    def test_no_trust_on_the_case_page_nor_behind_it(self, env, role):
        _, _, browsers, _, ring = env
        client, _ = browsers[role]
        page = client.get(f"/cases/{ring[2]}").text
        assert "/trust" not in page and "suspected ring" not in page and "review-flags" not in page
        assert client.get(f"/cases/{ring[2]}/trust", headers=HTMX).status_code == 403
        assert client.get(f"/cases/{ring[2]}/trust").status_code == 403
        assert client.get(f"/cases/{ring[2]}/trust.svg").status_code == 403
        assert client.get("/review-flags").status_code == 403
        assert "review-flags" not in client.get("/cases").text

    def test_vouches_show_only_to_roles_that_read_them(self, env):
        _, _, browsers, _, ring = env
        for role in (Role.INTERVIEWER, Role.PLACEMENT_OFFICER):
            client, _ = browsers[role]
            assert "/vouches" not in client.get(f"/cases/{ring[2]}").text
            assert client.get(f"/cases/{ring[2]}/vouches", headers=HTMX).status_code == 403
        client, _ = browsers[Role.RECRUITER]
        panel = client.get(f"/cases/{ring[2]}/vouches", headers=HTMX).text
        assert "Revoke" in panel and "Add vouch" in panel and "score" not in panel.lower()


class TestSeedsPage:
    def test_an_admin_adds_and_removes_a_seed_and_sees_its_vouches(self, env):
        _, _, browsers, _, _ = env
        client, csrf = browsers[Role.ADMIN]
        page = client.get("/seeds").text
        assert '<a href="/seeds">Seeds</a>' in page
        # The fixture's seed was set by the system and has given seven vouches.
        assert "<td>ui-seed</td><td>7</td><td>system</td>" in page
        assert client.post("/seeds", data={"member": "olha-m"}).status_code == 403  # no CSRF token
        assert client.post("/seeds", data={"member": "olha-m", "csrf_token": csrf}).status_code == 303
        assert "<td>olha-m</td><td>0</td><td>ui-admin</td>" in client.get("/seeds").text
        again = client.post("/seeds", data={"member": "member:olha-m", "csrf_token": csrf})
        assert again.status_code == 200 and "member: is already a seed" in again.text
        bad = client.post("/seeds", data={"member": "olha m!", "csrf_token": csrf})
        assert "member: a member name: 1 to 64 letters" in bad.text
        assert client.post("/seeds/remove", data={"member": "olha-m", "csrf_token": csrf}).status_code == 303
        assert "olha-m" not in client.get("/seeds").text
        gone = client.post("/seeds/remove", data={"member": "olha-m", "csrf_token": csrf})
        assert "member:olha-m is not a seed" in gone.text
        # Names the rule allows that would be path steps in a URL come and go like any other.
        for name in ("..", "Олег.К"):
            assert client.post("/seeds", data={"member": name, "csrf_token": csrf}).status_code == 303
            assert client.post("/seeds/remove", data={"member": name, "csrf_token": csrf}).status_code == 303
        assert client.get("/seeds?error=Call+this+number").text.count("Call this number") == 0

    @pytest.mark.parametrize("role", [Role.RECRUITER, Role.SECURITY_OFFICER, Role.AUDITOR])
    def test_other_roles_neither_see_nor_change_seeds(self, env, role):
        container, _, browsers, _, _ = env
        client, csrf = browsers[role]
        assert client.get("/seeds").status_code == 403
        assert "/seeds" not in client.get("/cases").text
        assert client.post("/seeds", data={"member": "intruder", "csrf_token": csrf}).status_code == 403
        assert client.post("/seeds/remove", data={"member": "ui-seed", "csrf_token": csrf}).status_code == 403
        assert [s.member for s in container.trust.seeds(None)] == ["ui-seed"]
