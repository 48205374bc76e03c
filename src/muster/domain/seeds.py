"""Seeds: members trusted a priori, set by an admin. They anchor the vouch graph: trust spreads from them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from muster.domain.errors import ValidationFailed

MEMBER_PREFIX = "member:"
_NAME = re.compile(r"[\w.\-]{1,64}")


@dataclass(frozen=True)
class Seed:
    """A seed member's graph node id (`member:<name>`), who marked it (reviewer id or "system") and when."""

    node: str
    set_by: str
    set_at: datetime

    @property
    def member(self) -> str:
        return self.node.removeprefix(MEMBER_PREFIX)


def seed_node(member: str) -> str:
    """The node id of a member given as `name` or `member:name`; ValidationFailed for anything else."""
    name = member.strip().removeprefix(MEMBER_PREFIX)
    if not _NAME.fullmatch(name):
        raise ValidationFailed({"member": "a member name: 1 to 64 letters, digits, '.', '_' or '-'"})
    return MEMBER_PREFIX + name
