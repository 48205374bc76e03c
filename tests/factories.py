"""Builders shared by tests: a wired container on a given database, valid answers, logins."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from muster.bootstrap import Container, build, prepare
from muster.config import Settings
from muster.domain.accounts import Reviewer
from muster.domain.permissions import Role

PASSWORD = "correct horse battery staple"


def make_container(tmp_path: Path, database_url: str | None = None, **settings: Any) -> Container:
    """A migrated container; data (keys, key store, SQLite) under `tmp_path`."""
    settings.setdefault("public_rate_limit", 0)  # tests submit far faster than any person
    container = build(Settings(data_dir=tmp_path, database_url=database_url, demo=False, **settings))
    prepare(container)
    return container


def valid_answers(**overrides: Any) -> dict[str, Any]:
    answers: dict[str, Any] = {
        "family_name": "Корнилов",
        "given_name": "Фёдор",
        "patronymic": "Ильич",
        "name_latin": "Fedor Kornilov",
        "birth_date": "1991-04-12",
        "citizenship": "RU",
        "email": "f.kornilov@example.org",
        "phone": "+7 900 000-00-00",
        "languages": ["ru", "en"],
        "military_experience": "conscript",
        "skills": ["driver", "medic"],
        "motivation": "Хочу помочь.",
        "relatives_in_russia": True,
    }
    answers.update(overrides)
    return {k: v for k, v in answers.items() if v is not None}


def add_reviewer(container: Container, role: Role, username: str | None = None) -> Reviewer:
    """A new account with `role` (username `<role>-1` unless given), as the reviewer it is."""
    return container.accounts.add(username or f"{role.value}-1", role, PASSWORD)[0]


def add_reviewers(container: Container, suffix: str = "") -> dict[Role, str]:
    """One account per role (a second recruiter as `recruiter2`); returns role -> username."""
    names = {}
    for role in Role:
        username = f"{role.value}{suffix}"
        if role is not Role.ADMIN or suffix:
            container.accounts.add(username, role, PASSWORD)
        names[role] = username
    container.accounts.add(f"recruiter2{suffix}", Role.RECRUITER, PASSWORD)
    return names
