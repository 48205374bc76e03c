"""Screening benchmark: Muster against yente's default matcher on the development data, and at scale.

    .venv/bin/python bench/run.py screening

Data: ../shared/data/screening (see DATA.md). In one run:

1. Muster: recall@1, precision / recall / F1 of its match decisions, per query kind, false alarms on
   negative queries, queries per second (one process, candidate selection included), for all
   queries and separately for the tuning and held-out halves (data.is_tuning; the weights in
   scoring.py were fitted on the tuning half by fit.py).
2. nomenklatura's logic-v2 (yente's default algorithm) at yente's threshold 0.70, scoring the top 50
   candidates per query. yente takes its candidates from Elasticsearch; here it gets exactly the
   candidates Muster's blocking gives Muster.
3. Exhaustive: Muster's scorer on every list entry for every query (no blocking), to show what
   blocking loses; and a naive rapidfuzz token_sort_ratio over every query x list name pair.
4. Scale: a synthetic 1,000,000-entry list (synthetic.py) screening 10,000 queries with two worker
   processes (fork, index shared copy-on-write); build time, screening time, peak memory.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import resource
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from data import DevData, is_tuning, load  # noqa: E402

from muster.domain.matching import (  # noqa: E402
    DEFAULT_CANDIDATES, DEFAULT_THRESHOLD, Index, build_index, candidates, score_candidates,
)

SCALE_ENTRIES = 1_000_000
SCALE_QUERIES = 10_000
LOGIC_V2_THRESHOLD = 0.70
MUSTER_RUNS = 3
LOGIC_V2_RUNS = 2  # logic-v2's first run also warms its caches (name tables); the best run is kept

# A query's ranked candidates: (entry id, score, match) best first.
Ranked = list[tuple[str, float, bool]]


def evaluate(dev: DevData, ranked: dict[str, Ranked], keep: Callable[[str], bool] = lambda _: True) -> dict:
    """Recall@1, P/R/F1 of match decisions, recall per kind and false alarms on negatives."""
    tp = fp = n_true = r1 = n_pos = n_neg = false_alarms = 0
    kind_hit: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for q in dev.queries:
        if not keep(q.id):
            continue
        truth = dev.truth.get(q.id, set())
        rows = ranked.get(q.id, [])
        matched = {e for e, _, m in rows if m}
        tp += len(matched & truth)
        fp += len(matched - truth)
        n_true += len(truth)
        if truth:
            n_pos += 1
            r1 += bool(rows) and rows[0][0] in truth
            kind_hit[dev.kind[q.id]][0] += len(matched & truth)
            kind_hit[dev.kind[q.id]][1] += len(truth)
        else:
            n_neg += 1
            false_alarms += bool(matched)
    precision = tp / max(tp + fp, 1)
    recall = tp / max(n_true, 1)
    return {
        "queries": n_pos + n_neg, "recall_at_1": r1 / max(n_pos, 1), "precision": precision, "recall": recall,
        "f1": 2 * precision * recall / max(precision + recall, 1e-9), "false_alarms_on_negatives": false_alarms / max(n_neg, 1),
        "recall_by_kind": {k: v[0] / v[1] for k, v in sorted(kind_hit.items())},
    }


class Stopwatch:
    """Wall and CPU seconds since start; on a shared machine CPU time is the steadier measure."""

    def __init__(self) -> None:
        self.wall, self.cpu = time.perf_counter(), time.process_time()

    def read(self) -> tuple[float, float]:
        return time.perf_counter() - self.wall, time.process_time() - self.cpu


def run_muster(dev: DevData, index: Index) -> tuple[dict[str, Ranked], list[np.ndarray], tuple[float, float], tuple[float, float]]:
    started = Stopwatch()
    cands = candidates(index, dev.queries, limit=DEFAULT_CANDIDATES)
    blocked = started.read()
    ranked = {}
    for q, c in zip(dev.queries, cands, strict=True):
        ranked[q.id] = [(r.entry_id, r.score, r.match) for r in score_candidates(index, q, c, top=10)]
    return ranked, cands, started.read(), blocked


def run_logic_v2(dev: DevData, index: Index, cands: list[np.ndarray],
                 blocking: tuple[float, float]) -> tuple[dict[str, Ranked], tuple[float, float], str]:
    from followthemoney import EntityProxy
    from nomenklatura.matching import LogicV2

    import nomenklatura

    def proxy(eid: str, names: tuple[str, ...], dates: tuple[str, ...], countries: tuple[str, ...]) -> EntityProxy:
        props = {"name": [names[0]], "alias": list(names[1:]), "birthDate": list(dates),
                 "nationality": [c.lower() for c in countries]}
        return EntityProxy.from_dict({"id": eid, "schema": "Person", "properties": props})

    listed = [proxy(e.id, e.names, e.birth_dates, e.countries) for e in index.entries]
    config = LogicV2.default_config()
    started = Stopwatch()
    ranked = {}
    for q, c in zip(dev.queries, cands, strict=True):
        query = proxy(q.id, (q.name,), (q.birth_date,) if q.birth_date else (), (q.country,) if q.country else ())
        scored = sorted(((LogicV2.compare(query, listed[i], config).score, index.entries[i].id) for i in c), key=lambda s: -s[0])
        ranked[q.id] = [(eid, s, s >= LOGIC_V2_THRESHOLD) for s, eid in scored[:10]]
    wall, cpu = started.read()
    return ranked, (wall + blocking[0], cpu + blocking[1]), getattr(nomenklatura, "__version__", "4.17.4")


def run_exhaustive(dev: DevData, index: Index) -> tuple[dict[str, Ranked], dict[str, Ranked], float]:
    """Muster's scorer on every entry (CPU seconds returned) and a naive token_sort_ratio over every name."""
    from rapidfuzz import fuzz, process

    from muster.domain.matching.normalise import fold_text

    everyone = np.arange(len(index.entries), dtype=np.int64)
    started = Stopwatch()
    full = {q.id: [(r.entry_id, r.score, r.match) for r in score_candidates(index, q, everyone, top=10)] for q in dev.queries}
    seconds = started.read()[1]
    names = [(i, fold_text(n)) for i, e in enumerate(index.entries) for n in e.names]
    owner = np.array([i for i, _ in names])
    sim = process.cdist([fold_text(q.name) for q in dev.queries], [n for _, n in names], scorer=fuzz.token_sort_ratio,
                        dtype=np.uint8, workers=1)
    naive = {}
    for qi, q in enumerate(dev.queries):
        best: dict[int, int] = {}
        for col in np.flatnonzero(sim[qi] >= 80):
            best[owner[col]] = max(best.get(owner[col], 0), int(sim[qi, col]))
        top = sorted(best.items(), key=lambda kv: -kv[1])[:10]
        naive[q.id] = [(index.entries[i].id, s / 100, s >= 90) for i, s in top]
    return full, naive, seconds


