"""Trust in the product: seeds, scores of the live vouch graph, and the infiltration cascade.

The scorer (`domain.trust`) is pure; this use case feeds it the active vouches (strength as weight) and the
seeds, and keeps the last `TrustReport` in memory. The cache is keyed by a cheap stamp of the database (vouch
and revocation counts, infiltration rejections, the seeds), so a change made by another process (the CLI, a
second server worker) is picked up on the next read. Scores are recomputed in full when a vouch is added or
revoked: a few milliseconds for thousands of vouches (see `recompute`, and the report of issue 5).

Vouches to and from an applicant rejected as a suspected infiltrator carry no trust (strength 0; they stay in
the graph, and in the picture). Rejecting one also raises everyone linked to them by a vouch, either way, for
a security officer's review (`cascade`), with the reason and the score before and after.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import datetime

from muster.domain.accounts import Reviewer, require
from muster.domain.audit import AuditAction, AuditEvent
from muster.domain.errors import InputError, NotFound, ValidationFailed
from muster.domain.ids import ApplicationId
from muster.domain.jobs import Job, JobKind
from muster.domain.permissions import Permission
from muster.domain.review_flags import ReviewFlag, infiltration_reason
from muster.domain.seeds import MEMBER_PREFIX, Seed, seed_node
from muster.domain.trust import TrustReport, VouchGraph, neighbourhood_svg, score, shortest_paths_to_seeds
from muster.domain.vouches import Vouch, applicant_node, application_of, is_applicant
from muster.domain.workflow import Action, Application, ReasonCode, Stage
from muster.services.audit import SYSTEM, actor_of
from muster.services.ports import AuditTrail, Clock, UnitOfWork


def node_label(node: str) -> str:
    """How a node is named on pages: 'applicant 1a2b3c4d' or 'anna-k (member)'. Ids only, never names."""
    if is_applicant(node):
        return f"applicant {application_of(node)[:8]}"
    return f"{node.removeprefix(MEMBER_PREFIX)} (member)"


@dataclass(frozen=True)
class Snapshot:
    """One scoring of the whole graph. `report` is None when no seed has given or received a vouch."""

    graph: VouchGraph
    report: TrustReport | None
    seeds: tuple[str, ...]
    distrusted: frozenset[str]
    computed_at: datetime
    seconds: float
    stamp: tuple[object, ...]

    def score_of(self, node: str) -> float | None:
        i = self.graph.index_of(node)
        return None if i is None or self.report is None else float(self.report.score[i])


@dataclass(frozen=True)
class PathStep:
    node: str
    label: str
    is_seed: bool
    vouch: Vouch | None  # the vouch this node gave to the next one on the path; None for the applicant


@dataclass(frozen=True)
class TrustPath:
    steps: tuple[PathStep, ...]  # from the applicant back to the seed
    text: str


@dataclass(frozen=True)
class RingEvidence:
    members: tuple[str, ...]
    internal_vouches: int
    external_vouches: int
    conductance: float


@dataclass(frozen=True)
class TrustView:
    """What a security officer reads about one applicant."""

    application_id: ApplicationId
    node: str
    in_graph: bool
    score: float | None
    flag: bool
    reason: str
    hops: int | None
    paths: tuple[TrustPath, ...]
    ring: RingEvidence | None
    review_flags: tuple[ReviewFlag, ...]
    distrusted: bool
    computed_at: datetime


@dataclass(frozen=True)
class RecomputeSummary:
    nodes: int
    vouches: int
    seeds: int
    flagged: int
    rings: int
    seconds: float
    raised: int = 0  # review flags raised by the catch-up cascade


def describe_vouch(vouch: Vouch) -> str:
    return (f"{vouch.relationship.value.replace('_', ' ')}, known {vouch.known_for_years:g} "
            f"year{'' if vouch.known_for_years == 1 else 's'}, strength {vouch.strength:g}")


def _paths(routes: list[list[str]], seeds: set[str], given: dict[tuple[str, str], Vouch]) -> tuple[TrustPath, ...]:
    """Routes (applicant first) as paths with, at each step, the vouch that node gave to the one before."""
    found = []
    for nodes in routes:
        steps = [PathStep(n, node_label(n), n in seeds, given.get((n, nodes[k - 1])) if k else None)
                 for k, n in enumerate(nodes)]
        found.append(TrustPath(tuple(steps), path_text(steps)))
    return tuple(found)


def path_text(steps: Iterable[PathStep]) -> str:
    """'vouched by applicant 1a2b3c4d (friend, ...), who was vouched by seed boris (member; served together, ...)'."""
    parts = []
    for k, step in enumerate(list(steps)[1:]):
        lead = "vouched by" if k == 0 else "who was vouched by"
        who = f"seed {step.label}" if step.is_seed else step.label
        if step.vouch is not None:
            detail = describe_vouch(step.vouch)
            who = f"{who[:-1]}; {detail})" if who.endswith(")") else f"{who} ({detail})"
        parts.append(f"{lead} {who}")
    return ", ".join(parts) or "is a seed"


class TrustService:
    def __init__(self, *, uow: Callable[[], UnitOfWork], clock: Clock, new_id: Callable[[], str],
                 audit: AuditTrail) -> None:
        self._uow = uow
        self._clock = clock
        self._new_id = new_id
        self._audit = audit
        self._lock = threading.Lock()
        self._snapshot: Snapshot | None = None

    # --- scores ---------------------------------------------------------------------------------

    def snapshot(self, *, refresh: bool = False) -> Snapshot:
        """The current scoring; recomputed when the database changed since (or when `refresh`)."""
        with self._lock:
            with self._uow() as uow:
                stamp = uow.vouch_graph.stamp()
                if not refresh and self._snapshot is not None and self._snapshot.stamp == stamp:
                    return self._snapshot
                edges = uow.vouch_graph.edges()
                distrusted = frozenset(applicant_node(a) for a in uow.vouch_graph.rejected_as_infiltrators())
                seeds = tuple(s.node for s in uow.seeds.list())
            self._snapshot = self._compute(edges, seeds, distrusted, stamp)
            return self._snapshot

    def _compute(self, edges: list[tuple[str, str, float]], seeds: tuple[str, ...], distrusted: frozenset[str],
                 stamp: tuple[object, ...]) -> Snapshot:
        started = time.perf_counter()
        graph = VouchGraph.from_edges((voucher, vouchee, 0.0 if voucher in distrusted or vouchee in distrusted else strength)
                                      for voucher, vouchee, strength in edges)
        try:
            # An applicant's vouch carries trust to the vouchee only: fakes must not draw trust from honest
            # applicants by vouching for them. A member's vouch counts both ways.
            report: TrustReport | None = score(graph, seeds, one_way=[n for n in graph.ids if is_applicant(n)])
        except InputError:  # no seed has given or received a vouch yet: nothing can be trusted
            report = None
        return Snapshot(graph, report, seeds, distrusted, self._clock.now(), time.perf_counter() - started, stamp)

    def on_vouch_changed(self, vouch: Vouch) -> None:
        """VouchService's hook: rescore at once, so the next page shows the new scores; a new vouch to or from
        an applicant already rejected as a suspected infiltrator raises the other side for review."""
        before = self._snapshot
        after = self.snapshot()  # the vouch changed the stamp: this rescores
        if vouch.is_active:
            for node in (vouch.voucher, vouch.vouchee):
                if node in after.distrusted:
                    self._raise_linked(application_of(node), before, after, SYSTEM)

    def recompute(self) -> RecomputeSummary:
        """The nightly batch: rescore everything from the database, whatever the cache holds, and run the
        cascade again for every applicant rejected as a suspected infiltrator, so that a vouch linked to them
        since (or a cascade that failed half way) still raises the applicants concerned."""
        snap = self.snapshot(refresh=True)
        raised = 0
        for source in sorted(snap.distrusted):
            raised += len(self._raise_linked(application_of(source), None, snap, SYSTEM))
        report = snap.report
        summary = RecomputeSummary(snap.graph.n, len(snap.graph.src), len(snap.seeds),
                                   int(report.flag.sum()) if report is not None else 0,
                                   len(report.rings) if report is not None else 0, snap.seconds, raised)
        with self._uow() as uow:
            self._audit.commit(uow, AuditEvent(SYSTEM, AuditAction.TRUST_SCORES_RECOMPUTE, None,
                                                        f"{summary.nodes} nodes, {summary.flagged} flagged, "
                                                        f"{raised} raised"))
        return summary

    def view(self, reviewer: Reviewer, application_id: ApplicationId) -> TrustView:
        """The applicant's score, paths to seeds, ring evidence and review flags; the read is audited."""
        require(reviewer, Permission.TRUST_READ)
        snap = self.snapshot()
        node = applicant_node(application_id)
        i = snap.graph.index_of(node)
        # Each route runs from the applicant back to a seed; the vouches along it are read for the page.
        routes = ([list(reversed(path.nodes)) for path in shortest_paths_to_seeds(snap.graph, node, snap.seeds, limit=3)]
                  if i is not None and snap.report is not None else [])
        with self._uow() as uow:
            uow.applications.get(application_id)  # ApplicationUnknown for a wrong id
            flags = tuple(uow.review_flags.for_application(application_id))
            given = uow.vouch_graph.active((n, route[k - 1]) for route in routes for k, n in enumerate(route) if k)
            self._audit.commit(uow, AuditEvent(reviewer.id, AuditAction.TRUST_RECORD_READ,
                                                        application_id, "trust view"))
        if i is None or snap.report is None:
            reason = "no vouch for or from this applicant" if i is None else "no seed is in the vouch graph yet"
            return TrustView(application_id, node, i is not None, None, False, reason, None, (), None, flags,
                             node in snap.distrusted, snap.computed_at)
        explanation = snap.report.explain(node)
        ring = None
        if explanation.ring is not None:
            members = tuple(sorted(snap.graph.ids[m] for m in explanation.ring.members.tolist()))
            ring = RingEvidence(members, explanation.ring.internal_vouches, explanation.ring.external_vouches,
                                explanation.ring.conductance)
        return TrustView(application_id, node, True, explanation.score, explanation.flag, explanation.text,
                         explanation.hops_from_seed, _paths(routes, set(snap.seeds), given), ring, flags,
                         node in snap.distrusted, snap.computed_at)

    def picture(self, reviewer: Reviewer, application_id: ApplicationId) -> str:
        """The two-hop vouch neighbourhood as SVG (flagged nodes marked); NotFound when it has no vouch."""
        require(reviewer, Permission.TRUST_READ)
        snap = self.snapshot()
        node = applicant_node(application_id)
        if snap.graph.index_of(node) is None:
            raise NotFound(f"application {application_id} has no vouch")
        with self._uow() as uow:
            self._audit.commit(uow, AuditEvent(reviewer.id, AuditAction.TRUST_RECORD_READ,
                                                        application_id, "trust picture"))
        # Applicant ids are shortened to the 8 characters the pages show: full UUIDs overlap in the picture.
        return neighbourhood_svg(snap.graph, node, snap.report, label=node_label)

    def flagged(self, reviewer: Reviewer) -> list[tuple[ApplicationId, float, str]]:
        """Applicants the scorer flags as suspected ring members: (id, score, reason), lowest score first."""
        require(reviewer, Permission.TRUST_READ)
        snap = self.snapshot()
        if snap.report is None:
            return []
        idx = [int(i) for i in snap.report.flag.nonzero()[0] if is_applicant(snap.graph.ids[int(i)])]
        reasons = snap.report.reasons(idx)
        out = [(application_of(snap.graph.ids[i]), float(snap.report.score[i]), r) for i, r in zip(idx, reasons)]
        return sorted(out, key=lambda x: (x[1], x[0]))

    # --- the infiltration cascade ---------------------------------------------------------------

    def on_case_action(self, application: Application, action: Action) -> None:
        """CaseService's hook: a rejection as a suspected infiltrator starts the cascade."""
        last = application.history[-1] if application.history else None
        if (action is Action.REJECT and application.stage is Stage.REJECTED and last is not None
                and last.reason_code is ReasonCode.SUSPECTED_INFILTRATION):
            self.cascade(application.id, actor=last.actor_id)

    def cascade(self, source: ApplicationId, *, actor: str = SYSTEM) -> list[ReviewFlag]:
        """Rescore, and raise everyone linked to `source` by a vouch (either way, revoked ones too) for review.

        Each applicant is raised once per source: a flag already raised, even cleared since, is not raised again.
        """
        before = self._snapshot
        after = self.snapshot()  # the rejection changed the stamp: this rescores
        return self._raise_linked(source, before, after, actor)

    def _raise_linked(self, source: ApplicationId, before: Snapshot | None, after: Snapshot,
                      actor: str) -> list[ReviewFlag]:
        node = applicant_node(source)
        raised: list[ReviewFlag] = []
        with self._uow() as uow:
            links: dict[str, tuple[bool, bool]] = {}  # other applicant -> (source vouched for them, they for source)
            for v in uow.vouches.involving(node):
                other, by_source = (v.vouchee, True) if v.voucher == node else (v.voucher, False)
                if not is_applicant(other) or other == node:
                    continue
                gave, got = links.get(other, (False, False))
                links[other] = (gave or by_source, got or not by_source)
            events = []
            already = uow.review_flags.raised_from(source)
            for other, (vouched_for_them, vouched_by_them) in sorted(links.items()):
                target = application_of(other)
                if target in already:
                    continue
                reason = infiltration_reason(source=source, vouched_for_them=vouched_for_them,
                                             vouched_by_them=vouched_by_them,
                                             score_before=before.score_of(other) if before else None,
                                             score_after=after.score_of(other))
                flag = ReviewFlag(self._new_id(), target, source, reason, self._clock.now())
                uow.review_flags.add(flag)
                raised.append(flag)
                events.append(AuditEvent(actor, AuditAction.REVIEW_FLAG_RAISE, target, f"linked to {source}"))
            if events:
                self._audit.commit(uow, *events)
        return raised

    def last_nightly(self, reviewer: Reviewer) -> Job | None:
        """The latest nightly rescore job (queued, running, done or failed), None before the first."""
        require(reviewer, Permission.TRUST_READ)
        with self._uow() as uow:
            return uow.jobs.latest(JobKind.TRUST_RECOMPUTE)

    def open_flags(self, reviewer: Reviewer) -> list[ReviewFlag]:
        """Review flags not yet cleared, oldest first: the security officer's queue."""
        require(reviewer, Permission.TRUST_READ)
        with self._uow() as uow:
            return uow.review_flags.open()

    def clear_flag(self, reviewer: Reviewer, flag_id: str, *, note: str) -> ReviewFlag:
        """Clear a review flag with a note saying why (sealed with the applicant's key)."""
        require(reviewer, Permission.REVIEW_FLAGS_CLEAR)
        note = note.strip()
        if not note or len(note) > 2000:
            raise ValidationFailed({"note": "say why the flag is cleared (up to 2000 characters)"})
        with self._uow() as uow:
            flag = uow.review_flags.get(flag_id)
            if not flag.is_open:
                raise ValidationFailed({"flag": "already cleared"})
            cleared = replace(flag, cleared_at=self._clock.now(), cleared_by=reviewer.id, clear_note=note)
            uow.review_flags.clear(cleared)
            self._audit.commit(uow, AuditEvent(reviewer.id, AuditAction.REVIEW_FLAG_CLEAR,
                                                        flag.application_id, f"flag {flag_id}"))
        return cleared

    # --- seeds ----------------------------------------------------------------------------------

    def seeds(self, reviewer: Reviewer | None) -> list[Seed]:
        if reviewer is not None:
            require(reviewer, Permission.SEEDS_MANAGE)
        with self._uow() as uow:
            return uow.seeds.list()

    def seeds_with_vouches(self, reviewer: Reviewer) -> list[tuple[Seed, int]]:
        """Each seed with the number of active vouches it gave or received: a seed without any anchors nothing."""
        seeds = self.seeds(reviewer)
        graph = self.snapshot().graph
        return [(seed, len(graph.vouchers(seed.node)) + len(graph.vouchees(seed.node))) for seed in seeds]

    def add_seed(self, reviewer: Reviewer | None, member: str) -> Seed:
        """Mark a member as a seed (reviewer None: the CLI or the demo, acting as the system)."""
        if reviewer is not None:
            require(reviewer, Permission.SEEDS_MANAGE)
        seed = Seed(seed_node(member), actor_of(reviewer), self._clock.now())
        with self._uow() as uow:
            uow.seeds.add(seed)
            self._audit.commit(uow, AuditEvent(seed.set_by, AuditAction.SEED_CREATE, None, seed.node))
        return seed  # the seeds are part of the snapshot's stamp: the next read rescores

    def remove_seed(self, reviewer: Reviewer | None, member: str) -> None:
        if reviewer is not None:
            require(reviewer, Permission.SEEDS_MANAGE)
        node = seed_node(member)
        with self._uow() as uow:
            if not uow.seeds.remove(node):
                raise NotFound(f"{node} is not a seed")
            self._audit.commit(uow, AuditEvent(actor_of(reviewer),
                                                        AuditAction.SEED_DELETE, None, node))
