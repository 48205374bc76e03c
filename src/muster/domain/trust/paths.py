"""Shortest vouch paths from the seeds to one node, for the case page.

"vouched by A, who was vouched by seed B": a path follows vouches in their direction, seed first. The search
runs backwards from the node over "who vouched for whom" one layer at a time and stops at the first layer
holding a seed, so every path returned is a shortest one; ties are broken by node id for stable pages.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from muster.domain.errors import InputError
from muster.domain.trust.graph import VouchGraph


@dataclass(frozen=True)
class VouchPath:
    """Ids from a seed to the node, and the strength of each vouch along the way (one fewer)."""

    nodes: tuple[str, ...]
    strengths: tuple[float, ...]

    @property
    def hops(self) -> int:
        return len(self.strengths)

    def describe(self) -> str:
        """Reads from the node back to its seed: 'vouched by A (strength 0.8), who was vouched by seed B (1)'."""
        if not self.strengths:
            return "is a seed"
        parts = []
        for k in range(len(self.nodes) - 2, -1, -1):
            who = f"seed {self.nodes[k]}" if k == 0 else self.nodes[k]
            lead = "vouched by" if k == len(self.nodes) - 2 else "who was vouched by"
            parts.append(f"{lead} {who} (strength {self.strengths[k]:g})")
        return ", ".join(parts)


def shortest_paths_to_seeds(graph: VouchGraph, node_id: str, seeds: Iterable[str], *, limit: int = 3,
                            directed: bool = True) -> list[VouchPath]:
    """Up to `limit` shortest vouch paths seed -> ... -> `node_id`; [] when no seed reaches it.

    `directed=False` also walks vouches backwards (who the node vouched for), for graphs whose direction
    means nothing. Unknown seed ids are ignored; an unknown `node_id` raises InputError.
    """
    target = graph.index_of(node_id)
    if target is None:
        raise InputError(f"node {node_id!r} is not in the vouch graph")
    seed_idx, _ = graph.indices_of(seeds)
    is_seed = np.zeros(graph.n, dtype=bool)
    is_seed[seed_idx] = True
    if is_seed[target]:
        return [VouchPath((node_id,), ())]
    back = graph.vouchers_of().tocsr()
    if not directed:
        back = (back + graph.vouchees_of()).tocsr()
    strength = graph.vouchees_of().tocsr()
    # toward[x] = the nodes one step closer to the target that x vouched for (its successors on a path).
    toward: dict[int, list[int]] = {target: []}
    layer = [target]
    found: list[int] = []
    while layer and not found:
        nxt: dict[int, list[int]] = {}
        for v in layer:
            for u in back.indices[back.indptr[v]:back.indptr[v + 1]].tolist():
                if u in toward:
                    continue
                nxt.setdefault(u, []).append(v)
        toward.update(nxt)
        layer = list(nxt)
        found = [u for u in layer if is_seed[u]]
    found.sort(key=lambda u: graph.ids[u])
    paths: list[VouchPath] = []

    def walk(prefix: list[int]) -> None:
        if len(paths) >= limit:
            return
        last = prefix[-1]
        if last == target:
            ids = tuple(graph.ids[i] for i in prefix)
            weights = tuple(float(max(strength[a, b], strength[b, a] if not directed else 0.0))
                            for a, b in zip(prefix, prefix[1:]))
            paths.append(VouchPath(ids, weights))
            return
        for nxt_node in sorted(toward[last], key=lambda u: graph.ids[u]):
            walk(prefix + [nxt_node])

    for seed in found:
        walk([seed])
    return paths
