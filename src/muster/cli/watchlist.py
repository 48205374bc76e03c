"""`muster watchlist import|list` and `muster rescreen`: stored watchlists and re-screening the pipeline.

    muster watchlist import NAME FILE [--format csv|ftm|ofac] [--alt alt.csv] [--strict] [--no-rescreen]
    muster watchlist list [NAME]
    muster rescreen

An import reads the whole file first (rows it cannot use are reported with their line and reason),
then stores every entry as the next version of NAME in one transaction: a file that cannot be read,
yields no entries, or (with --strict) has any rejected row changes nothing, and the previous version
stays current (exit code 2). After a successful import everyone in the pipeline is re-screened in the
foreground with a progress bar, recorded as a job the UI's /screening page shows.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from muster.cli import app
from muster.cli.context import container

watchlist_app = typer.Typer(no_args_is_help=True, help="Stored watchlists: import a new version, list versions.")
app.add_typer(watchlist_app, name="watchlist")

_SHOWN = 20


class Format(StrEnum):
    CSV = "csv"
    FTM = "ftm"
    OFAC = "ofac"


def _read(path: Path, fmt: Format, alt: Path | None) -> Any:
    if fmt is Format.CSV:
        from muster.importers.watchlist_csv import read_watchlist_csv

        return read_watchlist_csv(path)
    if fmt is Format.FTM:
        from muster.importers.watchlist_ftm import read_watchlist_ftm

        return read_watchlist_ftm(path)
    from muster.importers.watchlist_ofac import read_watchlist_ofac

    return read_watchlist_ofac(path, alt)


@watchlist_app.command("import")
def import_command(
    name: Annotated[str, typer.Argument(help="List name (letters, digits, - _ .); a new version of it is stored.")],
    file: Annotated[Path, typer.Argument(help="The list file (for ofac: sdn.csv).")],
    fmt: Annotated[Format, typer.Option("--format", help="csv (id,name,aliases,birth_date,country), ftm (JSON lines) or ofac.")] = Format.CSV,
    alt: Annotated[Path | None, typer.Option("--alt", help="OFAC alt.csv with the a.k.a.s (only with --format ofac).")] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Refuse the whole file if any row is rejected.")] = False,
    rescreen: Annotated[bool, typer.Option("--rescreen/--no-rescreen",
                                           help="Re-screen the pipeline now (default), or queue it for the server.")] = True,
) -> None:
    """Import a watchlist file as the next version of NAME, atomically; then re-screen the pipeline."""
    from muster.domain.errors import ImportFailed, ValidationFailed
    from muster.domain.jobs import JobKind
    from muster.domain.screening import ImportSummary
    from muster.services.screening import check_list_name

    if alt is not None and fmt is not Format.OFAC:
        _refuse("--alt goes with --format ofac only")
    try:
        check_list_name(name)
        loaded = _read(file, fmt, alt)
    except (ImportFailed, ValidationFailed) as error:
        _refuse(f"{error}; nothing was imported")
    report = loaded.report
    typer.echo(report.summary())
    for row in report.rejected[:_SHOWN]:
        typer.echo(f"  rejected  line {row.line}: {row.reason}")
    for row in report.duplicates[:_SHOWN]:
        typer.echo(f"  duplicate line {row.line}: {row.reason}")
    more = len(report.rejected) + len(report.duplicates) - min(len(report.rejected), _SHOWN) - min(len(report.duplicates), _SHOWN)
    if more > 0:
        typer.echo(f"  ... and {more} more")
    if strict and report.rejected:
        _refuse(f"{len(report.rejected)} rejected rows and --strict; nothing was imported")
    summary = ImportSummary(str(file), str(fmt), report.rows_read, report.entries, report.names, len(report.duplicates),
                            len(report.rejected), report.skipped)
    with container() as built:
        try:
            version = built.screening.import_list(name, loaded.entries, summary)
        except (ImportFailed, ValidationFailed) as error:
            _refuse(f"{error}; nothing was imported")
        typer.echo(f"imported {name} version {version.version}: {len(loaded.entries)} entries")
        if rescreen:
            _rescreen(built, f"import of {name} v{version.version}")
        else:
            built.jobs.enqueue(JobKind.RESCREEN, {"reason": f"import of {name} v{version.version}"})
            typer.echo("re-screening queued for the server's worker")


@watchlist_app.command("list")
def list_command(name: Annotated[str | None, typer.Argument(help="Only this list.")] = None) -> None:
    """Show every list with all its versions, newest first (the current one marked *)."""
    with container() as built:
        versions = built.screening.versions(name)
        current = {v.id for v in built.screening.current()}
    if not versions:
        typer.echo("no watchlists imported" if name is None else f"no list named {name}")
        return
    for v in versions:
        s = v.summary
        mark = "*" if v.id in current else " "
        typer.echo(f"{mark} {v.list_name:24} v{v.version:<4} {v.imported_at:%Y-%m-%d %H:%M} {s.format:4} "
                   f"{s.entries:>8} entries {s.names:>8} names {s.duplicates:>5} dup {s.rejected:>5} rejected  {s.source}")


@app.command("rescreen")
def rescreen_command() -> None:
    """Re-screen everyone in the pipeline against the current lists, in the foreground; only new hits are raised."""
    with container() as built:
        _rescreen(built, "muster rescreen")


def _rescreen(built: Any, reason: str) -> None:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from muster.domain.jobs import JobKind, JobStatus

    job = built.jobs.claimed(JobKind.RESCREEN, {"reason": reason})
    with Progress(TextColumn("re-screening"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                  transient=True) as progress:
        task = progress.add_task("rescreen", total=None)
        done = built.jobs.run(job, lambda n, total: progress.update(task, completed=n, total=total))
    if done.status is not JobStatus.DONE:
        _refuse(f"re-screening failed: {done.error}", code=1)
    r = done.result
    typer.echo(f"re-screened {r['applications']} applications against {', '.join(r['lists']) or 'no lists'}: "
               f"{r['new_hits']} new hits")


def _refuse(message: str, code: int = 2) -> None:
    typer.secho(f"error: {message}", fg="red", err=True)
    raise typer.Exit(code)