def run_scale(dev: DevData, n_entries: int, n_queries: int) -> dict:
    import scale_worker
    import synthetic

    pools = synthetic.pools(dev.entries)
    started = time.perf_counter()
    entries = synthetic.watchlist(n_entries, pools)
    queries, truth = synthetic.queries(entries, n_queries, pools)
    generated = time.perf_counter() - started
    started = time.perf_counter()
    scale_worker.INDEX = build_index(entries)
    built = time.perf_counter() - started
    rss_after_build = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    chunks = [queries[i : i + 500] for i in range(0, len(queries), 500)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    load_before = os.getloadavg()[0]
    started = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(2) as pool:
        top1 = [row for part in pool.map(scale_worker.screen_chunk, chunks, chunksize=1) for row in part]
    screened = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    children = after.ru_maxrss / 1024
    worker_cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    from muster.domain.matching.normalise import name_forms

    by_id = {e.id: e for e in entries}

    def words_of(entry_id: str) -> set[str]:
        return {t for n in by_id[entry_id].names for f in name_forms(n) for t in f.tokens} if entry_id in by_id else set()

    query_by_id = {q.id: q for q in queries}
    hits = sum(1 for qid, eid, _ in top1 if truth.get(qid) == eid)
    misses = [(qid, eid) for qid, eid, _ in top1 if qid in truth and truth[qid] != eid]
    # A miss is a namesake when the entry ranked first carries every word of the query too.
    namesakes = sum(1 for qid, got in misses if got and (forms := name_forms(query_by_id[qid].name))
                    and set(forms[0].tokens) <= words_of(got))
    scale_worker.INDEX = None
    return {"entries": n_entries, "names": sum(len(e.names) for e in entries), "queries": n_queries, "workers": 2,
            "generate_seconds": generated, "build_seconds": built, "screen_seconds": screened,
            "queries_per_second": n_queries / screened, "peak_rss_main_mib": rss_after_build,
            "peak_rss_worker_mib": children, "synthetic_recall_at_1": hits / max(len(truth), 1),
            "synthetic_misses": len(misses), "synthetic_misses_to_namesakes": namesakes,
            "worker_cpu_seconds": worker_cpu, "load_average_before": load_before}


def _row(name: str, m: dict, qps: float | None) -> str:
    q = f"{qps:,.0f}" if qps is not None else "–"
    return (f"| {name} | {m['recall_at_1']:.3f} | {m['precision']:.3f} | {m['recall']:.3f} | {m['f1']:.3f} | "
            f"{m['false_alarms_on_negatives']:.3f} | {q} |")


def main(results_dir: Path) -> str:
    dev = load()
    started = time.perf_counter()
    index = build_index(dev.entries)
    build_seconds = time.perf_counter() - started
    # The machine is shared: each timing is the best of several runs (results are identical each time).
    # Runs alternate between the two matchers so that load from other work hits both alike.
    runs = [run_muster(dev, index)]
    muster, cands = runs[0][0], runs[0][1]
    blocking = runs[0][3]
    logic_runs = []
    for _ in range(max(MUSTER_RUNS - 1, LOGIC_V2_RUNS)):
        logic_runs.append(run_logic_v2(dev, index, cands, blocking))
        runs.append(run_muster(dev, index))
    muster_seconds, muster_cpu = min(r[2][0] for r in runs), min(r[2][1] for r in runs)
    print(f"muster: {[r[2] for r in runs]} s (wall, cpu)", flush=True)
    logic, nk_version = logic_runs[0][0], logic_runs[0][2]
    logic_seconds, logic_cpu = min(r[1][0] for r in logic_runs), min(r[1][1] for r in logic_runs)
    print(f"logic-v2: {[r[1] for r in logic_runs]} s (wall, cpu)", flush=True)
    full, naive, full_seconds = run_exhaustive(dev, index)
    print(f"exhaustive: {full_seconds:.1f} s", flush=True)
    halves = {"all": lambda _: True, "tuning": is_tuning, "held_out": lambda q: not is_tuning(q)}
    results = {
        "muster": {h: evaluate(dev, muster, f) for h, f in halves.items()},
        "logic_v2": {h: evaluate(dev, logic, f) for h, f in halves.items()},
        "muster_exhaustive": evaluate(dev, full), "naive_token_sort_exhaustive": evaluate(dev, naive),
        "queries_per_cpu_second": {"muster": len(dev.queries) / muster_cpu, "logic_v2": len(dev.queries) / logic_cpu,
                                   "muster_exhaustive": len(dev.queries) / full_seconds},
        "load_average": os.getloadavg(),
        "queries_per_second": {"muster": len(dev.queries) / muster_seconds, "logic_v2": len(dev.queries) / logic_seconds},
        "index_build_seconds": build_seconds,
        "candidate_recall": sum(len({index.entries[i].id for i in c} & dev.truth.get(q.id, set()))
                                for q, c in zip(dev.queries, cands, strict=True)) / sum(map(len, dev.truth.values())),
        "threshold": DEFAULT_THRESHOLD, "logic_v2_threshold": LOGIC_V2_THRESHOLD, "candidates_per_query": DEFAULT_CANDIDATES,
        "nomenklatura": nk_version,
    }
    (results_dir / "screening.json").write_text(json.dumps(results, indent=2))
    results["scale"] = run_scale(dev, SCALE_ENTRIES, SCALE_QUERIES)
    print(f"scale: {results['scale']}", flush=True)
    (results_dir / "screening.json").write_text(json.dumps(results, indent=2))
    return _markdown(results)


def _markdown(r: dict) -> str:
    qps, cps = r["queries_per_second"], r["queries_per_cpu_second"]
    m, lv = r["muster"], r["logic_v2"]
    kinds = sorted(m["all"]["recall_by_kind"])
    lines = [
        "<!-- bench:screening -->", "## Screening", "",
        f"Development data: ../shared/data/screening (999 queries, 550 positive, 449 negative; 4,150 entries). Muster at "
        f"its default threshold {r['threshold']}; nomenklatura {r['nomenklatura']} `logic-v2` (yente's default) at "
        f"{r['logic_v2_threshold']}, scoring the **same top-{r['candidates_per_query']} candidates Muster's blocking "
        "gives Muster** (yente would take them from Elasticsearch). Speed is queries per CPU-second of one process "
        f"(candidate selection included; best of {MUSTER_RUNS} runs for Muster and {LOGIC_V2_RUNS} for logic-v2, "
        "alternating), because the 2 cores are shared with other developers' jobs and wall time swings with their load. "
        "Muster's weights were fitted on the tuning half (query-id hash); the held-out half measures them.", "",
        "| matcher | recall@1 | precision | recall | F1 | false alarms on negatives | queries per CPU-s |",
        "|---|---|---|---|---|---|---|",
        _row("Muster, all queries", m["all"], cps["muster"]),
        _row("Muster, tuning half", m["tuning"], None),
        _row("Muster, held-out half", m["held_out"], None),
        _row("logic-v2, all queries", lv["all"], cps["logic_v2"]),
        _row("logic-v2, held-out half", lv["held_out"], None),
        _row("Muster scorer, no blocking (every entry)", r["muster_exhaustive"], cps["muster_exhaustive"]),
        _row("naive token_sort_ratio >= 90, every name", r["naive_token_sort_exhaustive"], None),
        "", "Recall of match decisions by query kind:", "",
        "| query kind | Muster | Muster held-out | logic-v2 |", "|---|---|---|---|",
    ]
    for k in kinds:
        lines.append(f"| {k} | {m['all']['recall_by_kind'][k]:.3f} | {m['held_out']['recall_by_kind'].get(k, float('nan')):.3f} | "
                     f"{lv['all']['recall_by_kind'].get(k, float('nan')):.3f} |")
    loss = r["muster_exhaustive"]["recall"] - m["all"]["recall"]
    s = r["scale"]
    lines += [
        "", f"Blocking: the top-{r['candidates_per_query']} candidates hold {r['candidate_recall']:.3f} of the true pairs; "
        f"scoring every entry instead changes the recall of match decisions by {loss:+.3f} "
        f"({r['muster_exhaustive']['recall']:.3f} without blocking vs {m['all']['recall']:.3f} with). "
        f"Speed: Muster {cps['muster'] / cps['logic_v2']:.1f}x logic-v2's queries per CPU-second in this run "
        f"(wall clock, best runs: {qps['muster']:,.0f} vs {qps['logic_v2']:,.0f} queries/s, "
        f"{qps['muster'] / qps['logic_v2']:.1f}x; 1-minute load average at the end {r['load_average'][0]:.1f} on 2 cores). "
        f"Index build for the dev list: {r['index_build_seconds']:.1f} s.", "",
        f"Scale: synthetic list of {s['entries']:,} entries ({s['names']:,} names, recombined from the dev list's name "
        f"parts, bench/screening/synthetic.py), {s['queries']:,} queries, {s['workers']} worker processes: "
        f"index build {s['build_seconds']:.0f} s (one process), screening {s['screen_seconds']:.1f} s "
        f"({s['queries_per_second']:,.0f} queries/s; the workers used {s['worker_cpu_seconds']:.1f} CPU-seconds in all, "
        f"load average {s['load_average_before']:.1f} when it started), peak RSS {s['peak_rss_main_mib']:,.0f} MiB (main, after build) / "
        f"{s['peak_rss_worker_mib']:,.0f} MiB (largest worker, shared pages counted). Top-1 recall on the synthetic "
        f"positives: {s['synthetic_recall_at_1']:.3f}; {s['synthetic_misses_to_namesakes']} of the {s['synthetic_misses']} misses "
        "ranked first a namesake whose names carry every word of the query (recombination makes many, and a query "
        "without patronymic or birth date cannot tell them apart).",
    ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(main(Path(__file__).resolve().parents[1] / "results"))
