"""The two-hop vouch neighbourhood of one node as a self-contained SVG string (server-rendered).

Layout is deterministic and needs no JavaScript: the node in the centre, the people it vouched with (either
direction) on an inner circle, their contacts on an outer circle next to the inner node that links them.
Arrows follow the vouch direction. Flagged ring members are drawn red with a dashed outline and carry
`class="node flagged"`, seeds `class="node seed"`; every node has a <title> with its id, score and reason.
Ids are escaped; no name or contact detail is ever put in the picture.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from html import escape

import numpy as np

from muster.domain.errors import InputError
from muster.domain.trust.graph import VouchGraph
from muster.domain.trust.scoring import TrustReport

_STYLE = (
    "<style>.edge{stroke:#8a8f98;stroke-width:1}.node circle{fill:#dce6f2;stroke:#3b5b7d;stroke-width:1.5}"
    ".node.focus circle{fill:#fff3c4;stroke:#7a5c00;stroke-width:2.5}.node.seed circle{fill:#d6f0d6;"
    "stroke:#2f6b2f;stroke-width:3}.node.flagged circle{fill:#f6c4c4;stroke:#a11;stroke-width:2.5;"
    "stroke-dasharray:4 2}text{font:10px sans-serif;fill:#222}</style>"
)


def _neighbours(undirected: dict[int, set[int]], v: int) -> list[int]:
    return sorted(undirected.get(v, ()))


def neighbourhood_svg(graph: VouchGraph, node_id: str, report: TrustReport | None = None, *,
                      max_nodes: int = 60, size: int = 520, label: Callable[[str], str] = str) -> str:
    """SVG of everyone within two vouches of `node_id` (at most `max_nodes`, nearest first); `label` names a
    node by its id wherever the picture shows or carries one."""
    centre = graph.index_of(node_id)
    if centre is None:
        raise InputError(f"node {node_id!r} is not in the vouch graph")
    touching = (graph.src == centre) | (graph.dst == centre)
    first = sorted(set(np.concatenate([graph.src[touching], graph.dst[touching]]).tolist()) - {centre})
    first = first[: max(0, max_nodes - 1)]
    in_first = set(first)
    near = np.isin(graph.src, first) | np.isin(graph.dst, first)
    second: dict[int, int] = {}  # outer node -> the inner node it hangs off
    for s, d in zip(graph.src[near].tolist(), graph.dst[near].tolist()):
        for inner, outer in ((s, d), (d, s)):
            if inner in in_first and outer != centre and outer not in in_first:
                second.setdefault(outer, inner)
    outer_nodes = sorted(second, key=lambda u: (first.index(second[u]), graph.ids[u]))
    outer_nodes = outer_nodes[: max(0, max_nodes - 1 - len(first))]
    shown = [centre, *first, *outer_nodes]
    mid = size / 2
    place: dict[int, tuple[float, float]] = {centre: (mid, mid)}
    angle_of: dict[int, float] = {}
    for k, v in enumerate(first):
        angle_of[v] = 2 * math.pi * k / max(len(first), 1)
        place[v] = (mid + 0.27 * size * math.cos(angle_of[v]), mid + 0.27 * size * math.sin(angle_of[v]))
    for k, v in enumerate(outer_nodes):
        angle = 2 * math.pi * (k + 0.5) / max(len(outer_nodes), 1)
        place[v] = (mid + 0.45 * size * math.cos(angle), mid + 0.45 * size * math.sin(angle))
    in_shown = set(shown)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" width="{size}" '
             f'height="{size}" role="img" aria-label="vouch neighbourhood of {escape(label(node_id))}">', _STYLE,
             '<defs><marker id="arrow" viewBox="0 0 10 10" refX="18" refY="5" markerWidth="6" markerHeight="6" '
             'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#8a8f98"/></marker></defs>']
    for s, d in zip(graph.src.tolist(), graph.dst.tolist()):
        if s in in_shown and d in in_shown:
            (x1, y1), (x2, y2) = place[s], place[d]
            parts.append(f'<line class="edge" x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" '
                         f'marker-end="url(#arrow)"/>')
    reasons = report.reasons(shown) if report is not None else [""] * len(shown)
    for v, reason in zip(shown, reasons):
        x, y = place[v]
        classes = ["node"]
        if v == centre:
            classes.append("focus")
        if report is not None and bool(np.isin(v, report.seeds)):
            classes.append("seed")
        if report is not None and report.flag[v]:
            classes.append("flagged")
        name = escape(label(graph.ids[v]))
        title = name if report is None else f"{name}: score {report.score[v]:.2f}; {escape(reason)}"
        parts.append(f'<g class="{" ".join(classes)}" data-id="{name}"><title>{title}</title>'
                     f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{11 if v == centre else 8}"/>'
                     f'<text x="{x + 11:.1f}" y="{y - 9:.1f}">{name}</text></g>')
    parts.append("</svg>")
    return "".join(parts)
