"""Runs every benchmark in bench/ and writes bench/RESULTS.md.

Each benchmark is a module `bench/<name>/run.py` (or `bench/bench_<name>.py`) exposing
`main(out: pathlib.Path) -> str`, which writes its own JSON results under bench/results/
and returns a Markdown section. This runner adds the machine, the command and the date.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent


def _machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores ({cpu}), {mem:.0f} GiB, Python {platform.python_version()}"


def _commit() -> str:
    try:
        out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=BENCH)
    except OSError:
        return "unknown"
    return out.stdout.strip() or "unknown"


def _benchmarks(selected: list[str]) -> list[Path]:
    found = sorted(BENCH.glob("*/run.py"))
    if selected:
        found = [p for p in found if p.parent.name in selected]
    return found


def main(argv: list[str]) -> int:
    selected = argv[1:]
    results_dir = BENCH / "results"
    results_dir.mkdir(exist_ok=True)
    sections = []
    for path in _benchmarks(selected):
        name = path.parent.name
        print(f"== bench {name}", flush=True)
        spec = importlib.util.spec_from_file_location(f"bench_{name}", path)
        module = importlib.util.module_from_spec(spec)
        sys.path.insert(0, str(path.parent))
        spec.loader.exec_module(module)
        started = time.perf_counter()
        section = module.main(results_dir)
        # Each section says when and how it was made: a partial run replaces only its own.
        stamp = (f"_Measured {dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M} UTC at commit {_commit()} by "
                 f"`make bench` (or `python bench/run.py {name}`), {time.perf_counter() - started:.0f} s wall time._")
        sections.append(f"{section.rstrip()}\n\n{stamp}\n")
    header = (
        "# Benchmark results\n\n"
        f"- Machine: {_machine()}\n"
        "- Command: `make bench` runs every section; `python bench/run.py NAME` re-runs one.\n"
        "- Each section below names its date and commit.\n\n"
    )
    target = BENCH / "RESULTS.md"
    if selected and target.exists():
        # A partial run replaces only its own sections.
        old = target.read_text()
        kept = [s for s in old.split("\n<!-- section -->\n")[1:] if not any(f"<!-- bench:{n} -->" in s for n in selected)]
        sections = kept + sections
    target.write_text(header + "".join(f"\n<!-- section -->\n{s}" for s in sections))
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
