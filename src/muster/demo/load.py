"""Demo data: reviewer accounts for every role, units, and synthetic applicants at every stage.

Everything goes through the services, as a user's actions would, so the demo exercises the
same rules (four-eyes, reasons, capacity) as real work.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from muster.domain.accounts import Reviewer
from muster.domain.ids import ApplicationId
from muster.domain.permissions import Role
from muster.domain.vouches import Relationship
from muster.domain.workflow import Action, ActionInput, ReasonCode
from muster.demo.people import SyntheticPerson, applying_twice, synthetic_people

UNITS = (
    ("1st Volunteer Company", 25, ("driver", "mechanic", "logistics"), ("ru", "uk")),
    ("Signals Platoon", 12, ("signals", "it"), ("ru", "en")),
    ("Medical Section", 10, ("medic",), ("ru", "uk", "en")),
    ("International Support Team", 15, ("translator", "logistics", "cook"), ("en", "uk")),
)

# How far each demo application gets: (share of applicants, actions taken in order).
PATHS: tuple[tuple[float, tuple[Action, ...]], ...] = (
    (0.30, ()),
    (0.20, (Action.START_SCREENING,)),
    (0.15, (Action.START_SCREENING, Action.CLEAR_SCREENING)),
    (0.10, (Action.START_SCREENING, Action.CLEAR_SCREENING, Action.COMPLETE_INTERVIEW)),
    (0.08, (Action.START_SCREENING, Action.CLEAR_SCREENING, Action.COMPLETE_INTERVIEW, Action.CLEAR_SECURITY)),
    (0.07, (Action.START_SCREENING, Action.CLEAR_SCREENING, Action.COMPLETE_INTERVIEW, Action.CLEAR_SECURITY,
            Action.APPROVE, Action.APPROVE)),
    (0.05, (Action.START_SCREENING, Action.CLEAR_SCREENING, Action.COMPLETE_INTERVIEW, Action.CLEAR_SECURITY,
            Action.APPROVE, Action.APPROVE, Action.PLACE)),
    (0.05, (Action.START_SCREENING, Action.REJECT)),
)

NOTES = {
    Action.COMPLETE_INTERVIEW: "Interview held; motivation consistent with the questionnaire.",
    Action.CLEAR_SECURITY: "Documents and references checked; nothing adverse found.",
    Action.REJECT: "Screening found a confirmed watchlist entry.",
}


@dataclass
class DemoReport:
    accounts: dict[str, str] = field(default_factory=dict)
    applications: int = 0
    units: int = 0
    vouches: int = 0


def answers_for(person: SyntheticPerson, choices: dict[str, list[str]]) -> dict[str, Any]:
    """Questionnaire answers for a synthetic person, kept to the questionnaire's choices."""
    name = person.name
    latin = next((s.name for s in person.spellings if s.scheme.value in ("icao", "bgn", "plain")), None)
    answers: dict[str, Any] = {
        "family_name": name.family,
        "given_name": name.given,
        "patronymic": name.patronymic or "",
        "name_latin": f"{latin.given} {latin.family}" if latin else "",
        "birth_date": person.birth_date.isoformat(),
        "citizenship": person.country,
        "email": person.email,
        "phone": person.phone,
        "languages": [x for x in person.languages if x in choices.get("languages", [])] or ["other"],
        "military_experience": random.Random(person.key).choice(choices.get("military_experience", ["none"])),
        "skills": [x for x in person.skills if x in choices.get("skills", [])],
        "relatives_in_russia": person.country == "RU",
    }
    return answers


