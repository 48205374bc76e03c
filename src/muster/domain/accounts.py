"""Reviewer accounts and the lockout rule; password hashing itself lives in an adapter."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime, timedelta

from muster.domain.errors import PermissionDenied
from muster.domain.ids import ReviewerId
from muster.domain.permissions import Permission, Role, has_permission


@dataclass(frozen=True)
class Reviewer:
    id: ReviewerId
    username: str
    role: Role
    disabled: bool = False
    failed_logins: int = 0
    locked_until: datetime | None = None

    def is_locked(self, now: datetime) -> bool:
        return self.locked_until is not None and now < self.locked_until


def require(reviewer: Reviewer, permission: Permission) -> None:
    """PermissionDenied unless the reviewer's role holds `permission`."""
    if not has_permission(reviewer.role, permission):
        raise PermissionDenied(f"role '{reviewer.role}' lacks '{permission}'")


@dataclass(frozen=True)
class LockoutPolicy:
    max_failures: int = 5
    lock_for: timedelta = timedelta(minutes=15)

    def after_failure(self, reviewer: Reviewer, now: datetime) -> Reviewer:
        failures = reviewer.failed_logins + 1
        if failures >= self.max_failures:
            return dataclasses.replace(reviewer, failed_logins=0, locked_until=now + self.lock_for)
        return dataclasses.replace(reviewer, failed_logins=failures)

    def after_success(self, reviewer: Reviewer) -> Reviewer:
        return dataclasses.replace(reviewer, failed_logins=0, locked_until=None)
