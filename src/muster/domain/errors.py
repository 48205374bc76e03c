"""Every error Muster raises on purpose.

    MusterError
    ├── ValidationFailed          input broke a rule; carries the problems per field
    ├── NotFound
    │   ├── ApplicationUnknown
    │   ├── ReceiptUnknown
    │   ├── ReviewerUnknown
    │   ├── UnitUnknown
    │   └── HitUnknown
    ├── WorkflowError
    │   ├── TransitionNotAllowed  the action does not apply to the current stage
    │   ├── RoleNotAllowed        the actor's role may not take this action
    │   ├── ReasonRequired        a rejection without reason code and text
    │   ├── FourEyesViolation     the second approval came from the first approver
    │   ├── OpenHitsRemain        a watchlist hit is not decided yet; the case may not move forward
    │   ├── WatchlistMatchConfirmed  a hit was confirmed; the case may not move forward
    │   ├── ScreeningPending      watchlists exist but the application was not screened yet
    │   └── HitAlreadyDecided     a hit is confirmed or dismissed once
    ├── CapacityExceeded          a unit has no free seat
    ├── AuthError
    │   ├── InvalidCredentials
    │   ├── AccountLocked
    │   ├── AccountDisabled
    │   └── PermissionDenied
    ├── ImportFailed              a watchlist or bulk file could not be read; nothing was changed
    └── InputError                a batch input file (edges, seeds, queries) is malformed

Messages carry ids and codes, never names, answers or contact details.
HTTP status codes live in the web adapter, not here.
"""

from __future__ import annotations


class MusterError(Exception):
    """Root of Muster's own errors."""


class ValidationFailed(MusterError):
    """Input broke one or more rules; `problems` maps a field name to what is wrong with it."""

    def __init__(self, problems: dict[str, str]) -> None:
        self.problems = dict(problems)
        fields = ", ".join(sorted(self.problems))
        super().__init__(f"invalid input in: {fields}")

    @property
    def details(self) -> str:
        """What is wrong, field by field: 'capacity: must be between 1 and 100000; name: ...'."""
        return "; ".join(f"{field}: {problem}" for field, problem in self.problems.items())


class NotFound(MusterError):
    """Something asked for by id does not exist (or is not visible to the asker)."""


class ApplicationUnknown(NotFound):
    pass


class ReceiptUnknown(NotFound):
    pass


class ReviewerUnknown(NotFound):
    pass


class UnitUnknown(NotFound):
    pass


class HitUnknown(NotFound):
    pass


class WorkflowError(MusterError):
    """A workflow rule refused an action."""


class TransitionNotAllowed(WorkflowError):
    def __init__(self, stage: str, action: str) -> None:
        self.stage = stage
        self.action = action
        super().__init__(f"action '{action}' is not allowed in stage '{stage}'")


class RoleNotAllowed(WorkflowError):
    def __init__(self, action: str, role: str) -> None:
        self.action = action
        self.role = role
        super().__init__(f"role '{role}' may not take action '{action}'")


class ReasonRequired(WorkflowError):
    pass


class FourEyesViolation(WorkflowError):
    pass


class OpenHitsRemain(WorkflowError):
    """A watchlist hit on the application is still open: a security officer must decide it first."""


class WatchlistMatchConfirmed(WorkflowError):
    """A watchlist hit on the application was confirmed: it may be rejected, not moved forward."""


class ScreeningPending(WorkflowError):
    """Watchlists are loaded but the application has not been screened against them yet."""


class HitAlreadyDecided(WorkflowError):
    """A hit was already confirmed or dismissed; decisions are not changed afterwards."""


class CapacityExceeded(MusterError):
    pass


class AuthError(MusterError):
    """Authentication or authorisation failed."""


class InvalidCredentials(AuthError):
    pass


class AccountLocked(AuthError):
    pass


class AccountDisabled(AuthError):
    pass


class PermissionDenied(AuthError):
    pass


class ImportFailed(MusterError):
    """An import could not complete; the previous state is untouched."""


class InputError(MusterError):
    """A batch input file is malformed; the message names the file, line and problem."""
