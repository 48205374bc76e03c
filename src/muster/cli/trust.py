"""`muster trust`: score a vouch graph from files, for batch work and benchmarks.

    muster trust score --edges EDGES.csv --seeds SEEDS.csv --out SCORES.csv

EDGES.csv has the columns `voucher,vouchee` and optionally `weight` (a vouch's strength in [0, 1]; 1 when
absent); SEEDS.csv has `id`; SCORES.csv gets `id,score,flag,reason` for every node. Seeds that appear in no
vouch are ignored with a warning. A malformed file stops the command with its name and line, exit code 2.
"""

from __future__ import annotations

import ctypes
import os
from pathlib import Path
from typing import Annotated

import typer

from muster.cli import app

trust_app = typer.Typer(no_args_is_help=True, help="Trust scores and ring flags from the vouch graph.")
app.add_typer(trust_app, name="trust")


@trust_app.command("score")
def score_command(
    edges: Annotated[Path, typer.Option("--edges", help="CSV with voucher,vouchee[,weight].")],
    seeds: Annotated[Path, typer.Option("--seeds", help="CSV with id: the trusted seeds.")],
    out: Annotated[Path, typer.Option("--out", help="Where to write id,score,flag,reason.")],
) -> None:
    """Score every node of the vouch graph from the seeds and flag suspected rings."""
    from muster.domain.errors import InputError

    _batch_memory_settings()
    try:
        _score(edges, seeds, out)
    except InputError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(code=2) from None


def _batch_memory_settings() -> None:
    """Memory settings for one scoring run of a few seconds that allocates and frees arrays of tens of
    megabytes hundreds of times. Each is measured at a million nodes on the benchmark machine.

    - NumPy asks the kernel for huge pages for every large array; where the kernel then compacts memory to
      find them, the run stalls: 5.5 s against 4.6 s (best of 8 runs each, interleaved). The setting is read
      at NumPy's import, so it holds only where this command is the first to import NumPy, as from the shell.
    - glibc hands every large freed block back to the kernel, so the next array is fresh memory to fault in
      and zero (1.8 GB of it in a run whose peak is 1.1 GB). Keeping freed blocks in the process cuts that to
      1.1 GB and the median run by 0.25 s (10 runs each, interleaved). Elsewhere than glibc, nothing changes.
    """
    os.environ.setdefault("NUMPY_MADVISE_HUGEPAGE", "0")
    try:
        mallopt = ctypes.CDLL("libc.so.6").mallopt
    except (OSError, AttributeError):
        return
    no_trim, no_mmap = -1, -4  # M_TRIM_THRESHOLD and M_MMAP_MAX in glibc's malloc.h
    mallopt(no_mmap, 0)
    mallopt(no_trim, 2**31 - 1)


def _score(edges_path: Path, seeds_path: Path, out: Path) -> None:
    from concurrent.futures import ThreadPoolExecutor

    import numpy as np

    from muster.cli.trust_csv import read_table, write_scores
    from muster.domain.errors import InputError

    # The scorer's imports (SciPy and the trust modules, about 0.2 s) run while Arrow parses the file on its
    # own threads.
    with ThreadPoolExecutor(1) as pool:
        reading = pool.submit(read_table, edges_path, ("voucher", "vouchee"), ("weight",))
        from muster.domain.trust import VouchGraph, score
        edges = reading.result()
    weight = edges.numbers.get("weight")
    if weight is not None:
        bad = np.flatnonzero(~((weight >= 0.0) & (weight <= 1.0)))
        if len(bad):
            raise InputError(f"{edges_path}:{int(bad[0]) + 2}: weight {float(weight[bad[0]])!r} is outside [0, 1]")
    seeds = read_table(seeds_path, ("id",))
    graph = VouchGraph.from_arrays(edges.ids, edges.codes["voucher"], edges.codes["vouchee"], weight)
    if graph.dropped_self_vouches or graph.merged_duplicates:
        typer.echo(f"note: ignored {graph.dropped_self_vouches} self-vouch(es); merged "
                   f"{graph.merged_duplicates} repeated vouch(es), keeping the strongest", err=True)
    if graph.n == 0:
        typer.echo(f"note: {edges_path} holds no vouches; writing an empty score file", err=True)
    report = score(graph, seeds.ids)
    if report.unknown_seeds:
        shown = ", ".join(report.unknown_seeds[:5]) + (" ..." if len(report.unknown_seeds) > 5 else "")
        typer.echo(f"warning: {len(report.unknown_seeds)} seed id(s) appear in no vouch and were ignored: {shown}",
                   err=True)
    write_scores(out, report)
    typer.echo(f"scored {graph.n} nodes, {len(graph.src)} vouches; flagged {int(report.flag.sum())} in "
               f"{len(report.rings)} ring(s) -> {out}", err=True)
