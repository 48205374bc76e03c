"""Screening in the pipeline: stored watchlists, screening on arrival, re-screening, the officer's decisions.

- `import_list` stores a new version of a named list in one transaction (a failure stores nothing,
  so the previous version stays current); importers (adapters) read the files, the CLI calls this.
- `screen_application` and `rescreen` read the applicant's names from the sealed identity answers
  (audited as reads by "system"), screen them with the matching engine against the newest version
  of every list, and store the hits never raised before for that (application, list, entry): a hit
  once confirmed or dismissed is not raised again when a list changes.
- The index over all current entries is built once and kept until the set of current versions
  changes (checked with one cheap query per screening, so an import by another process counts too).
- `decide` records a security officer's confirm or dismiss with a reason; `guard` refuses moving a
  case forward while a hit is open or confirmed (CaseService calls it inside its transaction).

Database transactions stay short: names are read in one, matching runs outside any transaction,
hits are written in another, batch by batch.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from muster.domain.accounts import Reviewer, require
from muster.domain.audit import AuditAction, AuditEvent
from muster.domain.errors import ApplicationUnknown, ImportFailed, ScreeningPending, ValidationFailed
from muster.domain.ids import ApplicationId
from muster.domain.jobs import Job, JobKind, JobStatus
from muster.domain.matching import DEFAULT_THRESHOLD, Index, ScreeningQuery, WatchlistEntry, build_index, screen_many
from muster.domain.permissions import Compartment, Permission
from muster.domain.screening import (
    Decision,
    Hit,
    ImportSummary,
    Screened,
    WatchlistVersion,
    best_per_entry,
    check_clearance,
    decide,
    explanation_data,
)
from muster.domain.workflow import Action, Application, Stage
from muster.services.audit import SYSTEM
from muster.services.ports import AuditTrail, Clock, UnitOfWork

# Actions that move a case forward: refused while a hit is open or confirmed.
GUARDED_ACTIONS = frozenset({Action.CLEAR_SCREENING, Action.CLEAR_SECURITY, Action.APPROVE, Action.PLACE})
PIPELINE_STAGES = tuple(s for s in Stage if not s.is_final)
# Which answers make up the names screened: each tuple of fields is joined into one query.
NAME_FIELDS: tuple[tuple[str, ...], ...] = (("family_name", "given_name", "patronymic"), ("name_latin",))
_LIST_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")


@dataclass(frozen=True)
class _Cached:
    key: tuple[str, ...]  # the current version ids
    versions: tuple[WatchlistVersion, ...]
    index: Index
    origin: tuple[tuple[WatchlistVersion, str], ...]  # per index entry: its list version and its own id


@dataclass(frozen=True)
class RescreenResult:
    applications: int
    new_hits: int
    lists: tuple[str, ...]


@dataclass(frozen=True)
class ScreeningStatus:
    current: list[WatchlistVersion]
    history: list[WatchlistVersion]
    last_rescreen: Job | None
    queued_jobs: int
    open_queue: list[tuple[ApplicationId, int, float]]


def check_list_name(name: str) -> str:
    """A list name is 1-120 characters of letters, digits, '-', '_' and '.'."""
    if not name or len(name) > 120 or not set(name) <= _LIST_NAME_CHARS:
        raise ValidationFailed({"list_name": "use 1-120 letters, digits, '-', '_' or '.'"})
    return name


class ScreeningService:
    def __init__(self, *, uow: Callable[[], UnitOfWork], clock: Clock, new_id: Callable[[], str],
                 audit: AuditTrail, threshold: float = DEFAULT_THRESHOLD,
                 name_fields: tuple[tuple[str, ...], ...] = NAME_FIELDS, batch: int = 200) -> None:
        self._uow = uow
        self._clock = clock
        self._new_id = new_id
        self._audit = audit
        self.threshold = threshold
        self._name_fields = name_fields
        self._batch = batch
        self._cache: _Cached | None = None
        self._lock = threading.Lock()

    # --- watchlists ------------------------------------------------------------------------------

    def import_list(self, list_name: str, entries: Sequence[WatchlistEntry], summary: ImportSummary) -> WatchlistVersion:
        """Store `entries` as the next version of `list_name`, all or nothing; the older versions stay."""
        check_list_name(list_name)
        if not entries:
            raise ImportFailed(f"{summary.source}: no entries; list '{list_name}' keeps its previous version")
        with self._uow() as uow:
            version = WatchlistVersion(self._new_id(), list_name, uow.watchlists.next_version(list_name),
                                       self._clock.now(), summary)
            uow.watchlists.add_version(version, entries)
            self._audit.commit(uow, AuditEvent(SYSTEM, AuditAction.WATCHLIST_VERSION_IMPORT, None,
                                                        f"{list_name} v{version.version}: {len(entries)} entries"))
        return version

    def versions(self, list_name: str | None = None) -> list[WatchlistVersion]:
        """Every stored version (history), by list then newest first."""
        with self._uow() as uow:
            return uow.watchlists.versions(list_name)

    def current(self) -> list[WatchlistVersion]:
        with self._uow() as uow:
            return uow.watchlists.current()

    def _index(self) -> _Cached | None:
        """The index over the newest version of every list; rebuilt only when that set changed."""
        with self._lock:
            with self._uow() as uow:
                current = uow.watchlists.current()
                key = tuple(v.id for v in current)
                if self._cache is not None and self._cache.key == key:
                    return self._cache
                if not current:
                    self._cache = None
                    return None
                loaded = [(v, uow.watchlists.entries(v.id)) for v in current]
            origin: list[tuple[WatchlistVersion, str]] = []
            renamed: list[WatchlistEntry] = []
            for version, entries in loaded:
                for entry in entries:
                    renamed.append(WatchlistEntry(str(len(origin)), entry.names, entry.birth_dates, entry.countries, entry.schema))
                    origin.append((version, entry.id))
            self._cache = _Cached(key, tuple(current), build_index(renamed), tuple(origin))
            return self._cache

    # --- screening -------------------------------------------------------------------------------

    def queries(self, application_id: ApplicationId, answers: Mapping[str, Any]) -> list[ScreeningQuery]:
        """The applicant's names as screening queries (one per name form given), with birth date and country."""
        birth = answers.get("birth_date")
        country = answers.get("citizenship")
        out: list[ScreeningQuery] = []
        for k, fields in enumerate(self._name_fields):
            name = " ".join(str(answers[f]).strip() for f in fields if isinstance(answers.get(f), str) and answers[f].strip())
            if name and name not in {q.name for q in out}:
                out.append(ScreeningQuery(f"{application_id}#{k}", name, str(birth) if birth else None,
                                          str(country).upper() if country else None))
        return out

    def screen_application(self, application_id: ApplicationId) -> list[Hit]:
        """Screen one application against the current lists; returns the hits newly raised."""
        return self._screen_batch([application_id])[1]

    def rescreen(self, progress: Callable[[int, int], None] | None = None) -> RescreenResult:
        """Screen everyone in the pipeline (not in a final stage, not erased) again; only new hits are raised."""
        with self._uow() as uow:
            ids = uow.applications.not_erased(PIPELINE_STAGES)
        new_hits = 0
        cached = self._index()
        lists = tuple(f"{v.list_name}@{v.version}" for v in cached.versions) if cached else ()
        if progress is not None:
            progress(0, len(ids))
        for start in range(0, len(ids), self._batch):
            lists, hits = self._screen_batch(ids[start : start + self._batch])
            new_hits += len(hits)
            if progress is not None:
                progress(min(start + self._batch, len(ids)), len(ids))
        return RescreenResult(len(ids), new_hits, lists)

    def _screen_batch(self, ids: Sequence[ApplicationId]) -> tuple[tuple[str, ...], list[Hit]]:
        cached = self._index()
        lists = tuple(f"{v.list_name}@{v.version}" for v in cached.versions) if cached else ()
        people: dict[ApplicationId, list[ScreeningQuery]] = {}
        with self._uow() as uow:
            read: list[AuditEvent] = []
            for application_id in ids:
                if uow.applications.erased_on(application_id) is not None:  # ApplicationUnknown for no such id
                    continue
                if cached is None:  # no list loaded: nothing to compare with, so no reason to read the names
                    people[application_id] = []
                    continue
                answers = uow.applications.answers(application_id, [Compartment.IDENTITY])
                read.append(AuditEvent(SYSTEM, AuditAction.APPLICANT_RECORD_READ, application_id, "watchlist screening"))
                people[application_id] = self.queries(application_id, answers)
            self._audit.commit(uow, *read)
        candidates: list[Hit] = []
        if cached is not None:
            flat = [q for qs in people.values() for q in qs]
            results = screen_many(cached.index, flat, top=5, threshold=self.threshold)
            by_query = dict(zip((q.id for q in flat), results, strict=True))
            now = self._clock.now()
            for application_id, queries in people.items():
                for position, result in sorted(best_per_entry(by_query[q.id] for q in queries).items()):
                    version, entry_id = cached.origin[int(position)]
                    candidates.append(Hit(id=self._new_id(), application_id=application_id, list_name=version.list_name,
                                          version_id=version.id, version=version.version, entry_id=entry_id,
                                          score=round(result.score, 4), explanation=explanation_data(result.explanation),
                                          raised_at=now))
        with self._uow() as uow:
            new = uow.screening.add_new(candidates)
            now = self._clock.now()
            for application_id in people:
                uow.screening.mark_screened(Screened(application_id, now, lists))
            self._audit.commit(uow, *[AuditEvent(SYSTEM, AuditAction.HIT_RECORD_CREATE, h.application_id,
                                                          f"hit {h.id} on {h.list_name} v{h.version}") for h in new])
        return lists, new

    # --- the security officer's side ----------------------------------------------------------------

    def hits(self, reviewer: Reviewer, application_id: ApplicationId, *, why: str = "case view") -> list[Hit]:
        """The hits on one application with their explanations and listed entries; the read is audited."""
        require(reviewer, Permission.SCREENING_READ)
        with self._uow() as uow:
            if uow.applications.erased_on(application_id) is not None:  # ApplicationUnknown for no such id
                return []
            found = uow.screening.for_application(application_id)
            listed = uow.watchlists.listed((h.version_id, h.entry_id) for h in found)
            self._audit.commit(uow, AuditEvent(reviewer.id, AuditAction.HIT_RECORD_READ, application_id, why))
        return [replace(h, entry=listed.get((h.version_id, h.entry_id))) for h in found]

    def unscreened(self) -> list[ApplicationId]:
        """Applications in the pipeline that were never screened."""
        with self._uow() as uow:
            return uow.screening.unscreened([str(s) for s in PIPELINE_STAGES])

    def screened(self, reviewer: Reviewer, application_id: ApplicationId) -> Screened | None:
        require(reviewer, Permission.SCREENING_READ)
        with self._uow() as uow:
            return uow.screening.screened(application_id)

    def decide(self, reviewer: Reviewer, hit_id: str, decision: Decision, reason: str) -> Hit:
        """Confirm or dismiss an open hit, with a reason (sealed; the audit log keeps the decision only)."""
        require(reviewer, Permission.SCREENING_DECIDE)
        with self._uow() as uow:
            application_id = uow.screening.application_of(hit_id)
            if uow.applications.erased_on(application_id) is not None:  # its sealed explanation is gone with the key
                raise ApplicationUnknown(f"application {application_id} was erased")
            hit = uow.screening.get(hit_id)
            decided = decide(hit, decision, by=reviewer.id, reason=reason[:2000], at=self._clock.now())
            uow.screening.save_decision(decided)
            listed = uow.watchlists.listed([(hit.version_id, hit.entry_id)])
            self._audit.commit(uow, AuditEvent(reviewer.id, AuditAction.HIT_RECORD_DECIDE, hit.application_id,
                                                        f"{decision} hit {hit.id}"))
        return replace(decided, entry=listed.get((hit.version_id, hit.entry_id)))

    def status(self, reviewer: Reviewer) -> ScreeningStatus:
        """Lists, their history, the last re-screen job and the applications with open hits."""
        require(reviewer, Permission.SCREENING_READ)
        with self._uow() as uow:
            return ScreeningStatus(current=uow.watchlists.current(), history=uow.watchlists.versions(),
                                   last_rescreen=uow.jobs.latest(JobKind.RESCREEN),
                                   queued_jobs=uow.jobs.count(JobStatus.QUEUED), open_queue=uow.screening.open_queue())

    def rescreen_progress(self, reviewer: Reviewer) -> tuple[Job | None, int]:
        """The last re-screen job and how many jobs are queued: all the polled progress section needs."""
        require(reviewer, Permission.SCREENING_READ)
        with self._uow() as uow:
            return uow.jobs.latest(JobKind.RESCREEN), uow.jobs.count(JobStatus.QUEUED)

    def open_queue(self, reviewer: Reviewer) -> list[tuple[ApplicationId, int, float]]:
        """Applications with open hits (id, how many, best score): the officer's queue fragment."""
        require(reviewer, Permission.SCREENING_READ)
        with self._uow() as uow:
            return uow.screening.open_queue()

    def guard(self, uow: UnitOfWork, application: Application, action: Action) -> None:
        """CaseService's pre-action check: no forward move with an open or confirmed hit, and no
        clearing of screening before the application was screened against the loaded lists."""
        if action not in GUARDED_ACTIONS:
            return
        if action is Action.CLEAR_SCREENING and uow.screening.screened(application.id) is None and uow.watchlists.current():
            raise ScreeningPending(f"application {application.id} has not been screened against the watchlists yet")
        check_clearance(application.id, uow.screening.statuses(application.id))

