"""Reviewer accounts and login sessions: add, list, disable, log in with lockout, log out."""

from __future__ import annotations

import dataclasses
import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from muster.domain.accounts import LockoutPolicy, Reviewer
from muster.domain.audit import AuditAction, AuditEvent
from muster.domain.errors import AccountDisabled, AccountLocked, InvalidCredentials, ValidationFailed
from muster.domain.ids import ReviewerId
from muster.domain.permissions import Role
from muster.services.audit import actor_of
from muster.services.ports import AuditTrail, Clock, PasswordHasher, UnitOfWork

MIN_PASSWORD_LENGTH = 12


@dataclass(frozen=True)
class LoginSession:
    token: str
    csrf_token: str
    reviewer: Reviewer


def _token_hash(token: str) -> str:
    # Session tokens are random, so a fast hash suffices: a stolen sessions table cannot be replayed.
    return hashlib.sha256(token.encode()).hexdigest()


def generate_password() -> str:
    """A one-time password for a new account (about 95 bits)."""
    return secrets.token_urlsafe(12)


class AccountService:
    def __init__(self, *, uow: Callable[[], UnitOfWork], hasher: PasswordHasher, clock: Clock,
                 new_id: Callable[[], str], lockout: LockoutPolicy, session_lifetime: timedelta,
                 audit: AuditTrail) -> None:
        self._uow = uow
        self._audit = audit
        self._hasher = hasher
        self._clock = clock
        self._new_id = new_id
        self._lockout = lockout
        self._lifetime = session_lifetime

    def add(self, username: str, role: Role, password: str | None = None, *,
            by: Reviewer | None = None) -> tuple[Reviewer, str]:
        """Create an account; returns it with its password (generated when not given).
        `by`: the admin doing it, or None for a local administrator at the command line."""
        username = username.strip()
        if not username or len(username) > 64 or not username.replace("_", "").replace("-", "").replace(".", "").isalnum():
            raise ValidationFailed({"username": "letters, digits, '.', '-' and '_' only, at most 64"})
        password = password or generate_password()
        if len(password) < MIN_PASSWORD_LENGTH:
            raise ValidationFailed({"password": f"at least {MIN_PASSWORD_LENGTH} characters"})
        reviewer = Reviewer(id=ReviewerId(self._new_id()), username=username, role=role)
        with self._uow() as uow:
            if uow.reviewers.by_username(username) is not None:
                raise ValidationFailed({"username": "already taken"})
            uow.reviewers.add(reviewer, password_hash=self._hasher.hash(password), created_at=self._clock.now())
            self._audit.commit(uow, AuditEvent(actor_of(by), AuditAction.USER_ACCOUNT_CREATE, None,
                                                        f"account {reviewer.id} role {role}"))
        return reviewer, password

    def list(self) -> list[Reviewer]:
        with self._uow() as uow:
            return uow.reviewers.list()

    def set_disabled(self, username: str, disabled: bool = True, *, by: Reviewer | None = None) -> Reviewer:
        with self._uow() as uow:
            found = uow.reviewers.by_username(username)
            if found is None:
                raise ValidationFailed({"username": "no such account"})
            reviewer = dataclasses.replace(found[0], disabled=disabled)
            uow.reviewers.save(reviewer)
            if disabled:
                uow.sessions.delete_for(reviewer.id)
            action = AuditAction.USER_ACCOUNT_DISABLE if disabled else AuditAction.USER_ACCOUNT_ENABLE
            self._audit.commit(uow, AuditEvent(actor_of(by), action, None, f"account {reviewer.id}"))
        return reviewer

    def login(self, username: str, password: str) -> LoginSession:
        """A new session, or InvalidCredentials / AccountLocked / AccountDisabled."""
        now = self._clock.now()
        with self._uow() as uow:
            found = uow.reviewers.by_username(username)
            if found is None:
                self._hasher.hash(password)  # same work as a real check, so timing does not reveal names
                raise InvalidCredentials("wrong username or password")
            reviewer, stored = found
            if reviewer.is_locked(now):
                raise AccountLocked("account locked after repeated failures; try again later")
            if not self._hasher.verify(stored, password):
                uow.reviewers.save(self._lockout.after_failure(reviewer, now))
                uow.commit()
                raise InvalidCredentials("wrong username or password")
            if reviewer.disabled:
                raise AccountDisabled("account disabled")
            reviewer = self._lockout.after_success(reviewer)
            uow.reviewers.save(reviewer)
            token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
            uow.sessions.add(token_hash=_token_hash(token), reviewer_id=reviewer.id, csrf_token=csrf,
                             expires_at=now + self._lifetime)
            uow.commit()
        return LoginSession(token, csrf, reviewer)

    def authenticate(self, token: str) -> LoginSession | None:
        """The live session for `token`, or None when unknown, expired or the account is disabled."""
        with self._uow() as uow:
            found = uow.sessions.get(_token_hash(token))
            if found is None:
                return None
            reviewer_id, csrf, expires_at = found
            if expires_at <= self._clock.now():
                uow.sessions.delete(_token_hash(token))
                uow.commit()
                return None
            reviewer = uow.reviewers.get(reviewer_id)
        if reviewer.disabled:
            return None
        return LoginSession(token, csrf, reviewer)

    def logout(self, token: str) -> None:
        with self._uow() as uow:
            uow.sessions.delete(_token_hash(token))
            uow.commit()
