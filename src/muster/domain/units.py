"""Units an approved volunteer can be placed into, and the simple placement rule.

A unit has a capacity and the skills and languages it asks for. `rank_units` orders units
for one volunteer by what they share, and says why, so a placement officer reads the reason
next to the suggestion.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from muster.domain.errors import CapacityExceeded
from muster.domain.ids import UnitId


@dataclass(frozen=True)
class Unit:
    id: UnitId
    name: str
    capacity: int
    skills_wanted: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()

    def free_seats(self, occupied: int) -> int:
        return max(self.capacity - occupied, 0)


def check_room(unit: Unit, occupied: int) -> None:
    """Raise CapacityExceeded when `unit` has no free seat."""
    if unit.free_seats(occupied) <= 0:
        raise CapacityExceeded(f"unit {unit.id} is full ({occupied}/{unit.capacity})")


@dataclass(frozen=True)
class UnitSuggestion:
    unit: Unit
    score: float
    reason: str


def rank_units(
    units: Iterable[Unit], occupied: dict[UnitId, int], skills: Sequence[str], languages: Sequence[str]
) -> list[UnitSuggestion]:
    """Units with a free seat, best first: shared skills count twice, a shared language once."""
    suggestions = []
    for unit in units:
        free = unit.free_seats(occupied.get(unit.id, 0))
        if free <= 0:
            continue
        shared_skills = sorted(set(skills) & set(unit.skills_wanted))
        shared_languages = sorted(set(languages) & set(unit.languages))
        score = 2 * len(shared_skills) + len(shared_languages)
        parts = [f"{free} of {unit.capacity} seats free"]
        if shared_skills:
            parts.append("skills: " + ", ".join(shared_skills))
        if shared_languages:
            parts.append("languages: " + ", ".join(shared_languages))
        suggestions.append(UnitSuggestion(unit, float(score), "; ".join(parts)))
    return sorted(suggestions, key=lambda s: (-s.score, s.unit.name))
