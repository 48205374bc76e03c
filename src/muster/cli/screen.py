"""`muster screen`: screen a file of people against a watchlist file, for batch work and benchmarks.

    muster screen --watchlist W.csv --queries Q.csv --out R.csv [--top 10]

W.csv follows the watchlist contract ``id,name,aliases,birth_date,country``; Q.csv has
``id,name,birth_date,country``. R.csv gets ``query_id,watchlist_id,score,rank,match,explanation``:
up to ``--top`` rows per query, rank 1..k by score, ``match`` true when the score reaches the
engine's default threshold. A malformed input file stops the command before any screening with the
file, line and problem, exit code 2; nothing is written then.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from muster.cli import app

RESULT_COLUMNS = ("query_id", "watchlist_id", "score", "rank", "match", "explanation")
_SHOWN_PROBLEMS = 10


@app.command("screen")
def screen_command(
    watchlist: Annotated[Path, typer.Option("--watchlist", help="Watchlist CSV: id,name,aliases,birth_date,country.")],
    queries: Annotated[Path, typer.Option("--queries", help="Query CSV: id,name,birth_date,country.")],
    out: Annotated[Path, typer.Option("--out", help="Where to write query_id,watchlist_id,score,rank,match,explanation.")],
    top: Annotated[int, typer.Option("--top", min=1, help="Candidates written per query.")] = 10,
) -> None:
    """Screen every query against the watchlist and write the best candidates with explanations."""
    from muster.domain.errors import ImportFailed, InputError

    try:
        _screen(watchlist, queries, out, top)
    except (InputError, ImportFailed) as exc:
        typer.secho(f"error: {exc}", fg="red", err=True)
        raise typer.Exit(code=2) from None


def _screen(watchlist_path: Path, queries_path: Path, out: Path, top: int) -> None:
    import csv

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from muster.domain.errors import InputError
    from muster.domain.matching import DEFAULT_THRESHOLD, build_index, screen_many
    from muster.importers.watchlist_csv import read_queries_csv, read_watchlist_csv

    loaded = read_watchlist_csv(watchlist_path)
    report = loaded.report
    if report.rejected:
        lines = [f"{watchlist_path}, line {r.line}: {r.reason}" for r in report.rejected[:_SHOWN_PROBLEMS]]
        more = len(report.rejected) - len(lines)
        raise InputError("\n".join(lines) + (f"\n... and {more} more rejected rows" if more > 0 else ""))
    for dup in report.duplicates[:_SHOWN_PROBLEMS]:
        typer.echo(f"warning: {watchlist_path}, line {dup.line}: {dup.reason}", err=True)
    if not loaded.entries:
        raise InputError(f"{watchlist_path}: no watchlist entries")
    people = read_queries_csv(queries_path)
    index = build_index(loaded.entries)
    with Progress(TextColumn("screening"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                  transient=True, disable=len(people) < 1000) as progress:
        task = progress.add_task("screen", total=len(people))
        results = screen_many(index, people, top=top, batch=500, progress=lambda n: progress.advance(task, n))
    hits = 0
    partial = out.with_name(out.name + ".partial")
    try:
        with partial.open("w", encoding="utf-8", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(RESULT_COLUMNS)
            for per_query in results:
                for r in per_query:
                    hits += r.match
                    writer.writerow([r.query_id, r.entry_id, f"{r.score:.4f}", r.rank, "true" if r.match else "false",
                                     r.explanation.render()])
        partial.replace(out)  # the result file appears whole or not at all
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise InputError(f"{out}: cannot write ({exc.strerror})") from exc
    typer.echo(f"screened {len(people)} queries against {len(loaded.entries)} entries; {hits} matches at "
               f"threshold {DEFAULT_THRESHOLD} -> {out}", err=True)