def load_demo(container: Any, *, count: int = 60, seed: int = 7) -> DemoReport:
    """Create demo accounts, units and `count` applications; returns the accounts' passwords."""
    report = DemoReport()
    reviewers: dict[str, Reviewer] = {}
    for username, role in (("recruiter", Role.RECRUITER), ("recruiter2", Role.RECRUITER),
                           ("interviewer", Role.INTERVIEWER), ("security", Role.SECURITY_OFFICER),
                           ("placement", Role.PLACEMENT_OFFICER), ("auditor", Role.AUDITOR)):
        reviewer, password = container.accounts.add(username, role)
        reviewers[username] = reviewer
        report.accounts[username] = password
    units = [container.units.create(None, name=n, capacity=c, skills_wanted=s, languages=lang) for n, c, s, lang in UNITS]
    report.units = len(units)

    questionnaire = container.questionnaire
    choices = {q.name: q.choice_values() for q in questionnaire.questions if q.choices}
    rng = random.Random(seed)
    people = synthetic_people(count, seed)
    people += [applying_twice(p, rng) for p in people[:3]]  # the same people again, spelled otherwise
    ids: list[ApplicationId] = []
    for person in people:
        ids.append(container.intake.submit(answers_for(person, choices)).application_id)
    report.applications = len(ids)

    actor_for = {
        Action.START_SCREENING: reviewers["recruiter"], Action.CLEAR_SCREENING: reviewers["security"],
        Action.COMPLETE_INTERVIEW: reviewers["interviewer"], Action.CLEAR_SECURITY: reviewers["security"],
        Action.REJECT: reviewers["security"], Action.PLACE: reviewers["placement"],
    }
    bounds, total = [], 0.0
    for share, path in PATHS:
        total += share
        bounds.append((total, path))
    for index, application_id in enumerate(ids):
        position = (index + 0.5) / len(ids)
        path = next(p for bound, p in bounds if position <= bound + 1e-9)
        approvers = iter((reviewers["recruiter"], reviewers["security"]))
        for action in path:
            actor = next(approvers) if action is Action.APPROVE else actor_for[action]
            given = ActionInput(note=NOTES.get(action, ""),
                                reason_code=ReasonCode.WATCHLIST_MATCH if action is Action.REJECT else None,
                                unit_id=units[index % len(units)].id if action is Action.PLACE else None)
            container.cases.act(actor, application_id, action, given)

    recruiter = reviewers["recruiter"]
    vouch = container.vouching.add
    for member, target in (("member:anna-k", ids[0]), ("member:anna-k", ids[1]), ("member:oleg-t", ids[2])):
        vouch(recruiter, voucher=member, vouchee=target, relationship=Relationship.SERVED_TOGETHER,
              known_for_years=3, strength=0.9, note="Served together in 2022-2023.")
        report.vouches += 1
    members = ("anna-k", "oleg-t", "iryna-s", "pavel-m", "maria-d")
    for member in members:  # seeds: trusted a priori, trust spreads from them
        container.trust.add_seed(None, member)
    honest = ids[3:min(27, len(ids) - 8)]  # an honest region apart from the ring: vouched for by members and each other
    for k, target in enumerate(honest):
        for member in rng.sample(members, 2 if k % 3 else 1):
            vouch(recruiter, voucher=f"member:{member}", vouchee=target, relationship=Relationship.SERVED_TOGETHER,
                  known_for_years=2, strength=0.8, note="Known from the volunteer centre.")
            report.vouches += 1
    for a, b in zip(honest[::2], honest[1::2]):
        vouch(recruiter, voucher=f"app:{a}", vouchee=b, relationship=Relationship.WORKED_TOGETHER,
              known_for_years=4, strength=0.7, note="Worked together.")
        report.vouches += 1
    ring = ids[-8:-4]  # four applicants who all vouch for each other, reached by one member's vouch
    for a in ring:
        for b in ring:
            if a != b:
                vouch(recruiter, voucher=f"app:{a}", vouchee=b, relationship=Relationship.ONLINE_ONLY,
                      known_for_years=0.5, strength=1.0, note="Met online.")
                report.vouches += 1
    vouch(recruiter, voucher="member:oleg-t", vouchee=ring[0], relationship=Relationship.FRIEND,
          known_for_years=1, strength=0.5, note="Friend of a friend.")
    report.vouches += 1
    return report
