"""Roles, permissions and the compartments of personal data each role may read.

Permissions are spelled `scope:resource:action`. A role is a fixed set of them; nothing
grants a permission outside this table, so the web adapter and the tests read it alike.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"
    RECRUITER = "recruiter"
    INTERVIEWER = "interviewer"
    SECURITY_OFFICER = "security_officer"
    PLACEMENT_OFFICER = "placement_officer"
    AUDITOR = "auditor"


class Permission(StrEnum):
    CASES_READ = "case:application:read"
    CASES_EXPORT = "case:application:export"
    CASES_ADVANCE = "case:application:advance"
    VOUCHES_READ = "case:vouch:read"
    VOUCHES_WRITE = "case:vouch:write"
    TRUST_READ = "security:trust:read"
    SCREENING_READ = "security:hit:read"
    SCREENING_DECIDE = "security:hit:decide"
    UNITS_READ = "placement:unit:read"
    UNITS_WRITE = "placement:unit:write"
    USERS_MANAGE = "admin:user:manage"
    AUDIT_READ = "audit:log:read"
    SEEDS_MANAGE = "admin:seed:manage"
    REVIEW_FLAGS_CLEAR = "security:flag:clear"
    DUPLICATES_READ = "case:duplicate:read"  # only for roles reading the contact compartment: it compares contacts


class Compartment(StrEnum):
    """A group of questionnaire fields read together; each role sees a fixed subset."""

    IDENTITY = "identity"
    CONTACT = "contact"
    BACKGROUND = "background"
    SERVICE = "service"
    SECURITY = "security"


_CASEWORK = {Permission.CASES_READ, Permission.CASES_ADVANCE, Permission.UNITS_READ}

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset({Permission.USERS_MANAGE, Permission.UNITS_READ, Permission.UNITS_WRITE, Permission.SEEDS_MANAGE}),
    Role.RECRUITER: frozenset(_CASEWORK | {Permission.CASES_EXPORT, Permission.VOUCHES_READ, Permission.VOUCHES_WRITE,
                                           Permission.DUPLICATES_READ}),
    Role.INTERVIEWER: frozenset(_CASEWORK),
    Role.SECURITY_OFFICER: frozenset(
        _CASEWORK | {Permission.CASES_EXPORT, Permission.VOUCHES_READ, Permission.VOUCHES_WRITE, Permission.TRUST_READ,
                     Permission.SCREENING_READ, Permission.SCREENING_DECIDE,
                     Permission.REVIEW_FLAGS_CLEAR, Permission.DUPLICATES_READ}
    ),
    Role.PLACEMENT_OFFICER: frozenset(_CASEWORK | {Permission.CASES_EXPORT, Permission.UNITS_WRITE}),
    Role.AUDITOR: frozenset({Permission.AUDIT_READ}),
}

# Need to know: an interviewer does not need the applicant's phone number, a placement
# officer does not need the security notes. Admins run accounts, not cases.
ROLE_COMPARTMENTS: dict[Role, frozenset[Compartment]] = {
    Role.ADMIN: frozenset(),
    Role.RECRUITER: frozenset({Compartment.IDENTITY, Compartment.CONTACT, Compartment.BACKGROUND}),
    Role.INTERVIEWER: frozenset({Compartment.IDENTITY, Compartment.BACKGROUND, Compartment.SERVICE}),
    Role.SECURITY_OFFICER: frozenset(Compartment),
    Role.PLACEMENT_OFFICER: frozenset({Compartment.IDENTITY, Compartment.SERVICE}),
    Role.AUDITOR: frozenset(),
}


def has_permission(role: Role, permission: Permission) -> bool:
    """Whether `role` holds `permission`."""
    return permission in ROLE_PERMISSIONS[role]


def visible_compartments(role: Role) -> frozenset[Compartment]:
    """The compartments of personal data `role` may read."""
    return ROLE_COMPARTMENTS[role]
