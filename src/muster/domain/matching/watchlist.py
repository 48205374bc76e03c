"""Watchlist records as the matcher sees them: entries, queries and the list they belong to."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class WatchlistEntry:
    """One listed person or organisation: every name it is known by, birth dates and countries.

    ``birth_dates`` hold ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``; ``countries`` ISO 3166 alpha-2 codes
    in upper case (nationality, citizenship or residence, as the source gives them).
    """

    id: str
    names: tuple[str, ...]
    birth_dates: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    schema: str = "Person"

    def __post_init__(self) -> None:
        if not self.names:
            raise ValueError(f"watchlist entry {self.id} has no name")


@dataclass(frozen=True, slots=True)
class Watchlist:
    """A named, versioned list; an import produces a new version, never edits an old one."""

    name: str
    version: str
    entries: tuple[WatchlistEntry, ...] = field(default_factory=tuple)


@dataclass(frozen=True, slots=True)
class ScreeningQuery:
    """A person to screen: a name in any script, optionally a birth date and a country."""

    id: str
    name: str
    birth_date: str | None = None
    country: str | None = None
